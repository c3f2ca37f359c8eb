"""Stage 2, engine: every derived figure, computed at full precision with its provenance.

Tables are computed in dependency order: a table whose cells reference figures of another
(``@ieep.ieep_accertato.consuntivo``) or that is derived from another (``source.table``)
comes after it. A cycle of references is an input error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ErrorCollector, Location
from ..load import LoadedProject
from ..load.schema import TableSchema
from ..load.tables import InputTable
from ..load.values import Quantity, Ref
from ..perf import bulk_allocation
from .checks import CheckResult, run_checks
from .figures import Figure, Row, Table
from .operations import OPERATIONS, OperationContext

__all__ = ["EngineResult", "Figure", "Row", "Table", "compute"]


@dataclass(slots=True)
class EngineResult:
    tables: dict[str, Table]
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def figure(self, figure_id: str) -> Figure | None:
        table_id, _, rest = figure_id.partition(".")
        row_id, _, column = rest.partition(".")
        table = self.tables.get(table_id)
        return None if table is None else table.figure(row_id, column)

    def notes(self, loaded: LoadedProject) -> list[str]:
        """What a command tells the user besides its outputs, in one order everywhere: the
        loader's notes (hidden rows left out), the engine's warnings, check values that differ."""
        return [*loaded.notes, *self.warnings, *(str(c) for c in self.checks if not c.ok)]

    def all_figures(self) -> dict[str, Figure]:
        return {f.id: f for table in self.tables.values() for f in table.figures()}

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.ok]


def _dependencies(schema: TableSchema, table: InputTable | None) -> set[str]:
    deps = {schema.source_table} if schema.source_table else set()
    if table is not None:
        for row in table.rows:
            deps.update(v.table for v in row.cells.values() if isinstance(v, Ref))
    return deps


def _order(loaded: LoadedProject, errors: ErrorCollector) -> list[str]:
    graph = {tid: _dependencies(schema, loaded.tables.get(tid)) for tid, schema in loaded.schemas.items()}
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(tid: str, chain: list[str]) -> None:
        if state.get(tid) == "done":
            return
        if state.get(tid) == "visiting":
            cycle = " → ".join(chain[chain.index(tid):] + [tid])
            errors.add(f"tables reference each other in a cycle: {cycle}", Location(loaded.schemas[tid].schema_file))
            return
        state[tid] = "visiting"
        for dep in sorted(graph[tid]):
            if dep in graph:
                visit(dep, chain + [tid])
        state[tid] = "done"
        order.append(tid)

    for tid in sorted(graph):
        visit(tid, [])
    return order


def _resolve(ref: Ref, computed: dict[str, Table], location: Location | None,
             errors: ErrorCollector) -> Figure | None:
    table = computed.get(ref.table)
    if table is None:
        errors.add(f"reference {ref}: unknown table '{ref.table}'", location)
        return None
    if table.row(ref.row) is None:
        errors.add(f"reference {ref}: table '{ref.table}' has no row '{ref.row}'; "
                   f"rows: {', '.join(r.id for r in table.rows)}", location)
        return None
    figure = table.figure(ref.row, ref.column)
    if figure is None:
        errors.add(f"reference {ref}: table '{ref.table}' has no column '{ref.column}' in row '{ref.row}'", location)
    return figure


def _from_input(schema: TableSchema, table: InputTable, computed: dict[str, Table],
                errors: ErrorCollector) -> Table:
    rows = []
    kind_column = next((c.name for c in schema.columns.values() if c.type == "row_kind"), None)
    for input_row in table.rows:
        # a "di cui" row is a detail of the row above it: printed, judged, in no total
        kind = "detail" if kind_column and input_row.cells.get(kind_column) == "detail" else "data"
        row = Row(input_row.id, kind, number=input_row.number)
        for name, cell in input_row.cells.items():
            spec = schema.columns[name]
            fid = f"{schema.id}.{input_row.id}.{name}"
            location = input_row.locations.get(name)
            if location is None and cell is not None:  # the schema's default: the row it stands in
                location = Location(table.file or schema.schema_file, table.sheet, input_row.number, name)
            if isinstance(cell, Ref):
                target = _resolve(cell, computed, location, errors)
                if target is None:
                    continue
                row.figures[name] = Figure(fid, target.value, target.type, target.decimals, target.signed or spec.signed,
                                           formula=f"= {cell}", deps=(target.id,), source=location,
                                           judgement=spec.judgement)
            elif isinstance(cell, Quantity):
                decimals = spec.decimals if spec.decimals is not None else cell.decimals
                row.figures[name] = Figure(fid, cell.value, cell.type, decimals, spec.signed, source=location,
                                           judgement=spec.judgement)
            else:
                row.figures[name] = Figure(fid, cell, spec.type, spec.decimals, spec.signed, source=location,
                                           judgement=spec.judgement)
        rows.append(row)
    return Table(schema, rows, dict(schema.columns))


def _from_source(schema: TableSchema, source: Table) -> Table:
    rows = []
    for source_row in source.data_rows():
        row = Row(source_row.id, "data")
        for name in schema.columns:
            figure = source_row.figures.get(name)
            if figure is not None:
                row.figures[name] = Figure(f"{schema.id}.{source_row.id}.{name}", figure.value, figure.type,
                                           figure.decimals, figure.signed, formula=f"= {figure.id}", deps=(figure.id,),
                                           judgement=schema.columns[name].judgement)
        rows.append(row)
    return Table(schema, rows, dict(schema.columns))


def _row_decimals(table: Table, column: str) -> None:
    """Decimals per row (``row_decimals: COLUMN``): the published tables mix 138, 100,6 and
    100,09 in one column; a row's numbers, typed or computed, print with the decimals its
    ``COLUMN`` cell gives (an empty cell keeps the column's)."""
    for row in table.rows:
        places = row.value(column)
        if places is None:
            continue
        for name, figure in row.figures.items():
            if name != column and figure.number is not None and figure.type != "integer":
                figure.decimals = int(places)


def compute(loaded: LoadedProject) -> EngineResult:
    """Compute every table of the project; raises InputErrors for unresolvable references
    or figures both typed and computed."""
    with bulk_allocation():
        return _compute(loaded)


def _compute(loaded: LoadedProject) -> EngineResult:
    errors = ErrorCollector()
    warnings: list[str] = []
    computed: dict[str, Table] = {}
    checks: list[CheckResult] = []
    order = _order(loaded, errors)
    errors.raise_if_any()
    context = OperationContext(errors, warnings)
    for tid in order:
        schema = loaded.schemas[tid]
        if schema.source_table:
            if schema.source_table not in computed:
                continue  # the source failed; its errors are already recorded
            table = _from_source(schema, computed[schema.source_table])
        elif tid in loaded.tables:
            table = _from_input(schema, loaded.tables[tid], computed, errors)
        else:
            continue
        for derivation in schema.derive:
            OPERATIONS[derivation.op](table, derivation, context)
        if schema.row_decimals:
            _row_decimals(table, schema.row_decimals)
        computed[tid] = table
        checks.extend(run_checks(table, errors))
    errors.raise_if_any()
    return EngineResult(computed, checks, warnings)
