"""Reading a data file into raw rows that keep their spreadsheet row numbers.

CSV: UTF-8 with or without byte-order mark, falling back to Windows-1252; the separator
(``;``, ``,`` or tab) is detected from the header line. XLSX: the cached values of formulas
(what the user sees), the chosen sheet or the first one; hidden rows are left out. Fully blank
rows are skipped; the first non-blank row (or rows, see ``header_rows``) is the header. Row numbers are the ones a spreadsheet shows (header = 1
when it is the first line), so error messages point at the cell the user must fix.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ErrorCollector, InputError, Location
from .files import read_project_bytes
from .values import is_blank

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(slots=True)
class RawRow:
    number: int  # as shown by a spreadsheet
    values: list[Any]
    formats: list[str | None] | None = None  # XLSX number formats, per cell
    unsaved_formulas: set[int] = field(default_factory=set)  # columns (0-based) holding a formula without result


@dataclass(slots=True)
class RawTable:
    file: str  # relative to the project, for messages
    sheet: str | None
    header: list[str]
    header_row: int  # the last header row
    rows: list[RawRow] = field(default_factory=list)
    hidden_rows: int = 0  # XLSX rows hidden by the user, left out

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


def combine_headers(rows: list[list[Any]], merged: list[tuple[int, int, int, int]] | None = None) -> list[str]:
    """One name per column from one or more header rows: ``AL 31/12/2023`` over ``Femmine``
    gives ``AL 31/12/2023 Femmine``. A title over several columns (a merged cell) applies to
    each: from the merge ranges when the file has them (XLSX), else to the empty cells on its
    right in the upper rows (how merged cells look in a CSV export)."""
    width = max(len(r) for r in rows)
    grid = [[("" if v is None else str(v).strip()) for v in r] + [""] * (width - len(r)) for r in rows]
    if merged is not None:  # ranges in header-relative rows: (min_col, min_row, max_col, max_row), 1-based
        for c1, r1, c2, r2 in merged:
            if not (1 <= r1 <= len(grid) and c1 <= width):
                continue
            source = grid[r1 - 1][c1 - 1]
            for r in range(r1, min(r2, len(grid)) + 1):
                for c in range(c1, min(c2, width) + 1):
                    grid[r - 1][c - 1] = grid[r - 1][c - 1] or source
    else:
        for row in grid[:-1]:
            for col in range(1, width):
                if not row[col] and row[col - 1] and any(lower[col] for lower in grid[1:]):
                    row[col] = row[col - 1]
    return [" ".join(part for part in dict.fromkeys(row[col] for row in grid) if part) for col in range(width)]


def _read(path: Path, display: str, errors: ErrorCollector, root: Path | None) -> bytes | None:
    try:
        return read_project_bytes(root or path.resolve().parent, path, display, MAX_FILE_BYTES)
    except InputError as exc:
        errors.errors.append(exc)
        return None


def _folded_rows(value: str, delimiter: str, width: int) -> bool:
    """A quote opened by mistake and closed rows later: the rows between became one cell. A
    cell may hold several lines (a list of actions, each ending in ``;``), but not lines that
    are mostly whole rows of the table. With fewer than three columns the two cannot be told apart."""
    lines = value.splitlines()[1:]
    if width < 3 or not lines:
        return False
    rows = sum(line.count(delimiter) >= width - 1 for line in lines)
    return rows > 0 and 2 * rows >= len(lines)


def read_csv(path: Path, display: str, errors: ErrorCollector, header_rows: int = 1,
             root: Path | None = None) -> RawTable | None:
    data = _read(path, display, errors, root)
    if data is None:
        return None
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        errors.add("is empty: expected a header row and data rows", Location(display))
        return None
    delimiter = _delimiter(first)
    # strict: a quote left open to the end, or text after a closing quote, is an error, not a guess
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    headers: list[list[str]] = []
    table: RawTable | None = None
    start = 1  # the line a record begins on: a quoted cell may span lines
    try:
        for values in reader:
            number, start = start, reader.line_num + 1
            if all(is_blank(v) for v in values):
                continue
            if len(headers) < header_rows:
                headers.append(values)
                if len(headers) == header_rows:
                    table = RawTable(display, None, combine_headers(headers), reader.line_num)
            else:
                for index, value in enumerate(values):
                    if _folded_rows(value, delimiter, len(table.header)):
                        column = table.header[index] if index < len(table.header) else f"{index + 1}"
                        errors.add(f"a stray quote (\") opens a cell that runs to line {reader.line_num}: "
                                   "remove it or close it", Location(display, row=number, column=column))
                        return None
                table.rows.append(RawRow(reader.line_num, values))
    except csv.Error as exc:
        problem = "a quote (\") is never closed" if "end of data" in str(exc) else str(exc)
        errors.add(f"is not valid CSV: {problem}", Location(display, row=start))
        return None
    if table is None:
        errors.add(f"has fewer than the {header_rows} header rows its schema declares", Location(display))
    return table


def read_xlsx(path: Path, display: str, sheet: str | None, errors: ErrorCollector,
              header_rows: int = 1, root: Path | None = None) -> RawTable | None:
    from openpyxl import load_workbook  # imported lazily: loading openpyxl costs ~0.2 s

    from .xlsx_sheet import check_package

    data = _read(path, display, errors, root)
    if data is None:
        return None
    package = io.BytesIO(data)  # read once, checked: openpyxl never opens the path itself
    problem = check_package(package)
    if problem:
        errors.add(problem, Location(display))
        return None
    try:
        workbook = load_workbook(package, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        errors.add(f"cannot be read as an XLSX workbook ({exc.__class__.__name__})", Location(display))
        return None
    try:
        return _read_sheet(workbook, display, sheet, errors, header_rows, package)
    except (ValueError, IndexError, KeyError, TypeError, AttributeError, zipfile.BadZipFile, EOFError) as exc:
        # openpyxl reads the sheet as it is iterated: a damaged part shows only now
        errors.add(f"cannot be read as an XLSX workbook ({exc.__class__.__name__}: {str(exc)[:200]})",
                   Location(display))
        return None
    finally:
        workbook.close()


def _read_sheet(workbook, display: str, sheet: str | None, errors: ErrorCollector, header_rows: int,
                package) -> RawTable | None:
    from .xlsx_sheet import read_extras

    if not workbook.worksheets:
        errors.add("has no sheet", Location(display))
        return None
    if sheet is not None and sheet not in workbook.sheetnames:
        errors.add(f"has no sheet '{sheet}'; sheets: {', '.join(workbook.sheetnames)}", Location(display))
        return None
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    name = worksheet.title
    extras = read_extras(package, name)
    headers: list[list[Any]] = []
    header_numbers: list[int] = []
    table: RawTable | None = None
    hidden = 0
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        values = [cell.value for cell in cells]
        if number in extras.hidden_rows:  # what the user sees is what is read
            hidden += any(not is_blank(v) for v in values)
            continue
        if all(is_blank(v) for v in values):
            continue
        if len(headers) < header_rows:
            headers.append(values)
            header_numbers.append(number)
            if len(headers) == header_rows:
                merged = [(c1, r1 - header_numbers[0] + 1, c2, r2 - header_numbers[0] + 1)
                          for c1, r1, c2, r2 in extras.merged if r1 <= number and r2 >= header_numbers[0]]
                table = RawTable(display, name, combine_headers(headers, merged or None), number)
        else:
            formats = [getattr(cell, "number_format", None) for cell in cells]
            unsaved = {c - 1 for r, c in extras.formulas_without_value if r == number}
            table.rows.append(RawRow(number, values, formats, unsaved))
    if table is None:
        errors.add("is empty: expected a header row and data rows" if not headers else
                   f"has fewer than the {header_rows} header rows its schema declares", Location(display, name))
    else:
        table.hidden_rows = hidden
    return table


def read_table_file(path: Path, display: str, sheet: str | None, errors: ErrorCollector,
                    header_rows: int = 1, root: Path | None = None) -> RawTable | None:
    """``root``: the project folder, which the file (or where its link leads) must be inside."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, display, errors, header_rows, root)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, display, sheet, errors, header_rows, root)
    errors.add("unsupported file type: use .csv or .xlsx", Location(display))
    return None
