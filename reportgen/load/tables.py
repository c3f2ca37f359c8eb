"""Validating a data file against its schema: every problem, with file, row and column.

The result is an :class:`InputTable` whose cells hold typed values (a
:class:`~reportgen.load.values.Quantity` for numbers, ``str``, dates), ``None`` for blanks, or a :class:`~reportgen.load.values.Ref` to a figure of another
table, each cell remembering the :class:`~reportgen.errors.Location` it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import ErrorCollector, Location
from .readers import RawTable
from .schema import ColumnSpec, TableSchema
from .values import (
    EXPECTED,
    MAX_DIGITS,
    NUMERIC_TYPES,
    CellError,
    Quantity,
    cell_control_character,
    is_blank,
    is_dash,
    parse_cell,
    parse_ref,
)

MAX_ROWS = 200_000


def slug(text: str) -> str:
    """``"IEEP Accertato"`` → ``"ieep_accertato"``; accents dropped, digits kept, any other
    character (’ as much as ') separates words."""
    text = re.sub(r"[^\w]+", " ", str(text).lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def row_id(text: str) -> str:
    """An identifier usable in narrative placeholders (``{{ table.row.column }}``)."""
    value = slug(text)
    return f"r{value}" if not value or value[0].isdigit() else value


@dataclass(slots=True)
class InputRow:
    id: str
    number: int | None  # spreadsheet row, None for rows of a derived table
    cells: dict[str, Any]
    locations: dict[str, Location] = field(default_factory=dict)


@dataclass(slots=True)
class InputTable:
    schema: TableSchema
    rows: list[InputRow]
    file: str | None = None
    sheet: str | None = None


def _match_columns(raw: RawTable, schema: TableSchema, errors: ErrorCollector) -> dict[int, ColumnSpec]:
    by_header: dict[str, ColumnSpec] = {}
    for column in schema.columns.values():
        for name in (column.name, *column.headers):
            by_header[slug(name)] = column
    matched: dict[int, ColumnSpec] = {}
    seen: dict[str, int] = {}
    header_loc = raw.location(raw.header_row)
    for index, header in enumerate(raw.header):
        if not header:
            if any(not is_blank(r.values[index]) for r in raw.rows if index < len(r.values)):
                errors.add(f"column {index + 1} has values but no header", header_loc)
            continue
        column = by_header.get(slug(header))
        if column is None:
            declared = ", ".join(c.name for c in schema.input_columns)
            errors.add(f"unexpected column '{header}'; {schema.schema_file} declares: {declared}",
                       raw.location(raw.header_row, header))
            continue
        if column.name in seen:
            errors.add(f"column '{column.name}' appears twice (columns {seen[column.name] + 1} and {index + 1})",
                       header_loc)
            continue
        seen[column.name] = index
        matched[index] = column
    for column in schema.input_columns:
        if column.required and column.name not in seen:
            errors.add(f"missing required column '{column.name}'"
                       + (f" (header '{column.headers[0]}')" if column.headers else ""), header_loc)
    return matched


def _parse_value(raw_value: Any, column: ColumnSpec, fmt: str | None, decimal_mark: str) -> Any:
    if is_blank(raw_value):
        return column.default
    if column.type in NUMERIC_TYPES:
        ref = parse_ref(raw_value)
        if ref is not None:
            return ref
        if is_dash(raw_value):
            return Quantity(Decimal(0), column.type, 0) if column.dash_is_zero else None
    return parse_cell(raw_value, column.type, decimal_mark, column.choices, fmt)


_PLAIN_ITALIAN = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")
_FAST_TYPES = {"integer", "decimal", "euro"}


def _cell_parser(column: ColumnSpec, decimal_mark: str):
    """A parser for one column, with a fast path for what most cells hold (text, or a number
    like 1.234,56) and the general one for anything else, so both give the same result."""
    if column.type == "text":
        def parse_text(raw: Any, fmt: str | None) -> Any:
            if type(raw) is str:
                text = raw.strip()
                if cell_control_character(text):
                    return _parse_value(raw, column, fmt, decimal_mark)  # which names the character
                return text if text else column.default
            return _parse_value(raw, column, fmt, decimal_mark)
        return parse_text
    if column.type in _FAST_TYPES and decimal_mark == "," and column.decimals is None:
        integer = column.type == "integer"

        def parse_number(raw: Any, fmt: str | None) -> Any:
            if type(raw) is str:
                match = _PLAIN_ITALIAN.match(raw.strip())
                # a longer text may hold more digits than a Decimal keeps: the general path refuses it
                if match and len(match.group(0)) <= MAX_DIGITS and not (integer and match.group(3)):
                    sign, digits, fraction = match.groups()
                    text = digits.replace(".", "") + ("." + fraction if fraction else "")
                    return Quantity(Decimal(sign + text), column.type, len(fraction or ""))
            return _parse_value(raw, column, fmt, decimal_mark)
        return parse_number
    return lambda raw, fmt: _parse_value(raw, column, fmt, decimal_mark)


def validate_table(raw: RawTable, schema: TableSchema, decimal_mark: str, errors: ErrorCollector,
                   empty_ok: bool = False) -> InputTable | None:
    """``empty_ok``: a table without rows is valid (one unit's rows of a repeated project)."""
    before = len(errors.errors)
    if len(raw.rows) > MAX_ROWS:
        errors.add(f"has {len(raw.rows)} rows; the limit is {MAX_ROWS}", raw.location())
        return None
    matched = _match_columns(raw, schema, errors)
    if len(errors.errors) > before:
        return None
    if not raw.rows and not empty_ok:
        errors.add("has a header but no data rows", raw.location())
        return None
    rows: list[InputRow] = []
    ids: dict[str, int] = {}
    parsers = {index: _cell_parser(column, decimal_mark) for index, column in matched.items()}
    defaults = {c.name: c.default for c in schema.input_columns}
    for raw_row in raw.rows:
        cells: dict[str, Any] = dict(defaults)
        locations: dict[str, Location] = {}
        for index, column in matched.items():
            value = raw_row.values[index] if index < len(raw_row.values) else None
            fmt = raw_row.formats[index] if raw_row.formats and index < len(raw_row.formats) else None
            location = Location(raw.file, raw.sheet, raw_row.number, column.name)
            locations[column.name] = location
            try:
                parsed = parsers[index](value, fmt)
            except CellError as exc:
                expected = EXPECTED.get(column.type, "")
                shown = str(value).strip()
                errors.add(f"'{shown}' {exc}" + (f"; expected {expected}" if expected else ""), location)
                continue
            if parsed is None and column.required:
                if index in raw_row.unsaved_formulas:
                    errors.add("holds a formula whose result was not saved: open the file in Excel or "
                               "LibreOffice Calc and save it again", location)
                else:
                    errors.add(f"is empty; expected {EXPECTED.get(column.type, 'a value')}", location)
            cells[column.name] = parsed
        extra = [v for i, v in enumerate(raw_row.values) if i >= len(raw.header) and not is_blank(v)]
        if extra:
            errors.add(f"has {len(extra)} value(s) beyond the last column", raw.location(raw_row.number))
        if schema.key:
            key_text = " ".join(str(cells.get(k) or "") for k in schema.key).strip()
            rid = row_id(key_text)
            if not key_text:
                errors.add(f"has an empty key ({', '.join(schema.key)})", raw.location(raw_row.number))
        else:
            rid = f"r{len(rows) + 1}"
        if rid in ids:
            errors.add(f"duplicate key '{rid}' (also on row {ids[rid]})", raw.location(raw_row.number))
        ids[rid] = raw_row.number
        rows.append(InputRow(rid, raw_row.number, cells, locations))
    if len(errors.errors) > before:
        return None
    return InputTable(schema, rows, raw.file, raw.sheet)
