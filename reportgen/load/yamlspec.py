"""Reading YAML configuration with every problem collected and named by its key path.

``Spec`` wraps one mapping of a YAML file; its getters check types and record an error such
as ``report.yaml: sections[3].id: expected text`` instead of raising, so that a single run
lists every configuration problem (like MkDocs' config validation).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ErrorCollector, Location

_MISSING = object()
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        errors.add(f"invalid YAML: {problem}", Location(display, line=line))
        return None


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
        return value

    def boolean(self, key: str, default: bool) -> bool:
        self._used.add(key)
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.error("expected true or false", key)
            return default
        return value

    def integer(self, key: str, default: Any = _MISSING) -> Any:
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
            return (value,)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
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
