"""Table schemas: what each table of a project holds and how its derived figures are computed.

Every table is declared in ``data/<id>.schema.yaml`` beside its data file
(``data/<id>.csv`` or ``data/<id>.xlsx``). The declaration lists the input columns (type,
unit, required), the derivations the engine applies (a catalogue of named operations, see
``reportgen.load.operations``) and the *check values*: figures the source document prints, which the build
compares with what the engine computes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ErrorCollector
from . import keys as K
from .expression import ExpressionError, parse_expression
from .operations import OPERATIONS, Judgement, judged_by_sign
from .values import NUMERIC_TYPES, POLARITY_WORDS, CellError, parse_cell, parse_number
from .yamlspec import Spec, read_yaml

# \Z, not $: "$" also matches before a trailing newline ("mini\n")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
AGGREGATES = ("sum", "mean", "weighted_mean", "count", "min", "max")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    type: str
    label: str
    required: bool = False
    headers: tuple[str, ...] = ()
    decimals: int | None = None
    unit: str | None = None
    choices: tuple[str, ...] = ()
    default: Any = None
    dash_is_zero: bool = False
    signed: bool = False
    computed: bool = False
    judgement: Judgement | None = None  # how the figures of this column are judged (see load.operations)
    note: str | None = None  # a footnote to the column's header
    group: str | None = None  # a heading over this and the next columns of the same group

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True, slots=True)
class Level:
    """One level of subtotal rows appended by the ``total`` operation."""

    by: str | None
    label: str
    position: str = "after"
    min_rows: int = 1


@dataclass(frozen=True, slots=True)
class Aggregate:
    function: str
    weight: str | None = None  # for weighted_mean


@dataclass(frozen=True, slots=True)
class Derivation:
    op: str
    params: dict[str, Any]
    where: tuple[tuple[str, str], ...] = ()
    label: str | None = None
    path: str = ""  # key path in the schema file, for error messages

    @property
    def into(self) -> str | None:
        return self.params.get("into")

    @property
    def reason(self) -> str | None:
        """The text column holding the motivazione dello scostamento (outcome operations)."""
        return self.params.get("reason")

    @property
    def outcome(self) -> bool:
        """Whether the column this operation creates is a target's outcome (met or missed)."""
        judgement = OPERATIONS[self.op].judgement_of(self.params)
        return judgement is not None and judgement.threshold is not None


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A figure the source prints, compared with the engine's result at build time."""

    row: str
    column: str
    published: str
    tolerance: Decimal | None
    path: str = ""


@dataclass(frozen=True, slots=True)
class CellNote:
    """A footnote to a row (``column`` None: the marker goes on its label) or to one cell."""

    row: str
    column: str | None
    text: str


@dataclass(frozen=True, slots=True)
class TableSchema:
    id: str
    title: str
    schema_file: str
    columns: dict[str, ColumnSpec]
    key: tuple[str, ...] = ()
    file: str | None = None
    sheet: str | None = None
    source_table: str | None = None
    label_column: str | None = None
    derive: tuple[Derivation, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    note: str | None = None
    display: dict[str, Any] = field(default_factory=dict)
    header_rows: int = K.SCHEMA.default("header_rows")  # header rows of the data file (a title over several columns, then names)
    notes: tuple[CellNote, ...] = ()  # footnotes to rows or cells
    fonte: str | None = None  # the source of the data, printed "Fonte: …" under the table
    row_decimals: str | None = None  # an integer column giving each row's decimals

    @property
    def input_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns.values() if not c.computed]


def default_decimals(col_type: str) -> int:
    return {"integer": 0, "percent": 2, "euro": 2, "decimal": 2, "value": 2}.get(col_type, 0)


