"""The derivations a table schema can declare, applied to a computed table.

Each operation reads figures of the table and adds figures (a new column) or rows
(subtotals, totals, one row per group). Every figure it creates carries its formula and the
ids of the figures it was computed from. The maths is in :mod:`.indicators`; this module
only selects operands and records provenance.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from ..errors import ErrorCollector, Location
from ..load import operations as declared
from ..load.operations import Judgement
from ..load.schema import Aggregate, ColumnSpec, Derivation, Level
from ..load.tables import row_id
from . import indicators as ind
from .expression import evaluate
from .figures import Figure, Row, Table

POLARITY_TEXT = {ind.HIGHER: "higher is better", ind.LOWER: "lower is better"}


class OperationContext:
    """What an operation needs besides the table: where to report problems."""

    def __init__(self, errors: ErrorCollector, warnings: list[str]):
        self.errors = errors
        self.warnings = warnings


def _where_ok(row: Row, derivation: Derivation) -> bool:
    return all(str(row.value(column)) == expected for column, expected in derivation.where)


def _polarity(row: Row, spec: str | None) -> str:
    if spec is None:
        return ind.HIGHER
    if spec.lower() in (ind.HIGHER, ind.LOWER):
        return spec.lower()
    value = row.value(spec)
    return value if value in (ind.HIGHER, ind.LOWER) else ind.HIGHER


def _judgement(column: ColumnSpec, by_sign: bool) -> Judgement | None:
    """The column's judgement, judged by its sign too when the operation says so (a scostamento)."""
    judgement = column.judgement
    if not by_sign or (judgement is not None and judgement.by_sign):
        return judgement
    return Judgement(True, judgement.threshold if judgement else None)


def _put(table: Table, row: Row, column: str, value, formula: str, deps: list[Figure],
         ctx: OperationContext, col_type: str | None = None, decimals: int | None = None,
         by_sign: bool = False) -> None:
    """Store a computed figure, refusing to override a value typed in the data. ``by_sign``:
    the operation's result is judged by its sign (see reportgen.load.operations)."""
    spec: ColumnSpec = table.columns[column]
    existing = row.figures.get(column)
    if existing is not None and existing.source is not None and existing.value is not None:
        # a value from the data (typed, or a reference) stands for a row whose inputs are
        # not published; it must not also be computable
        if value is not None:
            ctx.errors.add(
                f"table '{table.id}', row '{row.id}': '{column}' is given in the data but is also computed "
                f"({formula}); remove the given value, or declare it as a check value", existing.source)
        return
    row.figures[column] = Figure(
        id=f"{table.id}.{row.id}.{column}",
        value=value,
        type=col_type or spec.type,
        decimals=spec.decimals if spec.decimals is not None else decimals,
        signed=spec.signed,
        formula=formula,
        deps=tuple(f.id for f in deps),
        judgement=_judgement(spec, by_sign),
    )


def _safe(compute: Callable[[], Decimal | None], table: Table, row: Row, column: str,
          ctx: OperationContext) -> Decimal | None:
    try:
        return compute()
    except ZeroDivisionError:
        ctx.warnings.append(f"table '{table.id}', row '{row.id}': '{column}' not computed (division by zero)")
        return None


def _operands(row: Row, columns) -> list[Figure]:
    return [row.figures[c] for c in columns if c in row.figures]


def _numbers(figures: list[Figure]) -> list[Decimal | None]:
    return [f.number for f in figures]


