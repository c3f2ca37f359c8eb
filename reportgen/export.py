"""Open data: every table of the report, as printed, as CSV, XLSX and a Frictionless data package.

D.Lgs. 33/2013 art. 7 and CAD art. 68 want published data in open formats. ``reportgen export``
writes, into ``OUT/<name>-data/`` (a folder the tool owns):

* ``<section id>--<table id>.csv`` for each table block of the report, in print order (a table
  shown twice in one section gets ``-2``, ``-3``…): the printed rows and columns with their
  printed headers, at full precision. RFC 4180, UTF-8 without BOM, comma separator, dot decimal
  mark, no thousands separator, no exponent; ISO 8601 dates; percentages in points (``1.88`` is
  1,88 %); amounts in euro. Extra columns: the group heading first (tables printed with
  ``group_by``), then ``tipo_riga`` (``dato``, ``subtotale``, ``totale``: leave out the computed
  rows before aggregating) and ``id_riga`` (the row id of the project's references, the key);
  a column whose rows each have their own unit (type ``value``) is followed by its unit column.
* ``<name>.xlsx``: an ``Indice`` sheet, then one sheet per table with the same cells as the CSV
  (numbers as numbers, shown with the printed decimals; Excel keeps 15–16 significant digits).
* ``datapackage.json``: a Frictionless tabular data package describing every CSV (fields,
  types, units, primary key, size and hash), the licence (``open_data.license`` in report.yaml,
  default CC-BY-4.0) and the report's document date as ``created``.

Values are the engine's figures (exact decimals), never the rounded print strings. The same
inputs give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Context, Decimal
from pathlib import Path
from typing import Any

from .content.model import Column, Report, Section, TableBlock
from .engine import Figure
from .errors import InputError
from .load.config import DEFAULT_LICENSE, License
from .output import write_all
from .progress import Progress, as_progress
from .project import compile_project
from .render.common import header_text

ROW_KINDS = {"data": "dato", "detail": "di cui", "subtotal": "subtotale", "total": "totale"}
KIND_FIELD = "tipo_riga"
ID_FIELD = "id_riga"
PACKAGE_FILE = "datapackage.json"
INDEX_SHEET = "Indice"
DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NAME_FORBIDDEN = re.compile(r"[^a-z0-9._-]+")

@dataclass(frozen=True, slots=True)
class ExportField:
    """One column of an exported table (a Frictionless field)."""

    name: str  # the header in the CSV and the sheet: the printed header
    type: str  # Frictionless type: string, number, integer, date
    title: str
    description: str
    unit: str | None = None  # EUR, %, or the column's unit
    constraints: dict[str, Any] | None = None

    def descriptor(self) -> dict[str, Any]:
        item: dict[str, Any] = {"name": self.name, "title": self.title, "type": self.type,
                                "description": self.description}
        if self.unit:
            item["unit"] = self.unit
        if self.constraints:
            item["constraints"] = self.constraints
        return item


@dataclass(frozen=True, slots=True)
class Cell:
    value: Decimal | int | str | _dt.date | None  # in the exported unit (percentages in points)
    text: str  # as written in the CSV
    number_format: str | None = None  # for the sheet: the printed decimals


@dataclass(frozen=True, slots=True)
class ExportedTable:
    """A table block of the report as open data; ``csv`` is the file's content."""

    name: str  # "<section id>--<table id>": the file stem and the resource name
    title: str
    table: str
    section_id: str
    section_number: str
    section_title: str
    note: str | None
    fields: tuple[ExportField, ...]
    rows: tuple[tuple[Cell, ...], ...]
    primary_key: tuple[str, ...]
    csv: bytes = field(repr=False)
    occurrence: int = 1  # the n-th showing of this table in its section

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def resource(self) -> dict[str, Any]:
        """The Frictionless tabular data resource describing the CSV."""
        description = f"Sezione {self.section_number} «{self.section_title}», tabella «{self.table}»."
        if self.note:
            description += f" Nota: {' '.join(self.note.split())}"
        schema: dict[str, Any] = {"fields": [f.descriptor() for f in self.fields], "missingValues": [""]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        return {
            "profile": "tabular-data-resource",
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(self.csv),
            "hash": f"sha256:{hashlib.sha256(self.csv).hexdigest()}",
            "dialect": dict(DIALECT),
            "schema": schema,
        }


@dataclass(slots=True)
class ExportResult:
    folder: Path
    files: list[Path]  # written, in the order of the report
    removed: list[Path] = field(default_factory=list)  # files of tables no longer in the report
    warnings: list[str] = field(default_factory=list)


# --- cells ---------------------------------------------------------------------------------


def plain_number(value: Decimal | int) -> str:
    """Full precision, dot decimal mark, no grouping, no exponent, never ``-0``."""
    if isinstance(value, int):
        return str(value)
    if value.is_zero():
        value = value.copy_abs()
    return format(value, "f")


def percent_points(value: Decimal) -> Decimal:
    """A fraction (0,0188) as percentage points (1,88): an exact shift of the exponent."""
    return value.scaleb(2, Context(prec=max(28, len(value.as_tuple().digits))))


def _decimals(figure: Figure) -> int:
    if figure.decimals is not None:
        return figure.decimals
    return 0 if figure.type == "integer" else 2


def _number_format(figure: Figure) -> str:
    places = _decimals(figure)
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    if figure.type == "percent":
        pattern += '" %"'  # points, shown as printed: the value is the same as in the CSV
    return f"+{pattern};-{pattern};{pattern}" if figure.signed else pattern


def _cell(figure: Figure | None) -> Cell:
    value = None if figure is None else figure.value
    if value is None:
        return Cell(None, "")
    if figure.type == "sign" and isinstance(value, (int, Decimal)):
        text = "-" if value < 0 else "+"
        return Cell(text, text)
    if isinstance(value, Decimal):
        if figure.type == "percent":
            value = percent_points(value)
        return Cell(value, plain_number(value), _number_format(figure))
    if isinstance(value, int):
        return Cell(value, str(value), _number_format(figure))
    if isinstance(value, _dt.date):
        return Cell(value, value.isoformat(), "yyyy-mm-dd")
    return Cell(str(value), str(value))


def _unit_cell(figure: Figure | None) -> Cell:
    """The unit of one cell of a ``value`` column: ``%``, ``EUR`` or none (a plain number)."""
    if figure is None or figure.value is None or figure.type not in ("percent", "euro"):
        return Cell(None, "")
    unit = "%" if figure.type == "percent" else "EUR"
    return Cell(unit, unit)


# --- fields --------------------------------------------------------------------------------

_UNIT_TEXT = {
    "euro": "Importo in euro.",
    "percent": "Percentuale espressa in punti: 1.88 vale 1,88 %.",
}


def _field_type(column: Column, cells: list[Cell]) -> str:
    values = [c.value for c in cells if c.value is not None]
    if column.type == "date":
        return "date" if all(isinstance(v, _dt.date) for v in values) else "string"
    if not column.numeric or not all(isinstance(v, (Decimal, int)) for v in values):
        return "string"
    if column.type == "integer" and all(v == int(v) for v in values):
        return "integer"
    return "number"


def _column_fields(block: TableBlock, index: int, cells: list[Cell]) -> tuple[list[ExportField], list[Cell] | None]:
    """The field of a printed column, plus a unit field (and its cells) for a ``value`` column."""
    column = block.columns[index]
    kind = _field_type(column, cells)
    about = f"Colonna «{column.name}» della tabella «{block.table}»."
    unit = {"euro": "EUR", "percent": "%"}.get(column.type, column.unit)
    if kind in ("number", "integer"):
        if column.type in _UNIT_TEXT:
            about += " " + _UNIT_TEXT[column.type]
        elif column.unit:
            about += f" Unità: {column.unit}."
    if column.type == "polarity":
        about += " higher: più alto è meglio; lower: più basso è meglio."
    if column.type == "sign":
        about += " + o -: come la voce entra nel totale."
    fields = [ExportField(header_text(column), kind, column.label, about, unit if kind != "string" else None)]
    if column.type != "value":
        return fields, None
    unit_name = f"{column.label} (unità)"
    fields[0] = ExportField(fields[0].name, kind, column.label,
                            f"{about} Ogni riga ha la propria unità, nella colonna «{unit_name}»; "
                            "le percentuali sono in punti (1.88 vale 1,88 %).")
    unit_cells = [_unit_cell(row.cells[index]) for row in block.rows]
    fields.append(ExportField(unit_name, "string", unit_name,
                              f"Unità della colonna «{column.label}»: % (percentuale in punti), EUR (euro), "
                              "vuota per un numero puro.", constraints={"enum": ["%", "EUR"]}))
    return fields, unit_cells


def _unique_names(fields: list[ExportField]) -> list[ExportField]:
    """Two columns printed with the same header get ``(2)``, ``(3)``: field names must differ."""
    seen: Counter[str] = Counter()
    result = []
    for item in fields:
        seen[item.name] += 1
        if seen[item.name] > 1:
            name = f"{item.name} ({seen[item.name]})"
            while name in seen:
                name += "'"
            seen[name] += 1
            item = ExportField(name, item.type, item.title, item.description, item.unit, item.constraints)
        result.append(item)
    return result


def _csv_bytes(fields: tuple[ExportField, ...], rows: tuple[tuple[Cell, ...], ...]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    for row in rows:
        writer.writerow([cell.text for cell in row])
    return buffer.getvalue().encode("utf-8")


def export_table(block: TableBlock, section: Section, name: str, occurrence: int = 1) -> ExportedTable:
    """One table block as printed: its rows in print order, its columns in print order."""
    fields: list[ExportField] = []
    columns: list[list[Cell]] = []
    if block.group_by:
        label = block.group_label or block.group_by
        fields.append(ExportField(label, "string", label,
                                  f"Intestazione del gruppo sotto cui la riga è stampata (colonna «{block.group_by}»)."))
        columns.append([Cell(row.group, row.group or "") for row in block.rows])
    for index in range(len(block.columns)):
        cells = [_cell(row.cells[index]) for row in block.rows]
        column_fields, unit_cells = _column_fields(block, index, cells)
        fields.extend(column_fields)
        columns.append(cells)
        if unit_cells is not None:
            columns.append(unit_cells)
    fields.append(ExportField(KIND_FIELD, "string", "Tipo di riga",
                              "dato: riga di dati; subtotale, totale: righe calcolate (da escludere per aggregare).",
                              constraints={"required": True, "enum": sorted(set(ROW_KINDS.values()))}))
    columns.append([Cell(ROW_KINDS.get(row.kind, row.kind), ROW_KINDS.get(row.kind, row.kind)) for row in block.rows])
    fields.append(ExportField(ID_FIELD, "string", "Identificativo della riga",
                              f"La riga nei riferimenti del progetto ({block.table}.<riga>.<colonna>).",
                              constraints={"required": True}))
    ids = [row.id for row in block.rows]
    columns.append([Cell(i, i) for i in ids])
    fields = _unique_names(fields)
    rows = tuple(tuple(column[i] for column in columns) for i in range(len(block.rows)))
    key = (fields[-1].name,) if len(set(ids)) == len(ids) else ()
    frozen = tuple(fields)
    # the notes as printed under the table: footnotes, the table's note, its source
    notes = [*(f"({f.marker}) {f.text}" for f in block.footnotes), block.note,
             f"Fonte: {block.fonte}" if block.fonte else None]
    return ExportedTable(name, block.title, block.table, section.id, section.number, section.title,
                         " ".join(filter(None, notes)) or None, frozen, rows, key, _csv_bytes(frozen, rows), occurrence)


# Whether each kind of block (reportgen.content.blocks) is exported as a table of open data: a
# table is; the figures of a chart or a key figure are those of a table exported on its own.
EXPORTS_ROWS = {"table": True, "text": False, "kpi": False, "chart": False, "signature": False}


def table_csvs(report: Report) -> list[ExportedTable]:
    """Every table block of the report, in print order, as open data (``.csv`` holds the
    bytes of its CSV file, ``.path`` its file name, ``.title`` the printed title)."""
    tables, seen = [], Counter()
    for section in report.walk():
        for block in section.blocks:
            if EXPORTS_ROWS[block.kind]:
                seen[section.id, block.table] += 1
                count = seen[section.id, block.table]
                stem = f"{section.id}--{block.table}" + (f"-{count}" if count > 1 else "")
                tables.append(export_table(block, section, stem, count))
    return tables


# --- workbook and package ------------------------------------------------------------------


def sheet_names(tables: list[ExportedTable]) -> list[str]:
    """``<section number> <table id>`` (``11.9 ieep``; ``10.1 lgg (2)`` for a second showing), for
    readers who know the report; within Excel's rules: at most 31 characters, none of
    ``[]:*?/\\``, unique regardless of case. The index sheet maps each one to its CSV."""
    names, used = [], {INDEX_SHEET.lower()}
    for table in tables:
        suffix = f" ({table.occurrence})" if table.occurrence > 1 else ""
        name = _SHEET_FORBIDDEN.sub("_", f"{table.section_number} {table.table}")
        name = (name[:31 - len(suffix)] + suffix).strip("'")
        candidate, n = name, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{name[:31 - len(str(n)) - 1]}~{n}"
        used.add(candidate.lower())
        names.append(candidate)
    return names


def _safe_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _put(sheet, row: int, column: int, value: Any, number_format: str | None = None):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _safe_text(value)
        cell.data_type = "s"  # text, even when it starts with "=" or reads like "#N/A"
    else:  # numbers are stored as Excel stores them, a double (openpyxl writes 16 significant digits)
        cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def _fill_sheet(sheet, header: list[str], rows: list[list[tuple[Any, str | None]]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for col, name in enumerate(header, start=1):
        _put(sheet, 1, col, name).font = bold
    widths = [len(name) for name in header]
    for r, row in enumerate(rows, start=2):
        for col, (value, number_format) in enumerate(row, start=1):
            _put(sheet, r, col, value, number_format)
            widths[col - 1] = max(widths[col - 1], len(str(value)) if value is not None else 0)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width, 6) + 2, 60)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"


def workbook_bytes(report: Report, tables: list[ExportedTable]) -> bytes:
    """The tables as one XLSX workbook: an index sheet, then a sheet per table."""
    from openpyxl import Workbook

    from .render.deck import normalize_zip

    moment = _dt.datetime.combine(report.meta.document_date, _dt.time())
    book = Workbook()
    book.properties.creator = report.meta.administration
    book.properties.lastModifiedBy = report.meta.administration
    book.properties.title = f"{report.meta.title} – tabelle"
    book.properties.language = report.meta.locale.replace("_", "-")
    book.properties.created = moment
    names = sheet_names(tables)
    index = book.active
    index.title = INDEX_SHEET
    _fill_sheet(index, ["Foglio", "File CSV", "Sezione", "Titolo della sezione", "Tabella", "Nota"],
                [[(name, None), (t.path, None), (t.section_number, None), (t.section_title, None), (t.title, None),
                  (" ".join(t.note.split()) if t.note else None, None)] for name, t in zip(names, tables)])
    for name, table in zip(names, tables):
        sheet = book.create_sheet(name)
        _fill_sheet(sheet, [f.name for f in table.fields],
                    [[(cell.value, cell.number_format) for cell in row] for row in table.rows])
    buffer = io.BytesIO()
    book.save(buffer)
    return normalize_zip(buffer.getvalue(), moment)


def package_name(name: str) -> str:
    """A Frictionless name: lowercase letters, digits, ``.``, ``_`` and ``-``."""
    return _NAME_FORBIDDEN.sub("-", name.lower()).strip("-") or "report"


def datapackage(report: Report, tables: list[ExportedTable], license: License = DEFAULT_LICENSE) -> dict[str, Any]:
    meta = report.meta
    licence = {"name": license.name}
    if license.path:
        licence["path"] = license.path
    if license.title:
        licence["title"] = license.title
    return {
        "profile": "tabular-data-package",
        "name": package_name(meta.name),
        "title": f"{meta.title} – tabelle",
        "description": (
            f"Le tabelle della {meta.title} ({meta.administration}) come stampate nel documento, con i valori "
            "a piena precisione. CSV RFC 4180 in UTF-8 con separatore virgola e punto decimale, senza "
            "separatore delle migliaia; date ISO 8601; importi in euro; percentuali in punti (1.88 vale "
            "1,88 %). La colonna tipo_riga distingue i dati (dato) dalle righe calcolate (subtotale, totale)."
        ),
        "created": f"{meta.document_date.isoformat()}T00:00:00Z",
        "licenses": [licence],
        "contributors": [{"title": meta.administration, "role": "publisher"}],
        "resources": [table.resource() for table in tables],
    }


def export_tables(report: Report, license: License = DEFAULT_LICENSE) -> dict[str, bytes]:
    """Every file of the export: relative name → bytes (CSVs in print order, the workbook,
    datapackage.json). Pure: nothing is written."""
    tables = table_csvs(report)
    files = {table.path: table.csv for table in tables}
    files[f"{report.meta.name}.xlsx"] = workbook_bytes(report, tables)
    files[PACKAGE_FILE] = (json.dumps(datapackage(report, tables, license), ensure_ascii=False, indent=2)
                           + "\n").encode("utf-8")
    return files


def export_folder(out: str | Path, name: str) -> Path:
    return Path(out) / f"{name}-data"


def _exported_before(folder: Path) -> set[str]:
    """The files an earlier export wrote into ``folder``: its datapackage.json and what that lists."""
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        names = {"datapackage.json", *(str(r["path"]) for r in package.get("resources", []))}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return set()
    # plain names inside the folder only: the file is on disk, anyone may have edited it
    return {name for name in names if name and "/" not in name and "\\" not in name and not name.startswith(".")}


def export_project(project: str | Path, out: str | Path = "output", progress: Progress | Callable[[str], None] | None = None) -> ExportResult:
    """Validate and compute PROJECT and write its tables to ``OUT/<name>-data/``.

    Files are replaced atomically (a failed export leaves the previous ones intact), then the
    files an earlier export wrote that this one did not (a table no longer in the report) are
    removed; any other file in the folder is left alone. Raises :class:`~reportgen.errors.InputErrors` for an invalid project.
    """
    progress = as_progress(progress)
    compiled = compile_project(project, progress=progress)
    loaded, report = compiled.loaded, compiled.report
    progress.stage("Exporting the tables")
    files = export_tables(report, loaded.config.license)
    folder = export_folder(out, loaded.config.name)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} exists and is not a folder")
    earlier = _exported_before(folder)
    progress.stage("Writing the files")
    written = write_all({folder / name: data for name, data in files.items()})
    removed = []
    for name in sorted(earlier - files.keys()):  # only what an earlier export wrote: never a user's file
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    return ExportResult(folder, written, removed, compiled.notes)
