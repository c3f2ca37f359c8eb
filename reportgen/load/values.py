"""Parsing one cell: the number dialects found in Italian spreadsheets, percentages,
polarities, signs, dates and references to figures of other tables.

Every parser takes the raw cell (text from a CSV, or the cached value of an XLSX cell) and
returns a Python value or raises :class:`CellError` with a message that says what was
expected. Numbers are exact ``Decimal``: amounts must be right to the cent.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .yamlspec import control_character

NUMERIC_TYPES = frozenset({"integer", "decimal", "percent", "euro", "value"})
# note: a footnote to the row (its text is printed under the table, a marker on the row's label)
COLUMN_TYPES = NUMERIC_TYPES | {"text", "note", "polarity", "sign", "date", "choice", "row_kind"}

POLARITY_WORDS = {
    "higher": "higher", "lower": "lower",
    "alto": "higher", "basso": "lower",
    "crescente": "higher", "decrescente": "lower",
    "maggiore": "higher", "minore": "lower",
    "+": "higher", "-": "lower",
}
# A row_kind column marks detail rows ("di cui"): printed under their parent, in no total.
ROW_KIND_WORDS = {"di cui": "detail", "di_cui": "detail", "dicui": "detail", "detail": "detail",
                  "dato": "data", "data": "data"}
SIGN_WORDS = {"+": 1, "+1": 1, "1": 1, "-": -1, "-1": -1, "−": -1, "−1": -1}

EXPECTED = {
    "integer": "a whole number such as 1.234",
    "decimal": "a number such as 1.234,56",
    "percent": "a percentage such as 9,56 or 9,56%",
    "euro": "an amount such as 1.234.567,89",
    "value": "a number, percentage or amount such as 1,013 or 73,33% or € 1.234,56",
    "polarity": "'higher' or 'lower' (alto/basso)",
    "sign": "'+' or '-'",
    "date": "a date such as 2025-06-05 or 05/06/2025",
    "row_kind": "'di cui' for a detail row, or empty",
}

_REF = re.compile(r"^@([a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)$")
_DASHES = {"-", "–", "—", "−"}
_CURRENCY = re.compile(r"(€|eur|euro)", re.IGNORECASE)


class CellError(ValueError):
    """A cell that does not hold what its column expects."""


@dataclass(slots=True)  # not frozen: built hundreds of thousands of times, never changed
class Quantity:
    """A parsed number with its unit type and the precision it was written with.

    ``type`` is the column's type, except in a ``value`` column (a KPI table where each row
    has its own unit) where ``%`` makes a percentage and ``€`` an amount. ``decimals`` is
    the number of decimals the source showed (``1,013`` → 3), used to print it the same way.
    """

    value: Decimal
    type: str
    decimals: int | None


@dataclass(frozen=True, slots=True)
class Ref:
    """A cell that takes its value from a figure of another table: ``@table.row.column``."""

    table: str
    row: str
    column: str

    @property
    def id(self) -> str:
        """The id of the figure it points to: ``table.row.column``."""
        return f"{self.table}.{self.row}.{self.column}"

    def __str__(self) -> str:
        return f"@{self.id}"


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def parse_ref(raw: Any) -> Ref | None:
    if isinstance(raw, str) and raw.strip().startswith("@"):
        match = _REF.match(raw.strip())
        if not match:
            raise CellError(f"'{raw.strip()}' is not a reference; write @table.row.column in lowercase")
        return Ref(*match.groups())
    return None


def _group_ok(integer_part: str, sep: str) -> bool:
    groups = integer_part.split(sep)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_number(raw: Any, decimal_mark: str = ",") -> tuple[Decimal, bool]:
    value, percent, _, _ = parse_number_detail(raw, decimal_mark)
    return value, percent


# The shapes Italian exports use most (1.234.567,89 / 1234,5 / -12): read without the general
# dialect logic, which is ten times slower; anything else takes the general path.
_ITALIAN = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")


# Decimal computes with 28 significant digits: a figure with more would be rounded silently by the
# first sum, and one with thousands of digits (or decimals) makes formatting fail. No amount a
# report publishes comes near it.
MAX_DIGITS = 28


def parse_number_detail(raw: Any, decimal_mark: str = ",") -> tuple[Decimal, bool, int | None, bool]:
    detail = _parse_number_detail(raw, decimal_mark)
    value = detail[0]
    if not value.is_finite():
        raise CellError("is not a finite number")
    digits = value.as_tuple()
    if len(digits.digits) > MAX_DIGITS or abs(int(digits.exponent)) > MAX_DIGITS:
        raise CellError(f"has more than {MAX_DIGITS} digits")
    return detail


def _parse_number_detail(raw: Any, decimal_mark: str) -> tuple[Decimal, bool, int | None, bool]:
    if decimal_mark == "," and isinstance(raw, str):
        match = _ITALIAN.match(raw.strip())
        if match:
            sign, integer, fraction = match.groups()
            text = integer.replace(".", "") + ("." + fraction if fraction else "")
            return Decimal(sign + text), False, len(fraction or ""), False
    return _parse_number_general(raw, decimal_mark)


def _parse_number_general(raw: Any, decimal_mark: str) -> tuple[Decimal, bool, int | None, bool]:
    """Parse a number written by a person or exported by a system.

    Accepts ``1.234.567,89``, ``1234567.89``, ``1,234,567.89``, ``9,56%``, ``€ 1.234``,
    ``(1.234)`` (negative) and a leading minus. Returns the value and whether a ``%`` sign
    was present, the decimals written (None for a spreadsheet number) and whether a currency
    mark was present. A lone separator followed by exactly three digits (``1.234``) is read
    with the project's decimal mark: for Italian data it is a thousands separator.
    """
    if isinstance(raw, bool):
        raise CellError("is a true/false value")
    if isinstance(raw, int):
        return Decimal(raw), False, None, False
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError("is not a finite number")
        return Decimal(repr(raw)), False, None, False  # shortest repr: 89348630.21, not its binary expansion
    if isinstance(raw, Decimal):
        return raw, False, None, False
    text = str(raw).strip()
    for space in (" ", "\u00a0", "\u202f", "'"):
        text = text.replace(space, "")
    currency = bool(_CURRENCY.search(text))
    text = _CURRENCY.sub("", text)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if text[:1] in ("-", "−", "+"):
        negative = negative or text[0] != "+"
        text = text[1:]
    if not text or not re.fullmatch(r"[0-9.,]+", text) or not text[0].isdigit() or not text[-1].isdigit():
        raise CellError("is not a number")
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:
        dec = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if dec == "," else ","
        integer, _, fraction = text.rpartition(dec)
        if fraction.count(group) or not _group_ok(integer, group):
            raise CellError("has misplaced thousands separators")
        text = integer.replace(group, "") + "." + fraction
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        parts = text.split(sep)
        lone_thousands = len(parts) == 2 and len(parts[1]) == 3 and sep != decimal_mark
        if len(parts) > 2 or lone_thousands:
            if not _group_ok(text, sep):
                raise CellError("has misplaced thousands separators")
            text = text.replace(sep, "")
        else:
            text = parts[0] + "." + parts[1]
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex above rules this out
        raise CellError("is not a number") from exc
    decimals = len(text.partition(".")[2])
    return (-value if negative else value), percent, decimals, currency


def parse_cell(raw: Any, col_type: str, decimal_mark: str = ",", choices: tuple[str, ...] = (),
               number_format: str | None = None) -> Any:
    """Convert one non-blank cell to the column's type. ``number_format`` is the XLSX cell
    format, which tells whether a number is stored as a fraction (0,0956 shown as 9,56%)."""
    if col_type in ("text", "note"):
        text = str(raw).strip() if not isinstance(raw, float) else _plain(raw)
        found = cell_control_character(text)
        if found:  # no font draws it, and the deck's XML may not hold it: PowerPoint would refuse the file
            raise CellError(f"contains a control character ({found})")
        return text
    if col_type == "choice":
        value = str(raw).strip()
        if value not in choices:
            raise CellError(f"must be one of: {', '.join(choices)}")
        return value
    if col_type == "polarity":
        word = str(raw).strip().lower()
        if word not in POLARITY_WORDS:
            raise CellError("is not a polarity")
        return POLARITY_WORDS[word]
    if col_type == "sign":
        word = str(raw).strip()
        if isinstance(raw, (int, float)) and raw in (1, -1):
            return int(raw)
        if word not in SIGN_WORDS:
            raise CellError("is not a sign")
        return SIGN_WORDS[word]
    if col_type == "date":
        return _parse_date(raw)
    if col_type == "row_kind":
        word = " ".join(str(raw).split()).lower()
        if word not in ROW_KIND_WORDS:
            raise CellError("is not a row kind")
        return ROW_KIND_WORDS[word]
    if col_type in NUMERIC_TYPES:
        return _parse_quantity(raw, col_type, decimal_mark, number_format)
    raise CellError(f"has unknown type '{col_type}'")  # pragma: no cover - schemas are validated


def cell_control_character(text: str) -> str | None:
    """The first control character of a text cell, as ``U+000B``; tab, line feed and carriage
    return (a spreadsheet's line break) are text."""
    return control_character(text.replace("\r", "")) if "\r" in text else control_character(text)


def _format_decimals(number_format: str | None) -> int | None:
    """Decimals shown by an XLSX number format such as ``#,##0.00`` or ``0.0%``."""
    if not number_format or number_format == "General":
        return None
    match = re.search(r"0\.(0+)", number_format)
    return len(match.group(1)) if match else 0


def _parse_quantity(raw: Any, col_type: str, decimal_mark: str, number_format: str | None) -> Quantity:
    value, had_percent, decimals, currency = parse_number_detail(raw, decimal_mark)
    spreadsheet_number = isinstance(raw, (int, float))
    if decimals is None:
        decimals = _format_decimals(number_format)
    format_percent = spreadsheet_number and bool(number_format) and "%" in number_format
    kind = col_type
    if col_type == "value":
        kind = "percent" if had_percent or format_percent else "euro" if currency else "decimal"
    elif had_percent and col_type != "percent":
        raise CellError("is a percentage, but the column holds plain numbers")
    if kind == "percent" and not format_percent:
        value = value / 100  # written as points (9,56 or 9,56%), stored as a fraction
    if col_type == "integer" and value != value.to_integral_value():
        raise CellError("has decimals, but the column holds whole numbers")
    return Quantity(value, kind, decimals)


def _plain(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _parse_date(raw: Any) -> _dt.date:
    if isinstance(raw, _dt.datetime):
        return raw.date()
    if isinstance(raw, _dt.date):
        return raw
    text = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return _dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError("is not a date")


def is_dash(raw: Any) -> bool:
    return isinstance(raw, str) and raw.strip() in _DASHES
