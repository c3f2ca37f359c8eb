"""Reading YAML configuration with every problem collected and named by its key path.

``Spec`` wraps one mapping of a YAML file; its getters check types and record an error such
as ``report.yaml: sections[3].id: expected text`` instead of raising, so that a single run
lists every configuration problem (like MkDocs' config validation).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import ErrorCollector, Location

_MISSING = object()
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, except that a date-like scalar that is no date (``2025-02-30``, hour 25)
    stays text: the key that expects a date then names itself in the error, instead of the
    loader ending in a ValueError with no file or key."""


def _timestamp(loader: Any, node: Any) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


def _int(loader: Any, node: Any) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:  # more digits than Python converts (4300): text, refused by the key's check
        return loader.construct_scalar(node)


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_SafeLoader.add_constructor("tag:yaml.org,2002:int", _int)
_SAFE_LOADER = _SafeLoader
# Aliases share one object, so a few hundred bytes can describe billions of values (the "billion
# laughs"); whatever walks them later (a str(), a check) would take minutes and gigabytes. A project's
# files are far below this bound: a value costs 1, plus 1 per 64 characters of text.
MAX_VALUES = 200_000
# A control character ends the CSS string a title is placed in (form feed), or splits a file name or a
# one-line error message (newline): none in one-line values, only tab and newline in longer texts.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def control_character(text: str, one_line: bool = False) -> str | None:
    """The first control character in ``text`` as ``U+000C``, or None."""
    found = (_CONTROL_OR_BREAK if one_line else _CONTROL).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _expands_beyond(data: Any, limit: int) -> bool:
    budget = limit
    stack = [data]
    while stack:
        value = stack.pop()
        budget -= 1 + (len(value) >> 6 if isinstance(value, str) else 0)
        if budget < 0:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def read_yaml(path: Path, display: str, errors: ErrorCollector) -> Any:
    """Load a YAML file safely (no object construction), reporting syntax errors with a line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        errors.add("file not found", Location(display))
        return None
    except UnicodeDecodeError:
        errors.add("is not UTF-8 text", Location(display))
        return None
    try:
        # libyaml's safe loader when the wheel has it: the pure-Python one is most of a build's load time
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        errors.add(f"invalid YAML: {problem}", Location(display, line=line))
        return None
    except RecursionError:  # aliases nested deeper than the loader follows
        errors.add("invalid YAML: aliases nested too deep", Location(display))
        return None
    if _expands_beyond(data, MAX_VALUES):
        errors.add(f"its aliases (*name) expand to more than {MAX_VALUES:,} values; write the values out",
                   Location(display))
        return None
    return data


class Spec:
    """One YAML mapping with typed, error-collecting getters."""

    def __init__(self, data: Any, file: str, errors: ErrorCollector, path: str = ""):
        self.file = file
        self.errors = errors
        self.path = path
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.error("expected a mapping of keys to values")
            data = {}
        self.data: dict[str, Any] = data
        self._used: set[str] = set()

    def where(self, key: str | int | None = None) -> str:
        if key is None:
            return self.path or "(top level)"
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        if control_character(key, one_line=True):  # an unknown key, named on one line
            key = key.encode("unicode_escape").decode("ascii")
        return f"{self.path}.{key}" if self.path else key

    def error(self, message: str, key: str | int | None = None) -> None:
        self.errors.add(f"{self.where(key)}: {message}", Location(self.file))

    def raw(self, key: str, default: Any = None) -> Any:
        self._used.add(key)
        return self.data.get(key, default)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, default: Any = _MISSING) -> Any:
        self._used.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.error("is required", key)
                return ""
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.error("expected text", key)
            return "" if default is _MISSING else default
        found = control_character(value)
        if found:
            self.error(f"contains a control character ({found})", key)
            return "" if default is _MISSING else default
        return value

    def line(self, key: str, default: Any = _MISSING) -> Any:
        """Text on one line without control characters: a name, a title, a colour."""
        value = self.text(key, default)
        found = control_character(value, one_line=True) if isinstance(value, str) else None
        if found:
            self.error(f"must be one line, without control characters (found {found})", key)
            return "" if default is _MISSING else default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        self._used.add(key)
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.error("expected true or false", key)
            return default
        return value

    def integer(self, key: str, default: Any = _MISSING, bounds: tuple[int, int] | None = None) -> Any:
        """A whole number; with ``bounds`` (inclusive) one a later stage can use without
        overflowing (a year of 10²³, 10¹⁰ decimals)."""
        self._used.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.error("is required", key)
                return 0
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error("expected a whole number", key)
            return 0 if default is _MISSING else default
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            self.error(f"expected a whole number from {bounds[0]} to {bounds[1]}", key)
            return 0 if default is _MISSING else default
        return value

    def names(self, key: str, default: Any = _MISSING) -> tuple[str, ...]:
        """A name or a list of names."""
        self._used.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.error("is required", key)
                return ()
            return tuple(default)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            found = next(filter(None, (control_character(v, one_line=True) for v in value)), None)
            if found:
                self.error(f"a name contains a control character ({found})", key)
                return ()
            return tuple(value)
        self.error("expected a name or a list of names", key)
        return ()

    def items(self, key: str) -> list[Any]:
        self._used.add(key)
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error("expected a list", key)
            return []
        return value

    def child(self, key: str) -> Spec:
        self._used.add(key)
        return Spec(self.data.get(key), self.file, self.errors, self.where(key))

    def item(self, data: Any, index: int, key: str) -> Spec:
        return Spec(data, self.file, self.errors, f"{self.where(key)}[{index}]")

    def reject_unknown(self, allowed: set[str] | None = None) -> None:
        """Unknown keys are usually typos: report them rather than ignore them."""
        allowed = allowed if allowed is not None else self._used
        for key in self.data:
            if key not in allowed:
                self.error("unknown key", str(key))