def humanize(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _parse_column(spec: Spec, name: str, computed: bool) -> ColumnSpec | None:
    keys = K.COLUMN
    col_type = spec.text("type", keys.default("type"))
    if col_type not in keys["type"].choices:
        spec.error(f"unknown type '{col_type}'; use one of {', '.join(keys['type'].choices)}", "type")
        return None
    headers = spec.names("header", keys.default("header"))
    default = spec.raw("default")
    if default is not None and col_type == "polarity":
        if str(default).lower() not in POLARITY_WORDS:
            spec.error("expected 'higher' or 'lower'", "default")
        default = POLARITY_WORDS.get(str(default).lower(), "higher")
    elif default is not None and col_type == "sign":
        default = -1 if str(default).strip() in ("-", "-1") else 1
    elif default is not None and col_type in NUMERIC_TYPES:
        # a number like the data's (percentages in points: 100 is 100 %), e.g. the same target for every row
        try:
            default = parse_cell(default, col_type)
        except CellError as exc:
            spec.error(f"'{default}' {exc}", "default")
            default = None
    decimals = spec.integer("decimals", keys.default("decimals"), bounds=(0, 10))
    column = ColumnSpec(
        name=name,
        type=col_type,
        label=spec.line("label", humanize(name)),  # default: the name, capitalised
        required=spec.boolean("required", keys.default("required")),
        headers=headers,
        decimals=decimals,
        unit=spec.line("unit", keys.default("unit")),
        choices=spec.names("choices", keys.default("choices")),
        default=default,
        dash_is_zero=spec.text("dash", keys.default("dash")) == "zero",
        signed=spec.boolean("signed", keys.default("signed")),
        computed=spec.boolean("computed", computed),
        note=spec.text("note", None),
        group=spec.line("group", keys.default("group")),
    )
    if col_type == "choice" and not column.choices:
        spec.error("a choice column needs 'choices'", "choices")
    spec.reject_unknown(keys.names)
    return column


def _parse_aggregates(spec: Spec, key: str, known: set[str]) -> dict[str, Aggregate]:
    raw = spec.raw(key)
    if not isinstance(raw, dict) or not raw:
        spec.error("expected a mapping of column to aggregate (sum, mean, weighted_mean: COLUMN, count, min, max)", key)
        return {}
    result: dict[str, Aggregate] = {}
    for column, agg in raw.items():
        if column not in known:
            spec.error(f"unknown column '{column}'", key)
        if isinstance(agg, dict) and list(agg) == ["weighted_mean"]:
            weight = agg["weighted_mean"]
            if not isinstance(weight, str):
                spec.error(f"'{column}': weighted_mean expects the name of the weight column", key)
                continue
            if weight not in known:
                spec.error(f"unknown weight column '{weight}'", key)
            result[column] = Aggregate("weighted_mean", weight)
        elif isinstance(agg, str) and agg in AGGREGATES and agg != "weighted_mean":
            result[column] = Aggregate(agg)
        else:
            spec.error(f"'{column}': unknown aggregate {agg!r}", key)
    return result


def _parse_levels(spec: Spec, known: set[str]) -> list[Level]:
    levels: list[Level] = []
    raw_levels = spec.items("levels") if spec.has("levels") else [{"label": "Totale"}]
    for index, raw in enumerate(raw_levels):
        level = spec.item(raw, index, "levels")
        by = level.text("by", None)
        if by is not None and by not in known:
            level.error(f"unknown column '{by}'", "by")
        position = level.text("position", K.LEVEL.default("position"))
        if position not in K.LEVEL["position"].choices:
            level.error("expected 'before' or 'after'", "position")
        levels.append(Level(by, level.text("label", "Totale" if by is None else "{" + by + "}"),
                            position, level.integer("min_rows", K.LEVEL.default("min_rows"))))
        level.reject_unknown(K.LEVEL.names)
    return levels


def _parse_derivation(spec: Spec, known: set[str], columns: dict[str, ColumnSpec]) -> Derivation | None:
    op = spec.text("op")
    if op not in OPERATIONS:
        spec.error(f"unknown operation '{op}'; use one of {', '.join(OPERATIONS)}", "op")
        return None
    required, optional = OPERATIONS[op].required, OPERATIONS[op].optional
    params: dict[str, Any] = {}
    for name, kind in OPERATIONS[op].params.items():
        if not spec.has(name):
            if name in required:
                spec.error("is required", name)
            continue
        if kind == "column":
            value = spec.text(name)
            if value not in known:
                spec.error(f"unknown column '{value}'", name)
            params[name] = value
        elif kind == "columns":
            value = spec.names(name)
            for column in value:
                if column not in known:
                    spec.error(f"unknown column '{column}'", name)
            params[name] = value
        elif kind == "new":
            value = spec.text(name)
            if not ID_PATTERN.match(value):
                spec.error("column names are lowercase letters, digits and _", name)
            params[name] = value
        elif kind == "polarity":
            value = spec.text(name)
            if value not in known and value.lower() not in POLARITY_WORDS:
                spec.error("expected a polarity column or 'higher'/'lower'", name)
            params[name] = value
        elif kind == "numbers":
            value = spec.raw(name)
            if not isinstance(value, list) or not all(isinstance(v, (int, float)) for v in value):
                spec.error("expected a list of numbers", name)
                value = []
            params[name] = tuple(Decimal(str(v)) for v in value)
        elif kind == "boolean":
            params[name] = spec.boolean(name, True)
        elif kind == "aggregates":
            params[name] = _parse_aggregates(spec, name, known)
        elif kind == "levels":
            params[name] = _parse_levels(spec, known)
        elif kind in ("expression", "row_expression"):
            try:
                params[name] = parse_expression(spec.text(name))
            except ExpressionError as exc:
                spec.error(str(exc), name)
                continue
            unknown = [n for n in params[name].names if n not in known] if kind == "expression" else []
            if unknown:
                spec.error(f"unknown column '{unknown[0]}' in the formula", name)
        elif kind == "number":
            try:
                params[name] = parse_number(str(spec.raw(name)), ",")[0]
            except CellError:
                spec.error("expected a number", name)
        elif kind == "type":
            params[name] = spec.text(name)
            if params[name] not in NUMERIC_TYPES:
                spec.error(f"expected a numeric column type: {', '.join(sorted(NUMERIC_TYPES))}", name)
        else:
            params[name] = spec.text(name)
    if op == "total" and "levels" not in params:
        params["levels"] = [Level(None, "Totale")]
    reason = params.get("reason")
    if reason is not None and reason in columns and columns[reason].type not in ("text", "choice"):
        spec.error(f"'{reason}' is a {columns[reason].type} column; the motivazione dello scostamento is a "
                   "text column", "reason")
    if reason is not None and params.get("outcome") is False:
        spec.error("a column with outcome: false is not a target's outcome: it has no reason", "reason")
    if op == "mean" and "weights" in params and len(params["weights"]) != len(params.get("of", ())):
        spec.error("needs one weight per column in 'of'", "weights")
    where_raw = spec.raw("where") or {}
    where: list[tuple[str, str]] = []
    if not isinstance(where_raw, dict):
        spec.error("expected a mapping of column to value", "where")
    else:
        for column, value in where_raw.items():
            if column not in known:
                spec.error(f"unknown column '{column}'", "where")
            where.append((column, str(value)))
    spec.reject_unknown(set(required) | set(optional) | {"op", "where"})
    _refuse_keys_without_effect(spec, op, params, bool(where))
    return Derivation(op, params, tuple(where), params.get("label"), spec.path)


def _refuse_keys_without_effect(spec: Spec, op: str, params: dict[str, Any], has_where: bool) -> None:
    """A key the operation accepts but ignores in this combination is an error: the author
    believes it does something (a row_formula's 'where' is refused by the engine, with its rows)."""
    if op == "summarize" and has_where:
        spec.error("summarize groups every data row; 'where' has no effect here (filter the table block instead)",
                   "where")
    if op == "summarize" and "count_label" in params and "count" not in params:
        spec.error("has no effect without 'count' (the column that counts the rows)", "count_label")
    if op == "share" and "total" in params and "by" in params:
        spec.error("a share of a total column is taken row by row; 'by' has no effect with 'total'", "by")
    if op == "formula" and "reason" in params and "target" not in params:
        spec.error("a formula is a target's outcome only with 'target: N'; without it 'reason' has no effect",
                   "reason")


def _judgements(columns: dict[str, ColumnSpec], derive: list[Derivation]) -> dict[str, ColumnSpec]:
    """Each column with how its figures are judged: by their sign when it holds scostamenti (by
    its name), against a threshold when an outcome derivation creates it (the last one, where
    several write into it). A figure computed by a scostamento is judged by its sign anyway: the
    engine adds that from the operation."""
    thresholds = {d.into: OPERATIONS[d.op].judgement_of(d.params).threshold for d in derive if d.into and d.outcome}
    judged = {}
    for name, column in columns.items():
        by_sign, threshold = judged_by_sign(name), thresholds.get(name)
        if by_sign or threshold is not None:
            column = dataclasses.replace(column, judgement=Judgement(by_sign, threshold))
        judged[name] = column
    return judged


def parse_table_schema(path: Path, display: str, table_id: str, errors: ErrorCollector) -> TableSchema | None:
    """Read ``data/<id>.schema.yaml``; returns None (with errors recorded) when unusable."""
    before = len(errors.errors)
    spec = Spec(read_yaml(path, display, errors), display, errors)
    if len(errors.errors) > before:
        return None
    if not ID_PATTERN.fullmatch(table_id):
        errors.add(f"table id '{table_id}' must be lowercase letters, digits and _", None)
    columns: dict[str, ColumnSpec] = {}
    cols_spec = spec.child("columns")
    if not cols_spec.data:
        spec.error("a table needs at least one column", "columns")
    for name in cols_spec.data:
        if not isinstance(name, str) or not ID_PATTERN.fullmatch(name):
            cols_spec.error("column names are lowercase letters, digits and _", str(name))
            continue
        column = _parse_column(cols_spec.child(name), name, computed=False)
        # a column whose declaration has an error (reported) still exists: a derivation naming it, or
        # its header in the data, must not add an "unknown column" that points at the wrong place
        columns[name] = column or ColumnSpec(name, "text", humanize(name))
    source = spec.child("source")
    source_table = source.text("table", K.SOURCE.default("table"))
    source.reject_unknown(K.SOURCE.names)
    derive: list[Derivation] = []
    known = set(columns)
    for index, raw in enumerate(spec.items("derive")):
        item = spec.item(raw, index, "derive")
        derivation = _parse_derivation(item, known, columns)
        if derivation is None:
            continue
        derive.append(derivation)
        created = [derivation.into] if derivation.into else []
        if derivation.op == "summarize" and derivation.params.get("count"):
            created.append(derivation.params["count"])
        for name in created:
            col_type, signed = OPERATIONS[derivation.op].result(derivation.params, columns)
            declared = columns.get(name)
            if declared is not None and not declared.computed:
                item.error(f"column '{name}' is an input; computed columns need 'computed: true' or a new name", "into")
                continue
            op_label = derivation.params.get("count_label") if derivation.op == "summarize" else derivation.label
            if declared is None:
                columns[name] = ColumnSpec(name, col_type, op_label or humanize(name), signed=signed, computed=True)
            else:  # declared to set its label/decimals, or to accept values for rows without inputs
                own_label = declared.label != humanize(name)
                if own_label and op_label and op_label != declared.label:
                    item.error(f"the column '{name}' is headed '{declared.label}' already; this label has no "
                               "effect: give it once", "count_label" if derivation.op == "summarize" else "label")
                columns[name] = ColumnSpec(
                    name, col_type, declared.label if own_label else (op_label or declared.label),
                    headers=declared.headers, decimals=declared.decimals, unit=declared.unit,
                    signed=declared.signed or signed, computed=True, note=declared.note, group=declared.group)
            known.add(name)
    key = spec.names("key", K.SCHEMA.default("key"))
    for column in key:
        if column not in columns:
            spec.error(f"unknown column '{column}'", "key")
    label_column = spec.text("label_column", K.SCHEMA.default("label_column"))
    if label_column is None:
        label_column = next((c.name for c in columns.values() if c.type == "text"), None)
    elif label_column not in columns:
        spec.error(f"unknown column '{label_column}'", "label_column")
    checks: list[CheckSpec] = []
    for index, raw in enumerate(spec.items("checks")):
        item = spec.item(raw, index, "checks")
        column = item.text("column")
        if column and column not in columns:
            item.error(f"unknown column '{column}'", "column")
        tolerance = item.raw("tolerance", K.CHECK.default("tolerance"))
        tol_value = None
        if tolerance is not None:
            try:
                tol_value, _ = parse_number(str(tolerance), ",")
            except CellError:
                item.error("expected a number", "tolerance")
        published = item.text("published")
        checks.append(CheckSpec(item.text("row"), column, published, tol_value, item.path))
        item.reject_unknown(K.CHECK.names)
    notes: list[CellNote] = []
    for index, raw in enumerate(spec.items("notes")):
        item = spec.item(raw, index, "notes")
        column = item.text("column", None)
        if column is not None and column not in columns:
            item.error(f"unknown column '{column}'", "column")
        notes.append(CellNote(item.line("row"), column, item.text("text")))
        item.reject_unknown(K.NOTE.names)
    header_rows = spec.integer("header_rows", K.SCHEMA.default("header_rows"))
    if not 1 <= header_rows <= 5:
        spec.error("expected a number of rows from 1 to 5", "header_rows")
        header_rows = 1
    display_raw = _display(spec)
    schema = TableSchema(
        id=table_id,
        title=spec.line("title"),
        schema_file=display,
        columns=_judgements(columns, derive),
        key=key,
        file=spec.text("file", K.SCHEMA.default("file")),
        sheet=spec.text("sheet", K.SCHEMA.default("sheet")),
        source_table=source_table,
        label_column=label_column,
        derive=tuple(derive),
        checks=tuple(checks),
        note=spec.text("note", K.SCHEMA.default("note")),
        display=display_raw,
        header_rows=header_rows,
        notes=tuple(notes),
        fonte=spec.text("fonte", K.SCHEMA.default("fonte")),
        row_decimals=_row_decimals(spec, columns),
    )
    spec.text("description", K.SCHEMA.default("description"))  # for the schema's authors: only checked
    spec.reject_unknown(K.SCHEMA.names)
    return schema


def _row_decimals(spec: Spec, columns: dict[str, ColumnSpec]) -> str | None:
    name = spec.text("row_decimals", K.SCHEMA.default("row_decimals"))
    if name is not None and (name not in columns or columns[name].type != "integer"):
        spec.error(f"'{name}' is not an integer column of the table", "row_decimals")
        return None
    return name


def _display(spec: Spec) -> dict[str, Any]:
    """``display``: the defaults of the table blocks showing the table, kept as written."""
    raw = spec.raw("display") or {}
    if not isinstance(raw, dict):
        spec.error("expected a mapping", "display")
        return {}
    display = spec.child("display")
    for key in K.DISPLAY.keys:  # only checked: the blocks read them, with their own defaults
        if key.type == "names":
            display.names(key.name, ())
        elif key.type == "choice":
            value = display.raw(key.name)
            if value is not None and str(value).lower() not in key.choices:
                display.error(f"expected {' or '.join(key.choices)}", key.name)
        else:
            display.line(key.name, None)
    display.reject_unknown(K.DISPLAY.names)
    return raw