def _row_pairwise(table: Table, derivation: Derivation, ctx: OperationContext, first: str, second: str,
                  function: Callable[..., Decimal | None], formula: str, uses_polarity: bool = False) -> None:
    polarity_spec = derivation.params.get("polarity") if uses_polarity else None
    judgement = declared.OPERATIONS[derivation.op].judgement_of(derivation.params)
    by_sign = judgement is not None and judgement.by_sign
    texts = {p: f"{formula} ({POLARITY_TEXT[p]})" for p in POLARITY_TEXT}  # built once, not per row
    difference = derivation.op == "differenza"
    for row in table.rows:
        if derivation.where and not _where_ok(row, derivation):
            continue
        figures = row.figures
        a, b = figures.get(first), figures.get(second)
        if a is None or b is None:
            continue
        deps = [a, b]
        text = formula
        if uses_polarity:
            polarity = _polarity(row, polarity_spec)
            text = texts[polarity]
            if polarity_spec in figures:
                deps.append(figures[polarity_spec])
            args = (a.number, b.number, polarity)
        else:
            args = (a.number, b.number)
        try:
            value = function(*args)
        except ZeroDivisionError:
            ctx.warnings.append(f"table '{table.id}', row '{row.id}': '{derivation.into}' not computed "
                                "(division by zero)")
            value = None
        if difference:  # a difference keeps the unit and precision of its operands
            _put(table, row, derivation.into, value, text, deps, ctx, a.type, max(f.decimals or 0 for f in (a, b)),
                 by_sign=by_sign)
        else:
            _put(table, row, derivation.into, value, text, deps, ctx, by_sign=by_sign)


# Row-wise operations on two columns: (first parameter, second parameter, function, formula
# with {a} and {b} for the two column names, whether the row's polarity applies).
PAIRWISE = {
    "scostamento": ("obiettivo", "consuntivo", ind.scostamento, "({b} − {a}) / |{a}|", True),
    "rapporto": ("obiettivo", "consuntivo", ind.rapporto, "{b} / {a}", False),
    "realizzazione": ("obiettivo", "consuntivo", ind.realizzazione, "{b} / {a}", True),
    "variazione": ("from", "to", ind.variazione, "({b} − {a}) / |{a}|", False),
    "differenza": ("from", "to", ind.differenza, "{b} − {a}", False),
    "carenza": ("fabbisogno", "consistenza", lambda f, c: ind.carenza(c, f), "({b} − {a}) / {a}", False),
}


def _pairwise(name: str) -> Callable[[Table, Derivation, OperationContext], None]:
    first, second, function, formula, uses_polarity = PAIRWISE[name]

    def operation(table: Table, d: Derivation, ctx: OperationContext) -> None:
        a, b = d.params[first], d.params[second]
        _row_pairwise(table, d, ctx, a, b, function, formula.format(a=a, b=b), uses_polarity=uses_polarity)

    return operation


def op_sum(table: Table, d: Derivation, ctx: OperationContext) -> None:
    columns = d.params["of"]
    for row in table.rows:
        operands = _operands(row, columns)
        if not _where_ok(row, d) or not operands:
            continue
        value = ind.signed_sum(_numbers(operands))
        _put(table, row, d.into, value, f"{' + '.join(columns)}", operands, ctx, operands[0].type,
             max((f.decimals or 0) for f in operands))


def op_mean(table: Table, d: Derivation, ctx: OperationContext) -> None:
    columns = d.params["of"]
    weights = d.params.get("weights")
    for row in table.rows:
        operands = _operands(row, columns)
        if not _where_ok(row, d) or len(operands) != len(columns):
            continue
        values = _numbers(operands)
        if weights:
            value = _safe(lambda: ind.weighted_mean(values, list(weights)), table, row, d.into, ctx)
            terms = " + ".join(f"{w}×{c}" for c, w in zip(columns, weights))
            formula = f"({terms}) / {sum(weights)}"
        else:
            value = ind.mean(values)
            formula = f"({' + '.join(columns)}) / {len(columns)}"
        _put(table, row, d.into, value, formula, operands, ctx, operands[0].type)


def _group_key(row: Row, column: str | None):
    return None if column is None else row.value(column)


