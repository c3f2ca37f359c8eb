"""The report's tables as open data: each table block as printed, as rows of typed cells and a CSV file.

Shared by the open-data export (:mod:`reportgen.export`, which documents the format and adds
the workbook and the data package) and the archival PDF, which attaches the same CSV files.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any

from ..content.model import Column, Report, Section, TableBlock
from ..engine import Figure
from .common import header_text

ROW_KINDS = {"data": "dato", "detail": "di cui", "subtotal": "subtotale", "total": "totale"}
KIND_FIELD = "tipo_riga"
ID_FIELD = "id_riga"
DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}


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
