"""``reportgen collect``: filled workbooks back into the project's data files, all or nothing.

Every cell is read with the loader's own parsers (:mod:`reportgen.load.values`), so a value is
accepted here exactly when the build would accept it; each problem names the workbook, the
sheet and the cell (``ieep.xlsx, foglio ieep, cella D7: "n.d." non è un numero``). Then the
whole project is validated and computed again with the new data, in a scratch copy: only when
that succeeds are the changed CSVs replaced (atomically, together), and the changes are told
with the figure layer of ``reportgen diff`` (each changed input, and how many derived figures
moved with it).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..errors import InputError, InputErrors, Location
from ..load import LoadedProject, load_project
from ..load.schema import TableSchema
from ..load.tables import _parse_value as parse_value  # one cell, exactly as a build reads it
from ..load.values import CellError, Quantity, is_blank
from ..output import write_all
from .cells import csv_bytes, value_text
from .workbook import COVER, FIRST_ROW, NAMES_ROW

# the loader's reasons (values.CellError), as the office staff read them
ITALIAN = {
    "is not a number": "non è un numero",
    "has misplaced thousands separators": "non è un numero (separatori delle migliaia fuori posto)",
    "is not a finite number": "non è un numero",
    "is a true/false value": "non è un numero",
    "has decimals, but the column holds whole numbers": "ha decimali, ma la colonna è di numeri interi",
    "is a percentage, but the column holds plain numbers": "è una percentuale, ma la colonna è di numeri",
    "is not a polarity": "non è una polarità (higher o lower, alto o basso)",
    "is not a sign": "non è un segno (+ o -)",
    "is not a date": "non è una data (come 05/06/2025)",
}


def italian(reason: str) -> str:
    if reason.startswith("must be one of: "):
        return "deve essere uno tra: " + reason.removeprefix("must be one of: ")
    if reason.endswith("is not a reference; write @table.row.column in lowercase"):
        return "non è un riferimento: scrivere @tabella.riga.colonna in minuscolo"
    return ITALIAN.get(reason, reason)


@dataclass(slots=True)
class CollectResult:
    changed: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Sheet:
    """One table read from a workbook: its values, and where each came from."""

    table: str
    book: str
    sheet: str
    columns: list[str]
    rows: list[list[Any]]
    numbers: list[int]  # the sheet row of each data row

    def cell(self, row: int, column: str) -> str:
        return f"{self.book}, foglio {self.sheet}, cella {get_column_letter(self.columns.index(column) + 1)}{row}"


def _table_for(sheet_name: str, schemas: dict[str, TableSchema]) -> str | None:
    if sheet_name in schemas:
        return sheet_name
    longer = [t for t in schemas if len(t) > 31 and t[:31] == sheet_name]  # sheet names stop at 31 characters
    return longer[0] if len(longer) == 1 else None


def read_workbook(path: Path, loaded: LoadedProject, errors: list[InputError]) -> list[_Sheet]:
    book = path.name
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        errors.append(InputError(f"{book}: non è una cartella di lavoro .xlsx leggibile ({type(exc).__name__})"))
        return []
    sheets = []
    for sheet in workbook.worksheets:
        if sheet.title == COVER:
            continue
        table_id = _table_for(sheet.title, loaded.schemas)
        if table_id is None or table_id not in loaded.tables:
            errors.append(InputError(f"{book}, foglio {sheet.title}: nessuna tabella '{sheet.title}' nel progetto "
                                     "(i fogli non vanno rinominati)"))
            continue
        schema = loaded.schemas[table_id]
        names = [c.value for c in sheet[NAMES_ROW]]
        while names and names[-1] is None:
            names.pop()
        unknown = [n for n in names if n not in schema.columns or schema.columns[n].computed]
        if unknown or not names:
            errors.append(InputError(f"{book}, foglio {sheet.title}, riga {NAMES_ROW}: colonne non riconosciute "
                                     f"({', '.join(map(str, unknown)) or 'nessuna'}): la riga nascosta dei nomi "
                                     "non va modificata"))
            continue
        before = len(errors)
        rows, numbers = [], []
        for cells in sheet.iter_rows(min_row=FIRST_ROW, max_col=len(names)):
            if all(is_blank(c.value) for c in cells):
                continue
            values = []
            for cell, name in zip(cells, names):
                column = schema.columns[name]
                try:
                    value = parse_value(cell.value, column, cell.number_format, loaded.config.decimal_mark)
                except CellError as exc:
                    shown = str(cell.value).strip()
                    errors.append(InputError(f"{book}, foglio {sheet.title}, cella {cell.coordinate}: "
                                             f"\"{shown}\" {italian(str(exc))}"))
                    value = None
                else:
                    if value is None and column.required:
                        errors.append(InputError(f"{book}, foglio {sheet.title}, cella {cell.coordinate}: "
                                                 f"è vuota, ma la colonna '{column.label}' è obbligatoria"))
                values.append(value)
            rows.append(values)
            numbers.append(cells[0].row)
        if len(errors) == before:
            sheets.append(_Sheet(table_id, book, sheet.title, names, rows, numbers))
    return sheets


def _current(loaded: LoadedProject, sheet: _Sheet) -> list[list[Any]]:
    return [[row.cells.get(name) for name in sheet.columns] for row in loaded.tables[sheet.table].rows]


def _same(a: list[list[Any]], b: list[list[Any]]) -> bool:
    def key(value: Any) -> Any:  # the precision a cell shows is the format's, not a change of figure
        return (value.value, value.type) if isinstance(value, Quantity) else value

    return [[key(v) for v in row] for row in a] == [[key(v) for v in row] for row in b]


def _where(message: str, location: Location | None, by_file: dict[str, _Sheet]) -> str:
    """An error of the recomputed project, named by the workbook cell it came from when it did."""
    sheet = by_file.get(location.file) if location else None
    if sheet is None or location.row is None:
        return f"{location}: {message}" if location else message
    index = location.row - 2  # CSV row 2 is the first data row
    if not 0 <= index < len(sheet.numbers):
        return f"{sheet.book}, foglio {sheet.sheet}: {message}"
    row = sheet.numbers[index]
    if location.column in sheet.columns:
        return f"{sheet.cell(row, location.column)}: {message}"
    return f"{sheet.book}, foglio {sheet.sheet}, riga {row}: {message}"


def collect(project: str | Path, workbooks: list[str | Path]) -> CollectResult:
    """Read filled workbooks into ``project``'s CSVs; raises InputErrors (nothing written) when
    any cell, or the project recomputed with them, is invalid."""
    from ..diff import diff_projects

    root = Path(project).resolve()
    loaded = load_project(root)
    errors: list[InputError] = []
    sheets: list[_Sheet] = []
    seen: dict[str, str] = {}
    for path in map(Path, workbooks):
        if not path.is_file():
            errors.append(InputError(f"{path}: file non trovato"))
            continue
        for sheet in read_workbook(path, loaded, errors):
            if sheet.table in seen:
                errors.append(InputError(f"{sheet.book}, foglio {sheet.sheet}: la tabella {sheet.table} è già in "
                                         f"{seen[sheet.table]}"))
                continue
            seen[sheet.table] = sheet.book
            sheets.append(sheet)
    files: dict[Path, bytes] = {}
    by_file: dict[str, _Sheet] = {}
    for sheet in sheets:
        table = loaded.tables[sheet.table]
        if _same(sheet.rows, _current(loaded, sheet)):
            continue
        if not (table.file or "").endswith(".csv") or table.schema.header_rows != 1:
            errors.append(InputError(f"{sheet.book}, foglio {sheet.sheet}: i dati di {sheet.table} sono in "
                                     f"{table.file}: collect aggiorna solo file CSV con una riga di intestazione"))
            continue
        types = [table.schema.columns[n].type for n in sheet.columns]
        rows = [[value_text(v, t, loaded.config.decimal_mark) for v, t in zip(row, types)] for row in sheet.rows]
        files[root / table.file] = csv_bytes(list(sheet.columns), rows)
        by_file[table.file] = sheet
    if errors:
        raise InputErrors(errors)
    if not files:
        return CollectResult([], ["Nessuna cifra cambiata: i dati del progetto sono già questi."])
    with tempfile.TemporaryDirectory(prefix="reportgen-collect-") as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".*", "output*"))
        for path, data in files.items():
            (copy / path.relative_to(root)).write_bytes(data)
        try:
            report = diff_projects(root, copy, pages=False)
        except InputErrors as exc:
            raise InputErrors([InputError(_where(e.message, e.location, by_file)) for e in exc.errors]) from None
    write_all(files)
    inputs = [f for f in report.figures if f.kind == "input"]
    derived = len(report.figures) - len(inputs)
    lines = [f"Aggiornati {len(files)} file: " + ", ".join(p.relative_to(root).as_posix() for p in sorted(files)),
             f"Cifre: {len(inputs)} dati cambiati, {derived} cifre calcolate cambiate di conseguenza"
             + (f", {len(report.rows)} righe aggiunte o tolte" if report.rows else "")]
    lines += [f"  {change.where}: {change.old} → {change.new}" for change in inputs]
    lines += [f"  riga {'aggiunta' if row.status == 'added' else 'tolta'}: {row.where}" for row in report.rows]
    return CollectResult(sorted(files), lines)