def op_share(table: Table, d: Derivation, ctx: OperationContext) -> None:
    part_col, by, total_col = d.params["of"], d.params.get("by"), d.params.get("total")
    if total_col:
        _row_pairwise(table, d, ctx, total_col, part_col, lambda t, p: ind.share(p, t), f"{part_col} / {total_col}")
        return
    groups: dict = {}
    for row in table.data_rows():
        groups.setdefault(_group_key(row, by), []).append(row)
    totals = {}
    for key, rows in groups.items():
        figures = [r.figures[part_col] for r in rows if part_col in r.figures]
        totals[key] = (ind.signed_sum(_numbers(figures)), figures)
    for row in table.rows:
        if not _where_ok(row, d) or part_col not in row.figures:
            continue
        key = _group_key(row, by) if row.kind == "data" or by is None else row.value(by)
        if key not in totals:
            continue
        total, figures = totals[key]
        part = row.figures[part_col]
        value = _safe(lambda: ind.share(part.number, total), table, row, d.into, ctx)
        scope = f" within {by} = {key}" if by else ""
        deps = [part] + [f for f in figures if f is not part]
        _put(table, row, d.into, value, f"{part_col} / sum of {part_col} over {len(figures)} rows{scope}",
             deps, ctx, "percent")


def _aggregate(leaves: list[Row], column: str, aggregate: Aggregate, sign: str | None,
               table: Table) -> tuple[Decimal | None, list[Figure], str, str, int | None]:
    figures = [r.figures[column] for r in leaves if column in r.figures]
    values = _numbers(figures)
    kind = next((f.type for f in figures if f.value is not None), table.columns[column].type)
    decimals = max((f.decimals for f in figures if f.decimals is not None), default=None)
    n = len(leaves)
    if aggregate.function == "sum":
        members = [r for r in leaves if column in r.figures]
        signs = [int(r.value(sign) or 1) if sign else 1 for r in members]
        sign_figures = [r.figures[sign] for r in members if sign and sign in r.figures]
        signed = sign and any(s < 0 for s in signs)
        text = f"sum of {column} over {n} rows" + (f", signed by {sign}" if signed else "")
        return ind.signed_sum(values, signs), figures + sign_figures, text, kind, decimals
    if aggregate.function == "mean":
        return ind.mean(values), figures, f"mean of {column} over {n} rows", kind, None
    if aggregate.function == "weighted_mean":
        weights = [r.figures.get(aggregate.weight) for r in leaves if column in r.figures]
        value = ind.weighted_mean(values, [w.number if w else None for w in weights])
        text = f"mean of {column} weighted by {aggregate.weight} over {n} rows"
        return value, figures + [w for w in weights if w], text, kind, None
    if aggregate.function == "count":
        return Decimal(n), [], f"count of rows ({n})", "integer", 0
    present = [v for v in values if v is not None]
    value = (min if aggregate.function == "min" else max)(present) if present else None
    return value, figures, f"{aggregate.function} of {column} over {n} rows", kind, decimals


def _aggregate_row(table: Table, leaves: list[Row], rid: str, kind: str, label: str,
                   group_values: dict[str, object], d: Derivation, ctx: OperationContext) -> Row:
    row = Row(rid, kind)
    label_column = table.schema.label_column
    for column, value in group_values.items():
        row.figures[column] = Figure(f"{table.id}.{rid}.{column}", value, table.columns[column].type,
                                     formula=f"the {column} of the rows totalled")
    if label_column:
        row.figures[label_column] = Figure(f"{table.id}.{rid}.{label_column}", label, "text",
                                           formula="label of a total row")
    sign = d.params.get("sign")
    if sign and leaves and all(int(r.value(sign) or 1) < 0 for r in leaves):
        # a subtotal of rows that are all subtracted is itself an amount subtracted: printed
        # positive like its rows (the seeds' "Interessi legali (-)"); outer totals still read the rows
        row.figures[sign] = Figure(f"{table.id}.{rid}.{sign}", -1, "sign", formula="every row totalled is subtracted",
                                   deps=tuple(r.figures[sign].id for r in leaves if sign in r.figures))
        sign = None
    for column, aggregate in d.params["columns"].items():
        value, deps, formula, col_type, decimals = _aggregate(leaves, column, aggregate, sign, table)
        _put(table, row, column, value, formula, deps, ctx, col_type, decimals)
    return row


def _format_label(template: str, values: dict[str, object]) -> str:
    try:
        return template.format(**{k: ("" if v is None else v) for k, v in values.items()})
    except (KeyError, IndexError, ValueError):
        return template


