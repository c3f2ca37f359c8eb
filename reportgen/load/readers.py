"""Reading a data file into raw rows that keep their spreadsheet row numbers.

CSV: UTF-8 with or without byte-order mark, falling back to Windows-1252; the separator
(``;``, ``,`` or tab) is detected from the header line. XLSX: the cached values of formulas
(what the user sees), the chosen sheet or the first one. Fully blank rows are skipped; the
first non-blank row is the header. Row numbers are the ones a spreadsheet shows (header = 1
when it is the first line), so error messages point at the cell the user must fix.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ErrorCollector, Location
from .values import is_blank

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(slots=True)
class RawRow:
    number: int  # as shown by a spreadsheet
    values: list[Any]
    formats: list[str | None] | None = None  # XLSX number formats, per cell


@dataclass(slots=True)
class RawTable:
    file: str  # relative to the project, for messages
    sheet: str | None
    header: list[str]
    header_row: int
    rows: list[RawRow] = field(default_factory=list)

    def location(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    counts = {sep: 0 for sep in ";,\t"}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def read_csv(path: Path, display: str, errors: ErrorCollector) -> RawTable | None:
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        errors.add(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", Location(display))
        return None
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        errors.add("is empty: expected a header row and data rows", Location(display))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    table: RawTable | None = None
    try:
        for values in reader:
            number = reader.line_num
            if all(is_blank(v) for v in values):
                continue
            if table is None:
                table = RawTable(display, None, [v.strip() for v in values], number)
            else:
                table.rows.append(RawRow(number, values))
    except csv.Error as exc:
        errors.add(f"is not valid CSV: {exc}", Location(display, row=reader.line_num))
        return None
    return table


def read_xlsx(path: Path, display: str, sheet: str | None, errors: ErrorCollector) -> RawTable | None:
    from openpyxl import load_workbook  # imported lazily: loading openpyxl costs ~0.2 s

    if path.stat().st_size > MAX_FILE_BYTES:
        errors.add(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", Location(display))
        return None
    try:
        workbook = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        errors.add(f"cannot be read as an XLSX workbook ({exc.__class__.__name__})", Location(display))
        return None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            errors.add(f"has no sheet '{sheet}'; sheets: {', '.join(workbook.sheetnames)}", Location(display))
            return None
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        name = worksheet.title
        table: RawTable | None = None
        for number, cells in enumerate(worksheet.iter_rows(), start=1):
            values = [cell.value for cell in cells]
            if all(is_blank(v) for v in values):
                continue
            if table is None:
                header = ["" if v is None else str(v).strip() for v in values]
                table = RawTable(display, name, header, number)
            else:
                formats = [getattr(cell, "number_format", None) for cell in cells]
                table.rows.append(RawRow(number, values, formats))
        if table is None:
            errors.add("is empty: expected a header row and data rows", Location(display, name))
        return table
    finally:
        workbook.close()


def read_table_file(path: Path, display: str, sheet: str | None, errors: ErrorCollector) -> RawTable | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, display, errors)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, display, sheet, errors)
    errors.add("unsupported file type: use .csv or .xlsx", Location(display))
    return None
