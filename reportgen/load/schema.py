"""Table schemas: what each table of a project holds and how its derived figures are computed.

Every table is declared in ``data/<id>.schema.yaml`` beside its data file
(``data/<id>.csv`` or ``data/<id>.xlsx``). The declaration lists the input columns (type,
unit, required), the derivations the engine applies (a catalogue of named operations, see
``OPERATIONS``) and the *check values*: figures the source document prints, which the build
compares with what the engine computes.

The operation catalogue lives here, not in the engine, because validating a schema must not
depend on a later stage; the engine implements each operation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ErrorCollector
from .values import COLUMN_TYPES, NUMERIC_TYPES, POLARITY_WORDS, CellError, parse_cell, parse_number
from .yamlspec import Spec, read_yaml

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
AGGREGATES = ("sum", "mean", "weighted_mean", "count", "min", "max")

# name -> (required params, optional params); a param kind is one of
# column / columns / new (the column the operation creates) / text / polarity / numbers / boolean.
# The outcome operations (whether a target was met, see reportgen.engine.outcomes) also take
# ``reason`` (the text column with the motivazione dello scostamento) and ``outcome: false``
# (the column is not a target's outcome, e.g. a forecast's deviation).
OUTCOME_OPERATIONS = ("scostamento", "realizzazione", "rapporto")
_OUTCOME_PARAMS = {"reason": "column", "outcome": "boolean"}
OPERATIONS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "sum": ({"into": "new", "of": "columns"}, {"label": "text"}),
    "mean": ({"into": "new", "of": "columns"}, {"weights": "numbers", "label": "text"}),
    "scostamento": ({"into": "new", "obiettivo": "column", "consuntivo": "column"},
                    {"polarity": "polarity", "label": "text", **_OUTCOME_PARAMS}),
    "rapporto": ({"into": "new", "obiettivo": "column", "consuntivo": "column"}, {"label": "text", **_OUTCOME_PARAMS}),
    "realizzazione": ({"into": "new", "obiettivo": "column", "consuntivo": "column"},
                      {"polarity": "polarity", "label": "text", **_OUTCOME_PARAMS}),
    "variazione": ({"into": "new", "from": "column", "to": "column"}, {"label": "text"}),
    "differenza": ({"into": "new", "from": "column", "to": "column"}, {"label": "text"}),
    "carenza": ({"into": "new", "consistenza": "column", "fabbisogno": "column"}, {"label": "text"}),
    "share": ({"into": "new", "of": "column"}, {"by": "column", "total": "column", "label": "text"}),
    "total": ({"columns": "aggregates"}, {"levels": "levels", "sign": "column"}),
    "summarize": ({"by": "columns", "columns": "aggregates"}, {"count": "new", "count_label": "text"}),
}


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
        return self.op in OUTCOME_OPERATIONS and self.params.get("outcome", True)


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A figure the source prints, compared with the engine's result at build time."""

    row: str
    column: str
    published: str
    tolerance: Decimal | None
    path: str = ""


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
    header_rows: int = 1  # header rows of the data file (a title over several columns, then names)

    @property
    def input_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns.values() if not c.computed]


def default_decimals(col_type: str) -> int:
    return {"integer": 0, "percent": 2, "euro": 2, "decimal": 2, "value": 2}.get(col_type, 0)