_TOTAL_LABEL = re.compile(r"^\s*(totale|totali|total)\b", re.IGNORECASE)


def _refuse_typed_totals(table: Table, d: Derivation, ctx: OperationContext) -> None:
    """A "Totale" row typed into the data would be added to the computed total: refuse a row
    so labelled whose summed figures equal the sum of the rows above it or of all the others."""
    label_column = table.schema.label_column
    summed = [c for c, a in d.params["columns"].items() if a.function == "sum"]
    if not label_column or not summed:
        return
    rows = table.data_rows()
    sign = d.params.get("sign")
    for position, row in enumerate(rows):
        label = str(row.value(label_column) or "")
        if not _TOTAL_LABEL.match(label):
            continue
        for scope, others in (("above it", rows[:position]), ("other", rows[:position] + rows[position + 1:])):
            checked = [c for c in summed if row.figures.get(c) is not None and row.figures[c].number is not None]
            if others and checked and all(
                    row.figures[c].number == ind.signed_sum([r.figures[c].number if c in r.figures else None
                                                             for r in others],
                                                            [int(r.value(sign) or 1) if sign else 1 for r in others])
                    for c in checked):
                location = row.figures[label_column].source or Location(table.schema.schema_file)
                ctx.errors.add(f"'{label}' looks like a total typed into the data: its figures are the sum of the "
                               f"{scope} rows. Totals are computed: remove this row", location)
                break


def op_total(table: Table, d: Derivation, ctx: OperationContext) -> None:
    _refuse_typed_totals(table, d, ctx)
    levels: list[Level] = d.params["levels"]
    taken = {r.id for r in table.rows}

    def emit(rows: list[Row], depth: int, context: dict[str, object]) -> list[Row]:
        if depth == len(levels):
            return rows
        level = levels[depth]
        groups: dict[object, list[Row]] = {}
        for row in rows:
            groups.setdefault(_group_key(row, level.by), []).append(row)
        result: list[Row] = []
        for key, members in groups.items():
            inner_context = dict(context)
            if level.by is not None:
                inner_context[level.by] = key
            inner = emit(members, depth + 1, inner_context)
            leaves = [r for r in members if r.kind == "data" and _where_ok(r, d)]  # where: a total over a subset
            if len(leaves) < level.min_rows or (d.where and not leaves):
                result.extend(inner)
                continue
            label = _format_label(level.label, inner_context)
            rid = row_id(label)
            if rid in taken:
                ctx.errors.add(f"table '{table.id}': the total row '{label}' has id '{rid}', "
                               "already used by another row; change the level's label",
                               Location(table.schema.schema_file))
                continue
            taken.add(rid)
            kind = "subtotal" if level.by is not None else "total"
            total_row = _aggregate_row(table, leaves, rid, kind, label, inner_context, d, ctx)
            result.extend([total_row, *inner] if level.position == "before" else [*inner, total_row])
        return result

    table.rows = emit(table.rows, 0, {})


def _origins(figures: list[Figure]) -> list[Figure]:
    """Summarizing drops the rows it reads: a dependency on a copied figure (a derived
    table's copy of its source) must point to the original, which still exists."""
    return [Figure(f.deps[0], f.value, f.type) if f.formula == f"= {f.deps[0]}" and len(f.deps) == 1 else f
            for f in figures]


