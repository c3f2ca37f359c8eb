"""``reportgen init DIR --from-workbook FILE.xlsx``: a project from the spreadsheet an office has.

One table per sheet and a section per table. In each sheet: an optional title (a row with one
cell) above the header (the first row with two or more texts); hidden rows are left out, as the
loader does. Per column:

* the unit from the header's last parentheses ("Importo (€)", "Quota (%)", "Durata (giorni)");
* the type from the cells and their number formats: ``%`` formats make a percentage (``value``
  when mixed with plain numbers in one column, as in KPI tables), ``€`` an amount, whole numbers
  shown without decimals an ``integer``, other numbers a ``decimal`` (with the decimals the format
  shows when not 2); higher/lower (alto/basso) a polarity, +/- a sign, dates a date, a list
  validation a choice, anything else text;
* its id from the label (:func:`reportgen.load.tables.slug`: accents dropped, lowercase, ``_``).

Rows whose first text is "Totale…" are total rows: the data keeps the other rows, the schema
gets a ``total`` derivation summing the amounts and counts, and the printed total values become
check values (the build compares them with the computed ones). "di cui" rows are details of the
row above, not components: they are left out and named. Links to other tables (``@…``) name
the source's own ids, which this project does not have: those cells are left empty and named.
Everything inferred, and everything that could not be, is printed so the user corrects only that.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from ..errors import InputError
from ..load.tables import slug
from ..load.values import POLARITY_WORDS, CellError, is_blank, parse_number_detail
from ..output import write_all
from .cells import csv_bytes, number_text, quantity_text
from .workbook import COVER

_UNIT = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_TOTAL = re.compile(r"^\s*total[ei]\b", re.IGNORECASE)
_DETAIL = re.compile(r"^\s*di\s+cui\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
TYPE_NAMES = {"text": "testo", "integer": "intero", "decimal": "decimale", "percent": "percentuale",
              "euro": "importo in euro", "value": "valore (unità per riga)", "polarity": "polarità",
              "sign": "segno", "date": "data", "choice": "scelta"}


@dataclass(slots=True)
class InferredColumn:
    id: str
    label: str
    type: str
    unit: str | None = None
    decimals: int | None = None
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(slots=True)
class InferredTable:
    id: str
    title: str
    sheet: str
    columns: list[InferredColumn]
    rows: list[list[str]]
    key: str | None = None
    total_label: str | None = None
    checks: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class InitResult:
    target: Path
    tables: list[InferredTable]
    lines: list[str]


def _format_decimals(fmt: str | None) -> int | None:
    if not fmt or fmt == "General":
        return None
    match = re.search(r"0\.(0+)", fmt)
    return len(match.group(1)) if match else 0


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return None


def _unique_id(text: str, taken: set[str], prefix: str) -> str:
    base = slug(text) or prefix
    if base[0].isdigit():
        base = f"{prefix}{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _choices(sheet, column_letter: str) -> tuple[str, ...]:
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list" and validation.formula1 and validation.formula1.startswith('"') and \
                any(str(r).startswith(column_letter) for r in str(validation.sqref).split()):
            return tuple(v.strip() for v in validation.formula1.strip('"').split(","))
    return ()


def _infer(label: str, unit: str | None, cells: list[Any], choices: tuple[str, ...]) -> InferredColumn:
    """Type, unit and decimals of one column from its header and its cells (value, format)."""
    values = [(v, f) for v, f in cells if not is_blank(v) and not (isinstance(v, str) and v.strip().startswith("@"))]
    column = InferredColumn("", label, "text", unit=unit)
    hint = {"%": "percent", "€": "euro", "euro": "euro", "eur": "euro"}.get((unit or "").strip().lower())
    if hint:
        column.unit = None  # the type says it
    if not values:  # empty, or only links to other tables (which hold numbers)
        linked = any(isinstance(v, str) and v.strip().startswith("@") for v, _ in cells)
        column.type = hint or ("decimal" if linked else "text")
        return column
    strings = [str(v).strip() for v, _ in values if isinstance(v, str)]
    if len(strings) == len(values):
        lowered = {s.lower() for s in strings}
        if lowered <= set(POLARITY_WORDS) - {"+", "-"}:
            column.type = "polarity"
        elif lowered <= {"+", "-", "−"}:
            column.type = "sign"
        elif choices and set(strings) <= set(choices):
            column.type, column.choices = "choice", choices
        elif hint:
            column.type = _from_texts(strings, hint)
        return column
    if all(isinstance(v, (_dt.date, _dt.datetime)) for v, _ in values):
        column.type = "date"
        return column
    kinds, decimals, whole = set(), [], True
    for value, fmt in values:
        number = _number(value)
        if number is None:
            try:
                number, percent, places, currency = parse_number_detail(value)
            except CellError:
                return column  # words among the numbers: text
            kinds.add("percent" if percent else "euro" if currency else "number")
            decimals.append(places or 0)
        else:
            fmt = fmt or ""
            kinds.add("percent" if "%" in fmt else "euro" if "€" in fmt else "number")
            places = _format_decimals(fmt)
            decimals.append(places if places is not None else -number.as_tuple().exponent if number % 1 else 0)
        whole = whole and number == number.to_integral_value()
    if kinds == {"percent"} or hint == "percent" and kinds == {"number"}:
        column.type = "percent"
    elif kinds == {"euro"} or hint == "euro" and kinds == {"number"}:
        column.type = "euro"
    elif len(kinds) > 1:
        column.type = "value"
    elif whole and max(decimals) == 0:
        column.type = "integer"
    else:
        column.type = "decimal"
    places = max(decimals) if decimals else None
    if column.type in ("decimal", "percent", "euro") and places not in (None, 2):
        column.decimals = places
    return column


def _from_texts(strings: list[str], hint: str) -> str:
    try:
        for text in strings:
            parse_number_detail(text)
    except CellError:
        return "text"
    return hint


def _cell_text(value: Any, fmt: str | None, column: InferredColumn) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    number = _number(value)
    if number is None:
        return str(value)
    places = _format_decimals(fmt)
    if fmt and "%" in fmt:
        return quantity_text(number, "percent", places, "percent")
    if column.type == "percent":
        return number_text(number, places) + "%"  # written as points
    return number_text(number, places if places is not None and column.type != "integer" else None)


def read_sheet(sheet, taken: set[str]) -> InferredTable | None | str:
    """One sheet as a table, or the reason it is not one."""
    rows = []
    for cells in sheet.iter_rows():
        if not cells or sheet.row_dimensions[cells[0].row].hidden:
            continue
        if any(not is_blank(c.value) for c in cells):
            rows.append(cells)
    title = None
    header_index = None
    for index, cells in enumerate(rows):
        filled = [c for c in cells if not is_blank(c.value)]
        if len(filled) >= 2 and all(isinstance(c.value, str) for c in filled):
            header_index = index
            break
        if len(filled) == 1 and title is None and isinstance(filled[0].value, str):
            title = filled[0].value.strip()
    if header_index is None:
        return "nessuna riga di intestazione (due o più testi in una riga)"
    header = rows[header_index]
    positions = [i for i, c in enumerate(header) if not is_blank(c.value)]
    table_id = _unique_id(sheet.title, taken, "t")
    table = InferredTable(table_id, title or sheet.title, sheet.title, [], [])
    body, totals = [], []
    for cells in rows[header_index + 1:]:
        first = next((c.value for c in cells if isinstance(c.value, str) and c.value.strip()), "")
        if _TOTAL.match(first):
            totals.append((first.strip(), cells))
        elif _DETAIL.match(first):
            table.notes.append(f"riga {cells[0].row} «{first.strip()[:40]}» (di cui): dettaglio, lasciata fuori")
        else:
            body.append(cells)
    if not body:
        return "nessuna riga di dati sotto l'intestazione"
    ids: set[str] = set()
    for position in positions:
        head = str(header[position].value).strip()
        match = _UNIT.match(head)
        label, unit = (match.group(1), match.group(2).strip()) if match and match.group(1) else (head, None)
        if unit is not None and not re.search(r"[^\W\d_]|[%€]", unit):  # "(*)": a footnote mark, not a unit
            label, unit = head, None
        letter = header[position].column_letter
        cells = [(r[position].value if position < len(r) else None, r[position].number_format if position < len(r)
                  else None) for r in body]
        column = _infer(label, unit, cells, _choices(sheet, letter))
        column.id = _unique_id(label, ids, "c")
        column.required = all(not is_blank(v) for v, _ in cells)
        table.columns.append(column)
        links = [f"{letter}{r[position].row}" for r in body if position < len(r) and isinstance(r[position].value, str)
                 and r[position].value.strip().startswith("@")]
        if links:
            table.notes.append(f"colonna {column.id}: {len(links)} rimandi ad altre tabelle (@…) lasciati vuoti "
                               f"({', '.join(links[:3])}{'…' if len(links) > 3 else ''})")
            column.required = False
    for cells in body:
        table.rows.append([_cell_text(cells[p].value if p < len(cells) else None,
                                      cells[p].number_format if p < len(cells) else None, c)
                           if not (p < len(cells) and isinstance(cells[p].value, str)
                                   and cells[p].value.strip().startswith("@")) else ""
                           for p, c in zip(positions, table.columns)])
    for index, column in enumerate(table.columns):
        values = [row[index] for row in table.rows]
        if column.type == "text" and all(values) and len(set(map(slug, values))) == len(values):
            table.key = column.id
            break
    if totals:
        label, cells = totals[-1]
        table.total_label = label
        for p, column in zip(positions, table.columns):
            value = cells[p].value if p < len(cells) else None
            if column.type in ("integer", "decimal", "euro") and _number(value) is not None:
                table.checks.append({"row": "totale", "column": column.id,
                                     "published": _cell_text(value, cells[p].number_format, column)})
        if len(totals) > 1:
            table.notes.append(f"{len(totals) - 1} righe di subtotale lasciate fuori: i subtotali si dichiarano "
                               "con levels: nella derivazione total")
    return table


def _schema(table: InferredTable) -> dict[str, Any]:
    columns = {}
    for column in table.columns:
        spec: dict[str, Any] = {"type": column.type}
        if column.required:
            spec["required"] = True
        spec["label"] = column.label
        for name in ("unit", "decimals"):
            if getattr(column, name) is not None:
                spec[name] = getattr(column, name)
        if column.choices:
            spec["choices"] = list(column.choices)
        columns[column.id] = spec
    schema: dict[str, Any] = {"title": table.title}
    if table.key:
        schema["key"] = table.key
    schema["columns"] = columns
    if table.total_label:
        summed = {c["column"]: "sum" for c in table.checks}
        if summed:
            schema["derive"] = [{"op": "total", "columns": summed, "levels": [{"label": table.total_label}]}]
            schema["checks"] = table.checks
    return schema


def _dump(data: Any, heading: str) -> bytes:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
    return (heading + text).encode("utf-8")


def describe(table: InferredTable) -> list[str]:
    parts = []
    for column in table.columns:
        detail = TYPE_NAMES[column.type]
        if column.unit:
            detail += f", unità {column.unit}"
        if column.decimals is not None:
            detail += f", {column.decimals} decimali"
        parts.append(f"{column.id} ({detail})")
    lines = [f"foglio {table.sheet} → tabella {table.id}: {len(table.rows)} righe; colonne: {', '.join(parts)}"]
    lines.append(f"  chiave: {table.key}" if table.key else "  nessuna chiave (nessuna colonna di testo con valori "
                                                               "unici): righe r1, r2…")
    if table.total_label:
        lines.append(f"  riga «{table.total_label}»: totale calcolato (somma di "
                     f"{', '.join(c['column'] for c in table.checks) or 'nessuna colonna'}), i valori stampati "
                     "diventano check")
    lines += [f"  non riconosciuto: {note}" for note in table.notes]
    return lines


def init_from_workbook(target: str | Path, workbook: str | Path, year: int | None = None) -> InitResult:
    """Write a project into ``target`` (a new or empty folder) from the sheets of ``workbook``."""
    target, workbook = Path(target), Path(workbook)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"la cartella {target} esiste e non è vuota: indicare una cartella nuova")
    if not workbook.is_file():
        raise InputError(f"{workbook}: file non trovato")
    try:
        book = load_workbook(workbook, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError(f"{workbook.name}: non è una cartella di lavoro .xlsx leggibile ({type(exc).__name__})") \
            from None
    taken: set[str] = set()
    tables, lines = [], []
    for sheet in book.worksheets:
        if sheet.title == COVER or sheet.sheet_state != "visible":
            continue
        found = read_sheet(sheet, taken)
        if isinstance(found, str):
            lines.append(f"foglio {sheet.title}: non riconosciuto come tabella: {found}")
            continue
        tables.append(found)
        lines += describe(found)
    if not tables:
        raise InputError(f"{workbook.name}: nessun foglio riconosciuto come tabella")
    if year is None:
        seen = Counter(int(y) for t in tables for c in t.columns for y in _YEAR.findall(c.label + " " + t.title))
        year = seen.most_common(1)[0][0] if seen else _dt.date.today().year - 1
    heading = f"# Ricavato da {workbook.name} con `reportgen init --from-workbook`: controllare tipi e unità.\n"
    config = {
        "administration": "Amministrazione (da completare)",
        "year": year,
        "title": f"Relazione sulla Performance {year}",
        "sections": [{"id": t.id.replace("_", "-"), "title": t.title, "blocks": [{"table": t.id}]} for t in tables],
    }
    files = {target / "report.yaml": _dump(config, heading)}
    for table in tables:
        files[target / "data" / f"{table.id}.schema.yaml"] = _dump(_schema(table), heading)
        files[target / "data" / f"{table.id}.csv"] = csv_bytes([c.id for c in table.columns], table.rows)
    write_all(files)
    lines.insert(0, f"Nuovo progetto {target} da {workbook.name}: {len(tables)} tabelle, una sezione ciascuna "
                    f"(anno {year}).")
    lines.append(f"Poi: controllare quanto sopra, completare report.yaml e `reportgen build {target}`.")
    return InitResult(target, tables, lines)
