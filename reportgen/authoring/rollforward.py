"""Roll a report forward: next year's project from this year's, ready to build at once.

The reporting year Y of the source moves on to N (default Y + 1): in titles and notes the
years Y − 1 and Y move on ("Consuntivo 2023" → "Consuntivo 2024"; an act of 2025 cited in a
title stays as written); in column names, their references and column labels every year moves
on (``consuntivo_2023`` → ``consuntivo_2024``, "Obiettivo 2024" → "Obiettivo 2025", a 2023
report's ``progetti_2024`` → ``progetti_2025``), so that a table's columns stay distinct. Row
ids and table ids never change (placeholders keep working). Which numeric input columns keep, carry or lose their values:

* **previous year** – its name or label holds Y − 1 (and not Y): it receives the figures of
  last year's results, from the column whose name or label is the same with Y in place of
  Y − 1 (``consuntivo_2023`` ← ``consuntivo`` labelled "Consuntivo 2024");
* **this year** – every other numeric input column, with Y in its name or label or none:
  a figure of the year reported on, so it is emptied (it prints "n.d." until filled). A
  column without a year is ambiguous: the summary names them, and ``rollforward.yaml`` in the
  source project decides otherwise (``keep:`` values copied as they are, e.g. targets set
  for three years; ``previous: {table.column: source_column}``; ``clear:``);
* text, polarity, sign, choice and date columns are kept, except the reason columns
  (motivazione dello scostamento) of outcome derivations, which were last year's.

A cell that links to another table (``@table.row.column``) stays a link when what it links to
is a figure of this year; a table whose rows are years (a time series) keeps its history as
figures and gets a row for the new year. Check values, the approval and the validation acts
were those of last year's document: they are dropped, and ``reportgen check`` lists them as to
do. Every narrative is kept with its placeholders, marked as a draft by a first line that
``reportgen check`` finds (:data:`DRAFT_MARKER`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine import EngineResult, compute
from ..errors import InputError, InputErrors, Location
from ..load import SCHEMA_SUFFIX, LoadedProject, load_project
from ..load.schema import TableSchema
from ..load.values import NUMERIC_TYPES, Ref
from ..output import write_all
from ..readiness import DRAFT_MARKER
from .cells import csv_bytes, quantity_text, value_text

SETTINGS_FILE = "rollforward.yaml"
_YEAR_ROW = re.compile(r"^\d{4}$")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_FIGURE_ID = re.compile(r"\b([a-z][a-z0-9_]*)\.([a-z0-9_]+)\.([a-z0-9_]+)\b")
_SKIP_COPY = {"report.yaml", SETTINGS_FILE}
DRAFT_MISSING = "n.d."


def draft_line(old: int, new: int) -> str:
    return (f"{DRAFT_MARKER} – testo della Relazione {old}, da aggiornare per il {new}: "
            "rivedere il testo e le cifre, poi cancellare questa riga.")


@dataclass(slots=True)
class RollForward:
    target: Path
    year: int
    files: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # what was done, for the user (Italian)


class _Years:
    """The reporting year and the previous one, moved on together in a single pass."""

    def __init__(self, old: int, new: int):
        self.old, self.new = old, new
        self.map = {str(old - 1): str(new - 1), str(old): str(new)}
        self.pattern = re.compile(rf"(?<!\d)({old - 1}|{old})(?!\d)")

    def shift(self, text: Any) -> Any:
        if not isinstance(text, str):
            return text
        return self.pattern.sub(lambda m: self.map[m.group(1)], text)

    def shift_all(self, text: Any) -> Any:
        """Every year moved on, for column names and labels: a table's columns stay distinct
        (a 2023 report's ``progetti_2023`` and ``progetti_2024`` become ``…_2024`` and ``…_2025``)."""
        if not isinstance(text, str):
            return text
        step = self.new - self.old
        return re.sub(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", lambda m: str(int(m.group(1)) + step), text)

    def has(self, text: str | None, year: int) -> bool:
        return bool(text) and re.search(rf"(?<!\d){year}(?!\d)", text) is not None


def _settings(root: Path) -> dict[str, Any]:
    path = root / SETTINGS_FILE
    if not path.is_file():
        return {"keep": set(), "clear": set(), "previous": {}}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"non è YAML valido ({exc.problem if hasattr(exc, 'problem') else exc})",
                         Location(SETTINGS_FILE)) from None
    if not isinstance(raw, dict) or set(raw) - {"keep", "clear", "previous"}:
        raise InputError("attese solo le chiavi keep, clear, previous", Location(SETTINGS_FILE))
    return {"keep": set(raw.get("keep") or ()), "clear": set(raw.get("clear") or ()),
            "previous": dict(raw.get("previous") or {})}


def _check_settings(settings: dict[str, Any], loaded: LoadedProject) -> None:
    """Every column rollforward.yaml names is an input column of a table read from a file."""
    problems = []
    named = [(k, name) for k in ("keep", "clear") for name in sorted(map(str, settings[k]))]
    named += [("previous", str(name)) for name in settings["previous"]]
    for key, name in named:
        table, _, column = name.partition(".")
        schema = loaded.tables[table].schema if table in loaded.tables else None
        if schema is None or column not in {c.name for c in schema.input_columns}:
            problems.append(InputError(f"{key}: '{name}' non è tabella.colonna di una colonna di dati",
                                       Location(SETTINGS_FILE)))
        elif key == "previous" and str(settings["previous"][name]) not in schema.columns:
            problems.append(InputError(f"previous: {name}: la tabella {table} non ha la colonna "
                                       f"'{settings['previous'][name]}'", Location(SETTINGS_FILE)))
    if problems:
        raise InputErrors(problems)


def _reason_columns(schema: TableSchema) -> set[str]:
    return {d.reason for d in schema.derive if d.reason}


def _structural(schema: TableSchema, grouped: set[str]) -> set[str]:
    """Columns that name or group rows (a numeric one such as the number of a guideline too):
    they say what a row is, not what happened in the year."""
    found = set(schema.key) | ({schema.label_column} if schema.label_column else set()) | grouped
    for derivation in schema.derive:
        by = derivation.params.get("by")
        found.update(by if isinstance(by, (list, tuple)) else [by] if isinstance(by, str) else [])
        for level in derivation.params.get("levels") or ():
            if isinstance(level, dict) and isinstance(level.get("by"), str):
                found.add(level["by"])
    return found


def classify(schema: TableSchema, years: _Years, settings: dict[str, Any],
             grouped: set[str] = frozenset()) -> dict[str, tuple[str, str | None]]:
    """The role of each input column: ("keep", None), ("current", None) or ("previous", source
    column). ``grouped``: columns the report groups the table by."""
    roles: dict[str, tuple[str, str | None]] = {}
    structural = _structural(schema, set(grouped))
    reasons = _reason_columns(schema)
    inputs = schema.input_columns
    for column in inputs:
        name = f"{schema.id}.{column.name}"
        if name in settings["keep"]:
            roles[column.name] = ("keep", None)
        elif name in settings["clear"]:
            roles[column.name] = ("current", None)
        elif name in settings["previous"]:
            roles[column.name] = ("previous", str(settings["previous"][name]))
        elif column.name in structural:
            roles[column.name] = ("keep", None)
        elif column.type not in NUMERIC_TYPES:
            roles[column.name] = ("current", None) if column.name in reasons else ("keep", None)
        elif (years.has(column.name, years.old - 1) or years.has(column.label, years.old - 1)) and not (
                years.has(column.name, years.old) or years.has(column.label, years.old)):
            roles[column.name] = ("previous", _partner(column, inputs, years))
        else:
            roles[column.name] = ("current", None)
    return roles


def _partner(column, inputs, years: _Years) -> str | None:
    """The column holding this year's figure of what ``column`` holds for the year before."""
    back = re.compile(rf"(?<!\d){years.old}(?!\d)")
    for other in inputs:
        if other is column or other.type not in NUMERIC_TYPES:
            continue
        if back.sub(str(years.old - 1), other.name) == column.name and other.name != column.name:
            return other.name
        if other.label and back.sub(str(years.old - 1), other.label) == column.label and other.label != column.label:
            return other.name
    return None


class _Roller:
    def __init__(self, loaded: LoadedProject, result: EngineResult, years: _Years, settings: dict[str, Any]):
        self.loaded, self.result, self.years = loaded, result, years
        self.renames = {t: {c: years.shift_all(c) for c in s.columns} for t, s in loaded.schemas.items()}
        grouped: dict[str, set[str]] = {}
        for section in loaded.config.walk():
            for block in section.blocks:
                if getattr(block, "group_by", None):
                    grouped.setdefault(block.table, set()).add(block.group_by)
        self.roles = {t: classify(s, years, settings, grouped.get(t, set()))
                      for t, s in loaded.schemas.items() if t in loaded.tables}
        self.lines: list[str] = []

    # -- names ---------------------------------------------------------------------------
    def column(self, table: str, name: Any) -> Any:
        return self.renames.get(table, {}).get(name, name) if isinstance(name, str) else name

    def columns(self, table: str, names: Any) -> Any:
        if isinstance(names, list):
            return [self.column(table, n) for n in names]
        return self.column(table, names)

    def figure_id(self, text: Any) -> Any:
        if not isinstance(text, str):
            return text
        return _FIGURE_ID.sub(lambda m: ".".join((m.group(1), m.group(2), self.column(m.group(1), m.group(3))))
                              if m.group(1) in self.renames else m.group(0), text)

    def ref(self, ref: Ref) -> Ref:
        return Ref(ref.table, ref.row, self.column(ref.table, ref.column))

    def ref_is_current(self, ref: Ref) -> bool:
        """A link to a figure of this year stays a link (it fills when its source is filled)."""
        roles = self.roles.get(ref.table)
        if roles is None:  # a derived table, or a computed column: current if its name says nothing older
            return not self.years.has(ref.column, self.years.old - 1)
        role = roles.get(ref.column)
        return role is None or role[0] in ("current", "keep")

    # -- schemas -------------------------------------------------------------------------
    def schema(self, table: str, raw: dict[str, Any]) -> dict[str, Any]:
        shift = self.years.shift
        roles = self.roles.get(table, {})
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("checks", "file", "sheet", "header_rows"):
                continue  # last year's published figures; the data is now data/<id>.csv
            if key in ("title", "description", "note"):
                out[key] = shift(value)
            elif key == "columns" and isinstance(value, dict):
                out[key] = {}
                for name, spec in value.items():
                    spec = dict(spec or {})
                    if "label" in spec:
                        spec["label"] = self.years.shift_all(spec["label"])
                    if isinstance(spec.get("header"), list):
                        spec["header"] = [self.years.shift_all(h) for h in spec["header"]]
                    elif "header" in spec:
                        spec["header"] = self.years.shift_all(spec["header"])
                    if roles.get(name, ("keep",))[0] in ("current", "previous"):
                        spec.pop("required", None)  # to be filled: empty until then
                    out[key][self.column(table, name)] = spec
            elif key == "derive" and isinstance(value, list):
                out[key] = [self._derivation(table, item) for item in value]
            elif key in ("key", "label_column"):
                out[key] = self.columns(table, value)
            elif key == "display" and isinstance(value, dict):
                out[key] = {k: self.columns(table, v) for k, v in value.items()}
            else:
                out[key] = value
        return out

    def _derivation(self, table: str, item: Any) -> Any:
        if isinstance(item, dict):
            out = {}
            for key, value in item.items():
                if key in ("op",):
                    out[key] = value
                elif key in ("label", "count_label"):
                    out[key] = self.years.shift_all(value)
                elif key == "levels" and isinstance(value, list):  # a total row's label is its row id: kept
                    out[key] = [{k: self.column(table, v) if k == "by" else v for k, v in level.items()}
                                if isinstance(level, dict) else level for level in value]
                elif key in ("columns", "where") and isinstance(value, dict):
                    out[key] = {self.column(table, k): self._derivation(table, v) for k, v in value.items()}
                else:
                    out[key] = self._derivation(table, value)
            return out
        if isinstance(item, list):
            return [self._derivation(table, v) for v in item]
        return self.column(table, item)

    # -- data ----------------------------------------------------------------------------
    def data(self, table_id: str) -> bytes:
        table = self.loaded.tables[table_id]
        schema = table.schema
        columns = schema.input_columns
        mark = self.loaded.config.decimal_mark
        roles = self.roles[table_id]
        header = [self.column(table_id, c.name) for c in columns]
        series = self._series(table_id)
        rows: list[list[str]] = []
        for row in table.rows:
            cells = []
            for column in columns:
                value = row.cells.get(column.name)
                role, source = roles[column.name]
                if series and column.type in NUMERIC_TYPES:
                    cells.append(self._figure_text(table_id, row.id, column.name, column.type, mark))
                elif role == "keep":
                    cells.append(value_text(self.ref(value) if isinstance(value, Ref) else value, column.type, mark))
                elif role == "previous":  # last year's results are the previous year's only one year on
                    cells.append(self._figure_text(table_id, row.id, source, column.type, mark)
                                 if source and self.years.new == self.years.old + 1 else "")
                elif isinstance(value, Ref) and self.ref_is_current(self.ref(value)):
                    cells.append(str(self.ref(value)))
                else:
                    cells.append("")
            rows.append(cells)
        if series:
            rows.append(self._new_series_row(table_id, series, columns, mark))
        filled = {c.name for c in columns if roles[c.name][0] == "previous" and roles[c.name][1]}
        cleared = [c.name for c in columns if roles[c.name][0] == "current" and c.type in NUMERIC_TYPES]
        orphan = [c.name for c in columns if roles[c.name][0] == "previous" and not roles[c.name][1]]
        parts = []
        if series:
            parts.append(f"serie storica: cifre degli anni passati mantenute, aggiunta la riga {self.years.new}")
        else:
            if filled:
                parts.append("anno precedente da " + ", ".join(
                    f"{self.column(table_id, c)} ← {roles[c][1]} ({self.years.old})" for c in sorted(filled)))
            if cleared:
                parts.append("svuotate (anno in corso) " + ", ".join(self.column(table_id, c) for c in cleared))
            if orphan:
                parts.append("anno precedente senza colonna d'origine, svuotate "
                             + ", ".join(self.column(table_id, c) for c in orphan)
                             + f" (indicarla in {SETTINGS_FILE}, previous:)")
        if parts:
            self.lines.append(f"  {table_id}: " + "; ".join(parts))
        return csv_bytes(header, rows)

    def _series(self, table_id: str) -> str | None:
        """The key column of a table whose rows are years, including the reporting year."""
        table = self.loaded.tables[table_id]
        key = table.schema.key
        if len(key) != 1:
            return None
        values = [str(r.cells.get(key[0]) or "") for r in table.rows]
        if values and all(_YEAR_ROW.match(v) for v in values) and str(self.years.old) in values \
                and str(self.years.new) not in values:
            return key[0]
        return None

    def _new_series_row(self, table_id: str, key: str, columns, mark: str) -> list[str]:
        table = self.loaded.tables[table_id]
        last = next(r for r in table.rows if str(r.cells.get(key)) == str(self.years.old))
        cells = []
        for column in columns:
            value = last.cells.get(column.name)
            if column.name == key:
                cells.append(str(self.years.new))
            elif isinstance(value, Ref) and self.ref_is_current(self.ref(value)):
                cells.append(str(self.ref(value)))
            elif column.type not in NUMERIC_TYPES:
                cells.append(value_text(value, column.type, mark))
            else:
                cells.append("")
        return cells

    def _figure_text(self, table: str, row: str, column: str, column_type: str, mark: str) -> str:
        figure = self.result.figure(f"{table}.{row}.{column}")
        if figure is None or figure.number is None:
            return ""
        return quantity_text(figure.number, figure.type, figure.decimals, column_type, mark)

    # -- report.yaml and narrative -------------------------------------------------------
    def config(self, raw: dict[str, Any]) -> dict[str, Any]:
        shift = self.years.shift
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("approval", "validation", "document_date"):
                continue  # acts of last year's document
            if key == "year":
                out[key] = self.years.new
            elif key in ("title", "subtitle", "name"):
                out[key] = shift(value)
            elif key == "sections":
                out[key] = [self._section(s) for s in value or ()]
            else:
                out[key] = value
        # a draft's empty figures print "n.d.", visibly missing (never read as 0 or as "not applicable")
        out["style"] = {**(out.get("style") or {}), "missing": DRAFT_MISSING}
        return out

    def _section(self, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        out = dict(raw)
        if "title" in out:
            out["title"] = self.years.shift(out["title"])
        if isinstance(out.get("blocks"), list):
            out["blocks"] = [self._block(b) for b in out["blocks"]]
        if isinstance(out.get("sections"), list):
            out["sections"] = [self._section(s) for s in out["sections"]]
        return out

    def _block(self, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        shift = self.years.shift
        out = dict(raw)
        if "table" in out and isinstance(out["table"], str):
            table = out["table"]
            for key in ("columns", "group_by", "merge_repeats"):
                if key in out:
                    out[key] = self.columns(table, out[key])
            if isinstance(out.get("where"), dict):
                out["where"] = {self.column(table, k): v for k, v in out["where"].items()}
            if "title" in out:
                out["title"] = shift(out["title"])
        if isinstance(out.get("chart"), dict):
            chart = dict(out["chart"])
            table = chart.get("table")
            for key in ("labels", "values", "x"):
                if key in chart:
                    chart[key] = self.columns(table, chart[key])
            if isinstance(chart.get("where"), dict):
                chart["where"] = {self.column(table, k): v for k, v in chart["where"].items()}
            if isinstance(chart.get("reference"), dict):
                reference = dict(chart["reference"])
                if "column" in reference:
                    reference["column"] = self.column(table, reference["column"])
                if "figure" in reference:
                    reference["figure"] = self.figure_id(reference["figure"])
                if "label" in reference:
                    reference["label"] = shift(reference["label"])
                chart["reference"] = reference
            if "title" in chart:
                chart["title"] = shift(chart["title"])
            out["chart"] = chart
        if isinstance(out.get("kpi"), list):
            items = []
            for item in out["kpi"]:
                item = dict(item) if isinstance(item, dict) else item
                if isinstance(item, dict):
                    for key in ("figure", "compare"):
                        if key in item:
                            item[key] = self.figure_id(item[key])
                    for key in ("label", "compare_label"):
                        if key in item:
                            item[key] = shift(item[key])
                items.append(item)
            out["kpi"] = items
        return out

    def narrative(self, text: str) -> str:
        body = _PLACEHOLDER.sub(lambda m: self.figure_id(m.group(0)), text)
        return f"{draft_line(self.years.old, self.years.new)}\n\n{body}"


def _carried_over(relative: Path) -> bool:
    """Files copied as they are: not the data and texts (rewritten above), not last year's
    outputs, snapshots or hidden state."""
    if relative.as_posix() in _SKIP_COPY or any(p.startswith((".", "output")) for p in relative.parts):
        return False
    if relative.parts[0] == "snapshots":
        return False
    return not (relative.parts[0] in ("data", "text") and relative.suffix in (".csv", ".xlsx", ".xlsm", ".yaml", ".md"))


def _dump(data: Any, heading: str) -> bytes:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
    return (heading + text).encode("utf-8")


def roll_forward(source: str | Path, target: str | Path, year: int | None = None) -> RollForward:
    """Write next year's project into ``target`` (a new or empty folder) from ``source``.
    Nothing is written unless the whole project could be made."""
    root, target = Path(source).resolve(), Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"la cartella {target} esiste e non è vuota: indicare una cartella nuova")
    loaded = load_project(root)
    result = compute(loaded)
    old = loaded.config.year
    new = old + 1 if year is None else year
    if new <= old:
        raise InputError(f"--year {new}: il progetto riguarda il {old}, l'anno nuovo deve essere successivo")
    years = _Years(old, new)
    settings = _settings(root)
    _check_settings(settings, loaded)
    roller = _Roller(loaded, result, years, settings)
    heading = f"# Bozza {new} ricavata da {root.name} ({old}) con `reportgen new --from`.\n"
    files: dict[Path, bytes] = {}
    raw_config = yaml.safe_load((root / "report.yaml").read_text(encoding="utf-8-sig"))
    files[target / "report.yaml"] = _dump(roller.config(raw_config), heading + (
        "# Da completare: approval (atto di adozione), validation (OIV), le cifre vuote (n.d.) e i testi in bozza;\n"
        "# `reportgen check` elenca cosa manca.\n"))
    for table_id in sorted(loaded.schemas):
        path = root / "data" / f"{table_id}{SCHEMA_SUFFIX}"
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
        files[target / "data" / f"{table_id}{SCHEMA_SUFFIX}"] = _dump(roller.schema(table_id, raw), heading)
        if table_id in loaded.tables:
            files[target / "data" / f"{table_id}.csv"] = roller.data(table_id)
    for narrative in loaded.narratives.values():
        files[target / narrative.file] = roller.narrative(narrative.text).encode("utf-8")
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and target / relative not in files and _carried_over(relative):
            files[target / relative] = path.read_bytes()  # images, templates, …
    write_all(files)
    summary = [f"Nuovo progetto {target} per il {new}, da {root.name} ({old}):",
               f"  {len(loaded.schemas)} tabelle, {len(loaded.narratives)} testi in bozza; l'anno avanza di "
               f"{new - old} in titoli, etichette e nomi di colonna ({old} → {new})"]
    summary += roller.lines
    summary.append(f"Poi: `reportgen check {target}` elenca le cifre e i testi da completare.")
    return RollForward(target, new, sorted(files), summary)


__all__ = ["DRAFT_MARKER", "RollForward", "classify", "draft_line", "roll_forward"]