def op_summarize(table: Table, d: Derivation, ctx: OperationContext) -> None:
    by: tuple[str, ...] = d.params["by"]
    groups: dict[tuple, list[Row]] = {}
    for row in table.data_rows():
        groups.setdefault(tuple(row.value(c) for c in by), []).append(row)
    rows: list[Row] = []
    count_col = d.params.get("count")
    for key, members in groups.items():
        rid = row_id(" ".join(str(k) for k in key if k is not None))
        row = Row(rid, "data")
        for column, value in zip(by, key):
            first = _origins([members[0].figures[column]]) if column in members[0].figures else []
            row.figures[column] = Figure(f"{table.id}.{rid}.{column}", value, table.columns[column].type,
                                         formula=f"the {column} of the rows summarized",
                                         deps=tuple(f.id for f in first))
        for column, aggregate in d.params["columns"].items():
            value, deps, formula, col_type, decimals = _aggregate(members, column, aggregate, None, table)
            _put(table, row, column, value, formula, _origins(deps), ctx, col_type, decimals)
        if count_col:
            counted = _origins([m.figures[by[0]] for m in members if by[0] in m.figures])
            _put(table, row, count_col, Decimal(len(members)), f"count of rows ({len(members)})",
                 counted, ctx, "integer", 0)
        rows.append(row)
    table.rows = rows


def op_formula(table: Table, d: Derivation, ctx: OperationContext) -> None:
    expression = d.params["formula"]
    judgement = declared.OPERATIONS[d.op].judgement_of(d.params)
    by_sign = judgement is not None and judgement.by_sign
    for row in table.rows:
        if not _where_ok(row, d):
            continue
        operands = _operands(row, expression.names)
        if len(operands) != len(expression.names):
            continue  # a row without one of the columns (a label row) has nothing to compute
        values = {f.id.rsplit(".", 1)[1]: f.number for f in operands}
        value = _safe(lambda: evaluate(expression.tree, values), table, row, d.into, ctx)
        _put(table, row, d.into, value, expression.text, operands, ctx, d.params.get("type", "decimal"),
             by_sign=by_sign)


ROW_KINDS = ("total", "subtotal", "data")


def op_row_formula(table: Table, d: Derivation, ctx: OperationContext) -> None:
    expression, row_id_, kind = d.params["formula"], d.params["row"], d.params.get("kind", "total")
    where = Location(table.schema.schema_file)
    if kind not in ROW_KINDS:
        ctx.errors.add(f"{d.path}: kind '{kind}' of a row formula; use one of {', '.join(ROW_KINDS)}", where)
        return
    if d.where:
        ctx.errors.add(f"{d.path}: a row formula names its rows in the formula; 'where' has no effect here", where)
        return
    rows = {name: table.row(name) for name in expression.names}
    missing = [name for name, row in rows.items() if row is None]
    if missing:
        ctx.errors.add(f"{d.path}: row formula '{expression.text}': no row '{missing[0]}'; "
                       f"rows: {', '.join(r.id for r in table.rows)}", where)
        return
    if table.row(row_id_) is not None:
        ctx.errors.add(f"{d.path}: row formula: a row '{row_id_}' exists already; choose another id", where)
        return
    row = Row(row_id_, kind)
    label_column = table.schema.label_column
    if label_column:
        row.figures[label_column] = Figure(f"{table.id}.{row_id_}.{label_column}", d.params.get("label", row_id_),
                                           "text", formula="label of a computed row")
    for column in d.params["columns"]:
        operands = [rows[name].figures[column] for name in expression.names if column in rows[name].figures]
        if len(operands) != len(expression.names):
            continue
        values = {name: rows[name].figures[column].number for name in expression.names}
        value = _safe(lambda: evaluate(expression.tree, values), table, row, column, ctx)
        text = f"{expression.text} (rows, column {column})"
        _put(table, row, column, value, text, operands, ctx, operands[0].type if operands else None,
             max((f.decimals for f in operands if f.decimals is not None), default=None))
    table.rows.append(row)


# The implementation of each operation declared in reportgen.load.operations, by the same name.
OPERATIONS: dict[str, Callable[[Table, Derivation, OperationContext], None]] = {
    **{name: _pairwise(name) for name in PAIRWISE},
    "sum": op_sum,
    "mean": op_mean,
    "share": op_share,
    "total": op_total,
    "summarize": op_summarize,
    "formula": op_formula,
    "row_formula": op_row_formula,
}

if OPERATIONS.keys() != declared.OPERATIONS.keys():  # a declaration without code, or code without one
    raise RuntimeError(f"operations declared and implemented differ: {sorted(OPERATIONS.keys() ^ declared.OPERATIONS.keys())}")
