"""``reportgen workbook``: the input workbook a directorate fills in, one sheet per table.

Each sheet: the table title (row 1), the columns' labels and units (row 2), the column names
on a hidden row 3 (how ``collect`` finds each column again, whatever the user does to the
labels), then one row per data row with the values the project holds (last year's figures in a
rolled-forward project, the empty cells to fill). Only input columns are there: what the engine
computes (totals, scostamenti) is left out, so nobody types it. Numbers are real numbers with
number formats that Excel and LibreOffice show in Italian (``1.234,56``, ``9,56%``, ``€``);
polarity, sign and choice columns offer their values in a list. A cover sheet says what to fill
and by when. Tables may declare ``owner:`` in their schema: ``--owner`` gives a directorate
only its tables.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import InputError
from ..load import SCHEMA_SUFFIX, LoadedProject, load_project
from ..load.schema import ColumnSpec
from ..load.values import POLARITY_WORDS, Quantity, Ref
from ..output import write_all
from .cells import quantity_text

COVER = "Istruzioni"
TITLE_ROW, HEADER_ROW, NAMES_ROW, FIRST_ROW = 1, 2, 3, 4
UNITS = {"percent": "%", "euro": "€"}
HEADER_FILL = PatternFill("solid", fgColor="DDE5EE")
EMPTY_FILL = PatternFill("solid", fgColor="FFF2CC")  # a cell still to fill


@dataclass(slots=True)
class WorkbookResult:
    path: Path
    tables: list[str]
    lines: list[str]


def owners(root: Path, loaded: LoadedProject) -> dict[str, str | None]:
    """The ``owner`` each schema declares (the directorate that supplies the table)."""
    found = {}
    for table_id in loaded.schemas:
        path = root / "data" / f"{table_id}{SCHEMA_SUFFIX}"
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) if path.is_file() else None
        owner = raw.get("owner") if isinstance(raw, dict) else None
        found[table_id] = str(owner).strip() if owner not in (None, "") else None
    return found


def header_text(column: ColumnSpec) -> str:
    unit = UNITS.get(column.type) or column.unit
    return f"{column.label} ({unit})" if unit else column.label


def number_format(kind: str, decimals: int | None) -> str:
    places = 2 if decimals is None else decimals
    body = "#,##0" + ("." + "0" * places if places else "")
    if kind == "percent":
        return body.replace("#,##", "") + "%"  # a real percentage: the cell holds 0,0956 and shows 9,56%
    if kind == "euro":
        return f'"€" {body}'
    return body


def _cell(value: Any, column: ColumnSpec, decimal_mark: str) -> tuple[Any, str | None]:
    """The value a sheet cell holds, and its number format."""
    if value is None:
        return None, None
    if isinstance(value, Ref):
        return str(value), "@"
    if isinstance(value, Quantity):
        if column.type == "value" and value.type == "euro":  # a number alone would lose its unit
            return quantity_text(value.value, "euro", value.decimals, "value", decimal_mark), "@"
        decimals = value.decimals if value.decimals is not None else column.decimals
        if column.type == "integer":
            decimals = 0
        return value.value, number_format(value.type, decimals)
    if column.type == "sign":
        return ("-" if value == -1 else "+"), "@"
    if isinstance(value, _dt.date):
        return value, "DD/MM/YYYY"
    return str(value), "@"


def _choices(column: ColumnSpec) -> list[str] | None:
    if column.type == "polarity":
        return ["higher", "lower"]
    if column.type == "sign":
        return ["+", "-"]
    if column.type == "choice":
        return list(column.choices)
    return None


def _cover(sheet, loaded: LoadedProject, tables: list[str], owner: str | None, due: str | None) -> None:
    config = loaded.config
    lines = [
        (f"{config.administration} – {config.title}", True),
        ("Raccolta dei dati" + (f" – {owner}" if owner else ""), True),
        ("", False),
        ("Cosa compilare: in ogni foglio le celle vuote (in giallo) con le cifre del " f"{config.year}; "
         "le altre celle riportano i valori già noti (per esempio l'anno precedente): correggerle solo se errate.", False),
        ("Non compilare totali, scostamenti e percentuali sul totale: li calcola reportgen.", False),
        ("Numeri come in Excel (1.234,56); percentuali come 9,56%; una cella che rimanda a un'altra tabella "
         "(@tabella.riga.colonna) si lascia com'è. Non rinominare i fogli e non spostare le colonne.", False),
        (f"Restituire il file compilato entro: {due or '________________'}", True),
        ("", False),
        ("Foglio", True),
    ]
    for number, (text, bold) in enumerate(lines, 1):
        sheet.cell(number, 1, text).font = Font(bold=bold)
    row = len(lines)
    sheet.cell(row, 2, "Tabella").font = Font(bold=True)
    for table_id in tables:
        row += 1
        sheet.cell(row, 1, table_id[:31])
        sheet.cell(row, 2, loaded.schemas[table_id].title)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 90


def _table_sheet(sheet, loaded: LoadedProject, table_id: str) -> None:
    table = loaded.tables[table_id]
    schema = table.schema
    columns = schema.input_columns
    sheet.cell(TITLE_ROW, 1, schema.title).font = Font(bold=True, size=12)
    for index, column in enumerate(columns, 1):
        header = sheet.cell(HEADER_ROW, index, header_text(column))
        header.font, header.fill = Font(bold=True), HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(NAMES_ROW, index, column.name)
        width = max([len(header_text(column)) // 2 + 2, 12]
                    + [min(len(str(r.cells.get(column.name) or "")), 60) for r in table.rows])
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)
    sheet.row_dimensions[NAMES_ROW].hidden = True  # the names collect reads; the labels are for people
    last = FIRST_ROW + len(table.rows) - 1
    for offset, row in enumerate(table.rows):
        for index, column in enumerate(columns, 1):
            value, fmt = _cell(row.cells.get(column.name), column, loaded.config.decimal_mark)
            cell = sheet.cell(FIRST_ROW + offset, index, value)
            if fmt:
                cell.number_format = fmt
            elif column.numeric:
                cell.number_format = number_format(column.type if column.type != "value" else "decimal",
                                                   column.decimals if column.type != "integer" else 0)
            if value is None and column.numeric:
                cell.fill = EMPTY_FILL
    for index, column in enumerate(columns, 1):
        options = _choices(column)
        if options and table.rows:
            words = sorted(w for w in POLARITY_WORDS if not w.startswith(("+", "-"))) if column.type == "polarity" \
                else options
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                                        showErrorMessage=column.type != "polarity", errorTitle="Valore non previsto",
                                        error="Scegliere un valore dall'elenco: " + ", ".join(words))
            letter = get_column_letter(index)
            validation.add(f"{letter}{FIRST_ROW}:{letter}{last}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)


def workbook_bytes(loaded: LoadedProject, tables: list[str], owner: str | None = None, due: str | None = None) -> bytes:
    book = Workbook()
    _cover(book.active, loaded, tables, owner, due)
    book.active.title = COVER
    for table_id in tables:
        _table_sheet(book.create_sheet(table_id[:31]), loaded, table_id)
    stamp = _dt.datetime(loaded.config.year + 1, 1, 1)  # the same project gives the same workbook
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "reportgen"
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue(), stamp)


def _fixed_zip(data: bytes, stamp: _dt.datetime) -> bytes:
    """The same parts with a fixed time: openpyxl stamps the zip entries and the document
    properties with the clock, and the same project should give the same file."""
    moment = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + moment, part)
            target.writestr(zipfile.ZipInfo(item.filename, stamp.timetuple()[:6]), part,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_workbook(project: str | Path, out: str | Path | None = None, owner: str | None = None,
                   due: str | None = None) -> WorkbookResult:
    """Write the input workbook of ``project`` (only the tables of ``owner``, when given)."""
    root = Path(project).resolve()
    loaded = load_project(root)
    declared = owners(root, loaded)
    tables = sorted(loaded.tables)
    if owner is not None:
        tables = [t for t in tables if (declared.get(t) or "").casefold() == owner.strip().casefold()]
        if not tables:
            known = sorted({o for o in declared.values() if o})
            raise InputError(f"nessuna tabella ha owner: {owner}"
                             + (f"; owner dichiarati: {', '.join(known)}" if known else
                                "; nessuno schema dichiara owner: (aggiungere owner: NOME in data/<tabella>.schema.yaml)"))
    name = loaded.config.name + (f"-{_slug(owner)}" if owner else "") + "-dati.xlsx"
    path = Path(out) if out else Path(name)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"--out {path}: il file deve avere estensione .xlsx")
    write_all({path: workbook_bytes(loaded, tables, owner, due)})
    empty = sum(1 for t in tables for r in loaded.tables[t].rows for c in loaded.tables[t].schema.input_columns
                if c.numeric and r.cells.get(c.name) is None)
    lines = [f"{path}: {len(tables)} fogli da compilare" + (f" per {owner}" if owner else "")
             + f", {empty} celle vuote (in giallo)."]
    return WorkbookResult(path, tables, lines)


def _slug(text: str) -> str:
    from ..load.tables import slug

    return slug(text).replace("_", "-")
