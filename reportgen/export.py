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

import datetime as _dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .content.model import Report
from .errors import InputError
from .load.config import DEFAULT_LICENSE, License
from .output import write_all
from .progress import Progress, as_progress
from .project import compile_project
from .render.deck import normalize_zip
from .render.opendata import ExportedTable, table_csvs

PACKAGE_FILE = "datapackage.json"
INDEX_SHEET = "Indice"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NAME_FORBIDDEN = re.compile(r"[^a-z0-9._-]+")


@dataclass(slots=True)
class ExportResult:
    folder: Path
    files: list[Path]  # written, in the order of the report
    removed: list[Path] = field(default_factory=list)  # files of tables no longer in the report
    warnings: list[str] = field(default_factory=list)


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