def humanize(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _parse_column(spec: Spec, name: str, computed: bool) -> ColumnSpec | None:
    col_type = spec.text("type", "text")
    if col_type not in COLUMN_TYPES:
        spec.error(f"unknown type '{col_type}'; use one of {', '.join(sorted(COLUMN_TYPES))}", "type")
        return None
    headers = spec.names("header", ())
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
    decimals = spec.integer("decimals", None)
    column = ColumnSpec(
        name=name,
        type=col_type,
        label=spec.text("label", humanize(name)),
        required=spec.boolean("required", False),
        headers=headers,
        decimals=decimals,
        unit=spec.text("unit", None),
        choices=spec.names("choices", ()),
        default=default,
        dash_is_zero=spec.text("dash", "missing") == "zero",
        signed=spec.boolean("signed", False),
        computed=spec.boolean("computed", computed),
    )
    if col_type == "choice" and not column.choices:
        spec.error("a choice column needs 'choices'", "choices")
    spec.reject_unknown({"type", "label", "required", "header", "decimals", "unit", "choices",
                         "default", "dash", "signed", "computed"})
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
        position = level.text("position", "after")
        if position not in ("before", "after"):
            level.error("expected 'before' or 'after'", "position")
        levels.append(Level(by, level.text("label", "Totale" if by is None else "{" + by + "}"),
                            position, level.integer("min_rows", 1)))
        level.reject_unknown({"by", "label", "position", "min_rows"})
    return levels


def _parse_derivation(spec: Spec, known: set[str], columns: dict[str, ColumnSpec]) -> Derivation | None:
    op = spec.text("op")
    if op not in OPERATIONS:
        spec.error(f"unknown operation '{op}'; use one of {', '.join(OPERATIONS)}", "op")
        return None
    required, optional = OPERATIONS[op]
    params: dict[str, Any] = {}
    for name, kind in {**required, **optional}.items():
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
    return Derivation(op, params, tuple(where), params.get("label"), spec.path)


def _output_type(derivation: Derivation, columns: dict[str, ColumnSpec]) -> tuple[str, bool]:
    """Type (and whether shown with a sign) of the column an operation creates."""
    op, params = derivation.op, derivation.params
    if op in ("scostamento", "variazione", "carenza"):
        return "percent", True
    if op in ("realizzazione", "share"):
        return "percent", False
    if op == "rapporto":
        return "decimal", False
    if op == "differenza":
        return columns[params["from"]].type if params.get("from") in columns else "decimal", True
    if op in ("sum", "mean"):
        first = params.get("of", ("",))[0]
        source = columns.get(first)
        return (source.type if source else "decimal"), False
    if op == "summarize":
        return "integer", False
    return "decimal", False


def parse_table_schema(path: Path, display: str, table_id: str, errors: ErrorCollector) -> TableSchema | None:
    """Read ``data/<id>.schema.yaml``; returns None (with errors recorded) when unusable."""
    before = len(errors.errors)
    spec = Spec(read_yaml(path, display, errors), display, errors)
    if len(errors.errors) > before:
        return None
    if not ID_PATTERN.match(table_id):
        errors.add(f"table id '{table_id}' must be lowercase letters, digits and _", None)
    columns: dict[str, ColumnSpec] = {}
    cols_spec = spec.child("columns")
    if not cols_spec.data:
        spec.error("a table needs at least one column", "columns")
    for name in cols_spec.data:
        if not isinstance(name, str) or not ID_PATTERN.match(name):
            cols_spec.error("column names are lowercase letters, digits and _", str(name))
            continue
        column = _parse_column(cols_spec.child(name), name, computed=False)
        if column:
            columns[name] = column
    source = spec.child("source")
    source_table = source.text("table", None)
    source.reject_unknown({"table"})
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
            col_type, signed = _output_type(derivation, columns)
            declared = columns.get(name)
            if declared is not None and not declared.computed:
                item.error(f"column '{name}' is an input; computed columns need 'computed: true' or a new name", "into")
                continue
            op_label = derivation.params.get("count_label") if derivation.op == "summarize" else derivation.label
            if declared is None:
                columns[name] = ColumnSpec(name, col_type, op_label or humanize(name), signed=signed, computed=True)
            else:  # declared to set its label/decimals, or to accept values for rows without inputs
                own_label = declared.label != humanize(name)
                columns[name] = ColumnSpec(
                    name, col_type, declared.label if own_label else (op_label or declared.label),
                    headers=declared.headers, decimals=declared.decimals, unit=declared.unit,
                    signed=declared.signed or signed, computed=True)
            known.add(name)
    key = spec.names("key", ())
    for column in key:
        if column not in columns:
            spec.error(f"unknown column '{column}'", "key")
    label_column = spec.text("label_column", None)
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
        tolerance = item.raw("tolerance")
        tol_value = None
        if tolerance is not None:
            try:
                tol_value, _ = parse_number(str(tolerance), ",")
            except CellError:
                item.error("expected a number", "tolerance")
        published = item.text("published")
        checks.append(CheckSpec(item.text("row"), column, published, tol_value, item.path))
        item.reject_unknown({"row", "column", "published", "tolerance"})
    header_rows = spec.integer("header_rows", 1)
    if not 1 <= header_rows <= 5:
        spec.error("expected a number of rows from 1 to 5", "header_rows")
        header_rows = 1
    display_raw = spec.raw("display") or {}
    if not isinstance(display_raw, dict):
        spec.error("expected a mapping", "display")
        display_raw = {}
    schema = TableSchema(
        id=table_id,
        title=spec.text("title"),
        schema_file=display,
        columns=columns,
        key=key,
        file=spec.text("file", None),
        sheet=spec.text("sheet", None),
        source_table=source_table,
        label_column=label_column,
        derive=tuple(derive),
        checks=tuple(checks),
        note=spec.text("note", None),
        display=display_raw,
        header_rows=header_rows,
    )
    spec.reject_unknown({"title", "columns", "source", "derive", "key", "label_column", "checks",
                         "display", "file", "sheet", "note", "description", "header_rows", "owner"})
    return schema
