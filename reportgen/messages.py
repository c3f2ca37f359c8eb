"""The user's messages as the user reads them: numbers as the report prints them, and the
language of the lines the CLI prints.

Every stage raises English messages with a location (they are also what a program or a log
reads); the CLI applies :func:`localize` to each error and warning line it prints. Italian
is the default, ``--lang en`` (or ``REPORTGEN_LANG=en``) prints the originals. The
catalogue maps the pattern of an English message to its Italian template, the variable parts
(names, values, nested messages) kept; a message it does not know stays English.

A shared helper (rank 0): it imports nothing of reportgen but the formatting.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from functools import lru_cache

from .formatting import Formatter

LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"


def printed_like(value: Decimal, decimals: int | None, percent: bool = False, currency: bool = False) -> str:
    """``value`` written as a published figure with ``decimals`` is (Italian marks, half-up)."""
    text = Formatter().number(value, decimals or 0)
    if percent:
        text += " %"
    return f"€ {text}" if currency else text


def language(option: str | None = None) -> str:
    """The language of the messages: the option, else REPORTGEN_LANG, else Italian."""
    chosen = (option or os.environ.get("REPORTGEN_LANG") or DEFAULT_LANGUAGE).strip().lower()[:2]
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def localize(line: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """One printed line (``location: message``, or a message alone) in ``lang``."""
    if lang == "en" or not line:
        return line
    return _italian(line)


def translate(message: str) -> str | None:
    """The Italian of one message without its location, or None when the catalogue lacks it."""
    if message in _EXACT:
        return _EXACT[message]
    for pattern, template in _compiled():
        match = pattern.fullmatch(message)
        if match:
            parts = {name: _nested(value) for name, value in match.groupdict().items()}
            return template.format(**parts)
    return None


def _nested(value: str) -> str:
    # a variable part may itself be a message ("blocks[2]: <message>")
    found = translate(value) if " " in value else None
    return value if found is None else found


@lru_cache(maxsize=4096)
def _italian(line: str) -> str:
    whole = translate(line)
    if whole is not None:
        return whole
    # "location: message": the location is the part before the first ": " that reads as one
    start = 0
    while (cut := line.find(": ", start)) != -1:
        head, tail = line[:cut], line[cut + 2:]
        where = _location(head)
        if where is not None:
            found = translate(tail)
            return f"{where}: {tail if found is None else found}"
        start = cut + 2
    return line


_LOCATION_PART = re.compile(r"(?:sheet '(?P<sheet>[^']*)'|row (?P<row>\d+)|column '(?P<column>[^']*)'|"
                            r"line (?P<line>\d+))")
_FILE = re.compile(r"[^\s:,][^:,]*\.(?:ya?ml|csv|xlsx|xlsm|md|markdown|txt|json|svg|png|jpe?g)|report\.yaml")


def _location(text: str) -> str | None:
    """The Italian of a :class:`~reportgen.errors.Location` printed as text, or None."""
    parts = text.split(", ")
    if not _FILE.fullmatch(parts[0]):
        return None
    out = [parts[0]]
    for part in parts[1:]:
        match = _LOCATION_PART.fullmatch(part)
        if match is None:
            return None
        kind = match.lastgroup
        value = match.group(kind)
        out.append({"sheet": f"foglio '{value}'", "row": f"riga {value}", "column": f"colonna '{value}'",
                    "line": f"riga {value}"}[kind])
    return ", ".join(out)


# -- the catalogue ------------------------------------------------------------------------------
# English pattern → Italian template. In a pattern, {name} is a variable part (the shortest text
# that makes the whole message match), copied into the template; everything else is literal.

_EXACT: dict[str, str] = {}

CATALOGUE: tuple[tuple[str, str], ...] = (
    # check values (engine/checks.py)
    ("check value of table '{table}', row '{row}', column '{column}': published {published} · computed {computed} "
     "(tolerance {tolerance})",
     "valore di controllo della tabella '{table}', riga '{row}', colonna '{column}': pubblicato {published} · "
     "calcolato {computed} (tolleranza {tolerance})"),
    ("check value of table '{table}', row '{row}', column '{column}': published {published} · computed {computed}",
     "valore di controllo della tabella '{table}', riga '{row}', colonna '{column}': pubblicato {published} · "
     "calcolato {computed}"),
    ("{path}: table '{table}' has no row '{row}'; rows: {rows}",
     "{path}: la tabella '{table}' non ha la riga '{row}'; righe: {rows}"),
    ("{path}: published value '{value}' is not a number", "{path}: il valore pubblicato '{value}' non è un numero"),
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern, str], ...]:
    compiled = []
    for pattern, template in CATALOGUE:
        pieces = re.split(r"\{(\w+)\}", pattern)
        regex = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces))
        compiled.append((re.compile(regex, re.DOTALL), template))
    return tuple(compiled)
