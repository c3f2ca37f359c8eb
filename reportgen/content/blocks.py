"""How each kind of block of ``report.yaml`` becomes content: one builder per kind.

A kind of block is declared once, at load (its keys, validation, references and the outputs
that draw it: :mod:`reportgen.load.config`); this registry holds what the content stage makes
of it, by the same name. Every output then draws the block by its ``kind``: a macro
``<kind>_block`` in ``templates/pdf/blocks.html.j2`` (the A4 and slide PDFs), a builder in the
deck's registry, rows in the export, the tables it shows in the diff. A test checks that every
declared kind is present everywhere, so a kind an output cannot draw fails loudly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ..engine import EngineResult, Figure
from ..errors import ErrorCollector, InputError, Location
from ..load import LoadedProject
from ..load.blocks import (
    ChartBlockConfig,
    KpiBlockConfig,
    SignatureBlockConfig,
    TableBlockConfig,
    TextBlockConfig,
    kind_of,
)
from ..load.config import SectionConfig
from ..load.tables import row_id
from .chartspec import build_chart
from .dates import document_date
from .model import (
    Block,
    ChartBlock,
    Column,
    Footnote,
    KpiBlock,
    KpiItem,
    SignatureBlock,
    TableBlock,
    TableRow,
    TextBlock,
)
from .narrative import NarrativeRenderer


@dataclass(slots=True)
class BlockContext:
    """What a builder may read while one section is assembled."""

    section: SectionConfig
    loaded: LoadedProject
    result: EngineResult
    narratives: NarrativeRenderer
    errors: ErrorCollector
    built: list[Block] = field(default_factory=list)  # the section's blocks so far


Builder = Callable[[object, BlockContext], Block | None]
BUILDERS: dict[str, Builder] = {}


def builds(kind: str) -> Callable[[Builder], Builder]:
    def register(function: Builder) -> Builder:
        BUILDERS[kind] = function
        return function

    return register


def build_block(block: object, ctx: BlockContext) -> Block | None:
    builder = BUILDERS.get(kind_of(block).name)
    if builder is None:
        raise LookupError(f"no content builder for the block {block!r}: declare it in reportgen.content.blocks")
    return builder(block, ctx)


@builds("text")
def text_block(block: TextBlockConfig, ctx: BlockContext) -> TextBlock | None:
    try:
        narrative = ctx.loaded.narratives[block.file]
        return TextBlock(ctx.narratives.render(block.file, narrative.text, ctx.section.level))
    except InputError as exc:
        ctx.errors.extend([exc])
        return None


def _group_title(value: object, block: TableBlockConfig, result: EngineResult) -> str | None:
    if value is None:
        return None
    if block.group_titles is None:
        return str(value)
    titles_table, titles_column = block.group_titles
    figure = result.tables[titles_table].figure(row_id(str(value)), titles_column)
    return f"{value} – {figure.value}" if figure is not None and figure.value else str(value)


SUBTRACTED = " (-)"  # as the seeds print an amount the total subtracts


def _marked_subtracted(cells: tuple, label_column: str | None, columns: tuple[Column, ...]) -> tuple:
    """The row's label with the mark of an amount subtracted (its figures stay positive)."""
    return tuple(dataclasses.replace(f, value=f"{f.value}{SUBTRACTED}")
                 if f is not None and c.name == label_column and f.value and not str(f.value).endswith(SUBTRACTED)
                 else f for f, c in zip(cells, columns))


def _totals_only(row, kept: set[str], table_id: str) -> bool:
    """Whether a total row totals only rows a filtered block shows (its provenance says which):
    a block showing one group keeps that group's subtotal, not the table's grand total."""
    totalled = {dep.split(".")[1] for figure in row.figures.values() for dep in figure.deps
                if dep.startswith(f"{table_id}.")}
    return totalled <= kept or not totalled


@builds("table")
def table_block(block: TableBlockConfig, ctx: BlockContext) -> TableBlock:
    result = ctx.result
    table = result.tables[block.table]
    schema = table.schema
    display = schema.display or {}
    names = list(block.columns or display.get("columns")
                 or [c for c, spec in table.columns.items() if spec.type not in ("note", "row_kind")])
    group_by = block.group_by or display.get("group_by")
    if group_by in names:
        names.remove(group_by)
    columns = tuple(Column(n, table.columns[n].label, table.columns[n].type, table.columns[n].unit,
                           group=table.columns[n].group) for n in names if n in table.columns)
    rows = []
    # mark_subtracted: true (every row), rows (data rows only) or totals (subtotals only)
    mark = display.get("mark_subtracted")
    mark = True if str(mark).lower() == "true" else mark
    marked_kinds = {True: ("data", "detail", "subtotal", "total"), "rows": ("data", "detail"),
                    "totals": ("subtotal", "total")}.get(mark, ())
    sign = next((c.name for c in table.columns.values() if c.type == "sign"), None) if marked_kinds else None
    kept = {row.id for row in table.rows if row.kind in ("data", "detail")
            and all(fnmatchcase(str(row.value(c) or ""), p) for c, p in block.where)}
    for row in table.rows:
        if row.kind in ("data", "detail") and row.id not in kept:
            continue
        if block.where and row.kind in ("subtotal", "total") and not _totals_only(row, kept, table.id):
            continue  # a total of rows the block leaves out (the whole table's, another group's)
        group = _group_title(row.value(group_by), block, result) if group_by else None
        cells = tuple(row.figures.get(c.name) for c in columns)
        if sign and row.value(sign) == -1 and row.kind in marked_kinds:
            cells = _marked_subtracted(cells, schema.label_column, columns)
        rows.append(TableRow(row.id, row.kind, cells, group))
    merge = tuple(block.merge_repeats or display.get("merge_repeats") or ())
    group_label = table.columns[group_by].label if group_by in table.columns else None
    columns, rows, footnotes = _footnotes(table, columns, rows, ctx)
    built = TableBlock(table.id, block.title or schema.title, columns, tuple(rows), schema.note, group_by, merge,
                       group_label, footnotes, schema.fonte)
    if block.transpose:
        built = _transposed(built, schema.label_column)
    return _split(built, block.split_columns) if block.split_columns else built


def _transposed(block: TableBlock, label_column: str | None) -> TableBlock:
    """Rows become columns: the label column's values head the new columns, and each other
    column becomes a row labelled by its header (a table of many years or regions, read down)."""
    label_index = next((i for i, c in enumerate(block.columns) if c.name == label_column), 0)
    label = block.columns[label_index]
    columns = (Column(label.name, "", "text"),) + tuple(
        Column(row.id, str(row.cells[label_index].value if row.cells[label_index] else row.id), "value",
               marks=row.marks_of(label_index)) for row in block.rows)
    rows = []
    for index, column in enumerate(block.columns):
        if index == label_index:
            continue
        heading = Figure(f"{block.table}.header.{column.name}", column.label, "text", formula="a column's header")
        rows.append(TableRow(column.name, "data", (heading, *(row.cells[index] for row in block.rows)), None,
                             (column.marks, *(row.marks_of(index) for row in block.rows))))
    return dataclasses.replace(block, columns=columns, rows=tuple(rows), group_by=None, merge_repeats=())


def _split(block: TableBlock, width: int) -> tuple[TableBlock, ...]:
    """A table too wide for the page as several, at most ``width`` columns each, the first (the
    label) repeated in each; the parts after the first are titled as continued."""
    others = list(range(1, len(block.columns)))
    chunks = [others[i:i + width - 1] for i in range(0, len(others), width - 1)] or [[]]
    parts = []
    for number, chunk in enumerate(chunks):
        keep = [0, *chunk]
        rows = tuple(dataclasses.replace(row, cells=tuple(row.cells[i] for i in keep),
                                         marks=tuple(row.marks_of(i) for i in keep)) for row in block.rows)
        title = block.title if number == 0 else f"{block.title} (segue)"
        parts.append(dataclasses.replace(block, title=title, columns=tuple(block.columns[i] for i in keep), rows=rows,
                                         merge_repeats=tuple(m for m in block.merge_repeats
                                                             if m in {block.columns[i].name for i in keep})))
    return tuple(parts)


def _footnotes(table, columns: tuple[Column, ...], rows: list[TableRow], ctx: BlockContext):
    """Number the table's footnotes in reading order (headers, then rows top-down, cells left
    to right) and put each marker where its note applies: a header (a column's ``note``), a
    row's label (a ``note`` column of the data, or ``notes: [{row}]``), a cell (``notes: [{row,
    column}]``)."""
    schema = table.schema
    note_columns = [c.name for c in table.columns.values() if c.type == "note"]
    by_cell: dict[tuple[str, str | None], list[str]] = {}
    for note in schema.notes:
        if table.row(note.row) is None:
            ctx.errors.add(f"notes: table '{table.id}' has no row '{note.row}'", Location(schema.schema_file))
            continue
        by_cell.setdefault((note.row, note.column), []).append(note.text)
    texts: list[str] = []

    def marker(text: str) -> str:
        if text not in texts:
            texts.append(text)
        return str(texts.index(text) + 1)

    columns = tuple(dataclasses.replace(c, marks=(marker(table.columns[c.name].note),))
                    if table.columns[c.name].note else c for c in columns)
    label_index = next((i for i, c in enumerate(columns) if c.name == schema.label_column), 0)
    marked = []
    for row in rows:
        source = table.row(row.id)
        row_notes = [str(source.value(c)) for c in note_columns if source is not None and source.value(c)]
        row_notes += by_cell.get((row.id, None), [])
        marks = []
        for index, column in enumerate(columns):
            here = by_cell.get((row.id, column.name), []) + (row_notes if index == label_index else [])
            marks.append(tuple(marker(text) for text in here))
        marked.append(dataclasses.replace(row, marks=tuple(marks)) if any(marks) else row)
    return columns, marked, tuple(Footnote(str(i), text) for i, text in enumerate(texts, start=1))


@builds("kpi")
def kpi_block(block: KpiBlockConfig, ctx: BlockContext) -> KpiBlock:
    items = []
    for item in block.items:
        figure = ctx.result.figure(item.figure.id)
        if figure is None:
            ctx.errors.add(f"kpi: no figure {item.figure.id}", Location("report.yaml"))
            continue
        compare = ctx.result.figure(item.compare.id) if item.compare else None
        if item.compare and compare is None:
            ctx.errors.add(f"kpi: no figure {item.compare.id}", Location("report.yaml"))
        items.append(KpiItem(item.label, figure, compare, item.compare_label))
    return KpiBlock(tuple(items))


@builds("signature")
def signature_block(block: SignatureBlockConfig, ctx: BlockContext) -> SignatureBlock:
    return SignatureBlock(block.place, block.date or document_date(ctx.loaded.config),
                          block.signatories)


@builds("chart")
def chart_block(block: ChartBlockConfig, ctx: BlockContext) -> ChartBlock | None:
    chart_id = f"{ctx.section.id}-{sum(isinstance(b, ChartBlock) for b in ctx.built) + 1}"
    spec = build_chart(block, chart_id, ctx.result, ctx.narratives.formatter, ctx.errors)
    return None if spec is None else ChartBlock(spec)
