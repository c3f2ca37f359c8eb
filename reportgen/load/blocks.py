"""The kinds of block a section shows, each declared once: the ``report.yaml`` key that
introduces it, its keys (``keys.py``) and their validation, the references it checks against
the tables and narrative files, and the outputs that can draw it.

The content builder and each output's drawing of a kind live in their stages (``content``,
``render``); a block whose kind an output requested by the project cannot draw is an input
error when the project is read (:func:`check_outputs`), never a page without it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import ErrorCollector, Location
from . import keys as K
from .keys import CHART_KINDS, FORMATS, SCHEMA_SUFFIX
from .values import CellError, Ref, parse_ref
from .yamlspec import Spec, control_character

if TYPE_CHECKING:
    from .schema import TableSchema


@dataclass(frozen=True, slots=True)
class TextBlockConfig:
    block_kind: ClassVar[str] = "text"
    file: str  # relative to the project


@dataclass(frozen=True, slots=True)
class TableBlockConfig:
    block_kind: ClassVar[str] = "table"
    table: str
    columns: tuple[str, ...] | None = None
    title: str | None = None
    group_by: str | None = None
    where: tuple[tuple[str, str], ...] = ()  # keep data rows whose column matches a glob pattern
    group_titles: tuple[str, str] | None = None  # (table, column): a group's title is that table's row
    merge_repeats: tuple[str, ...] = ()  # columns whose repeated values print once per run of rows
    split_columns: int | None = None  # at most this many columns per printed table
    transpose: bool = False  # rows become columns


@dataclass(frozen=True, slots=True)
class KpiItem:
    figure: Ref
    label: str
    compare: Ref | None = None  # e.g. the obiettivo the figure is measured against
    compare_label: str = K.KPI_ITEM.default("compare_label")


@dataclass(frozen=True, slots=True)
class KpiBlockConfig:
    block_kind: ClassVar[str] = "kpi"
    items: tuple[KpiItem, ...]


@dataclass(frozen=True, slots=True)
class ReferenceConfig:
    """A reference line: a figure (``table.row.column``) or, for charts whose series are
    rows, a column of each row (its own obiettivo)."""

    label: str
    figure: Ref | None = None
    column: str | None = None


@dataclass(frozen=True, slots=True)
class ChartBlockConfig:
    block_kind: ClassVar[str] = "chart"
    kind: str  # the chart's own kind: pie, bar, … (CHART_KINDS)
    table: str
    title: str | None = None
    labels: str | None = None  # rows are categories, named by this column...
    values: tuple[str, ...] = ()  # ...and each of these columns is a series
    x: tuple[str, ...] = ()  # or: these columns are the categories...
    series_rows: tuple[str, ...] = ()  # ...and these rows the series
    rows: tuple[str, ...] = ()  # keep only these rows (ids)
    where: tuple[tuple[str, str], ...] = ()  # keep rows whose column matches a glob pattern
    sort: str | None = None  # asc / desc, by the first series
    reference: ReferenceConfig | None = None
    size: str = K.CHART.default("size")  # full (page or slide width) or half




@dataclass(frozen=True, slots=True)
class Signatory:
    role: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SignatureBlockConfig:
    block_kind: ClassVar[str] = "signature"
    signatories: tuple[Signatory, ...]
    place: str | None = None
    date: _dt.date | None = None


BlockConfig = TextBlockConfig | TableBlockConfig | KpiBlockConfig | ChartBlockConfig | SignatureBlockConfig


def parse_figure_ref(text: str) -> Ref | None:
    """``table.row.column`` (the ``@`` of data cells is optional here)."""
    text = text.strip()
    try:
        return parse_ref(text if text.startswith("@") else f"@{text}")
    except CellError:
        return None


def _where(spec: Spec) -> tuple[tuple[str, str], ...]:
    raw = spec.raw("where") or {}
    if not isinstance(raw, dict):
        spec.error("expected a mapping of column to glob pattern", "where")
        return ()
    where = tuple((str(k), str(v)) for k, v in raw.items())
    for column, pattern in where:
        found = control_character(column, True) or control_character(pattern, True)
        if found:
            spec.error(f"contains a control character ({found})", "where")
            return ()
    return where


def _parse_text(spec: Spec, section_id: str) -> TextBlockConfig:
    block = TextBlockConfig(spec.text("text"))
    spec.reject_unknown(K.TEXT_BLOCK.names)
    return block


def _parse_table(spec: Spec, section_id: str) -> TableBlockConfig:
    keys = K.TABLE_BLOCK
    columns = spec.names("columns", None) if spec.has("columns") else keys.default("columns")
    group_titles = None
    if spec.has("group_titles"):
        parts = spec.text("group_titles").split(".")
        if len(parts) != 2 or not all(parts):
            spec.error("expected table.column", "group_titles")
        else:
            group_titles = (parts[0], parts[1])
    block = TableBlockConfig(spec.text("table"), tuple(columns) if columns else None,
                             spec.line("title", keys.default("title")), spec.text("group_by", keys.default("group_by")),
                             _where(spec), group_titles, spec.names("merge_repeats", keys.default("merge_repeats")),
                             spec.integer("split_columns", keys.default("split_columns")),
                             spec.boolean("transpose", keys.default("transpose")))
    if block.split_columns is not None and block.split_columns < 2:
        spec.error("expected at least 2 columns (the label column and one more)", "split_columns")
    # keys accepted here but without effect in this combination are errors, never silent
    if block.group_titles and not block.group_by:
        spec.error("titles the groups of group_by; without group_by it has no effect", "group_titles")
    if block.transpose:
        for key in ("group_by", "merge_repeats"):
            if getattr(block, key):
                spec.error("a transposed table has no groups nor repeated cells to merge; with transpose it has "
                           "no effect", key)
    spec.reject_unknown(keys.names)
    return block


def _parse_kpi(spec: Spec, section_id: str) -> KpiBlockConfig:
    items: list[KpiItem] = []
    for index, raw in enumerate(spec.items("kpi")):
        item = spec.item(raw, index, "kpi")
        figure = parse_figure_ref(item.text("figure"))
        if figure is None:
            item.error("expected table.row.column", "figure")
            continue
        compare = None
        if item.has("compare"):
            compare = parse_figure_ref(item.text("compare"))
            if compare is None:
                item.error("expected table.row.column", "compare")
        items.append(KpiItem(figure, item.text("label"), compare,
                             item.text("compare_label", K.KPI_ITEM.default("compare_label"))))
        item.reject_unknown(K.KPI_ITEM.names)
    spec.reject_unknown(K.KPI_BLOCK.names)
    return KpiBlockConfig(tuple(items))


def _parse_signature(spec: Spec, section_id: str) -> SignatureBlockConfig | None:
    spec.reject_unknown(K.SIGNATURE_BLOCK.names)
    if not isinstance(spec.raw("signature"), dict):
        spec.error("expected {place, date, signatories}", "signature")
        return None
    block = spec.child("signature")
    signatories = []
    for index, raw in enumerate(block.items("signatories")):
        item = block.item(raw, index, "signatories")
        signatories.append(Signatory(item.line("role"), item.line("name", K.SIGNATORY.default("name"))))
        item.reject_unknown(K.SIGNATORY.names)
    if not signatories:
        block.error("at least one signatory", "signatories")
    date = block.raw("date")
    if date is not None and not isinstance(date, _dt.date):
        try:
            date = _dt.date.fromisoformat(str(date))
        except ValueError:
            block.error("expected a date as YYYY-MM-DD", "date")
            date = None
    config = SignatureBlockConfig(tuple(signatories), block.line("place", K.SIGNATURE.default("place")), date)
    block.reject_unknown(K.SIGNATURE.names)
    return config


def _check_nothing(block, section, schemas, narratives, errors: ErrorCollector) -> None:
    """A block that names no table or file."""


def _parse_reference(ref: Spec) -> ReferenceConfig:
    keys = K.REFERENCE
    figure = parse_figure_ref(ref.text("figure")) if ref.has("figure") else keys.default("figure")
    if ref.has("figure") and figure is None:
        ref.error("expected table.row.column", "figure")
    column = ref.text("column", keys.default("column"))
    if (figure is None) == (column is None):
        ref.error("give either a figure (table.row.column) or a column")
    reference = ReferenceConfig(ref.text("label", keys.default("label")), figure, column)
    ref.reject_unknown(keys.names)
    return reference


def _parse_chart(block: Spec, section_id: str) -> ChartBlockConfig:
    block.reject_unknown(K.CHART_BLOCK.names)
    spec = block.child("chart")
    keys = K.CHART
    kind = spec.text("kind")
    if kind not in keys["kind"].choices:
        spec.error(f"unknown chart kind '{kind}'; use one of {', '.join(CHART_KINDS)}", "kind")
    labels = spec.text("labels", keys.default("labels"))
    values = spec.names("values", keys.default("values"))
    x = spec.names("x", keys.default("x"))
    series_rows = spec.names("series_rows", keys.default("series_rows"))
    if bool(labels or values) == bool(x or series_rows):
        spec.error("give either labels + values (rows are categories) or x + series_rows (columns are categories)")
    elif labels and not values:
        spec.error("is required with labels", "values")
    elif x and not series_rows:
        spec.error("is required with x", "series_rows")
    sort = spec.text("sort", keys.default("sort"))
    if sort is not None and sort not in keys["sort"].choices:
        spec.error("expected 'asc' or 'desc'", "sort")
    size = spec.text("size", keys.default("size"))
    if size not in keys["size"].choices:
        spec.error("expected 'full' or 'half'", "size")
    reference = _parse_reference(spec.child("reference")) if spec.has("reference") else keys.default("reference")
    if spec.has("where") and (spec.has("rows") or spec.has("series_rows")):
        spec.error("the rows named by rows/series_rows are shown; with them 'where' has no effect", "where")
    if sort is not None and not labels:
        spec.error("sorts the rows of labels + values; with x + series_rows it has no effect", "sort")
    spec.reject_unknown(keys.names)
    return ChartBlockConfig(kind, spec.text("table"), spec.line("title", keys.default("title")), labels, values, x,
                            series_rows, spec.names("rows", keys.default("rows")), _where(spec), sort, reference,
                            size)


# -- references: what a block names must exist -----------------------------------------------------

def _check_text(block: TextBlockConfig, section, schemas: dict[str, TableSchema], narratives: dict[str, Any],
                errors: ErrorCollector) -> None:
    if block.file not in narratives:
        errors.add(f"section '{section.id}': narrative file '{block.file}' not found", Location("report.yaml"))


def _check_table(block: TableBlockConfig, section, schemas: dict[str, TableSchema], narratives: dict[str, Any],
                 errors: ErrorCollector) -> None:
    where = Location("report.yaml")
    schema = schemas.get(block.table)
    if schema is None:
        errors.add(f"section '{section.id}': unknown table '{block.table}'"
                   f" (no data/{block.table}{SCHEMA_SUFFIX})", where)
        return
    named = [*(block.columns or ()), block.group_by, *(c for c, _ in block.where), *block.merge_repeats]
    for column in filter(None, named):
        if column not in schema.columns:
            errors.add(f"section '{section.id}': table '{block.table}' has no column '{column}'", where)
    if block.group_titles:
        titles_table, titles_column = block.group_titles
        if titles_table not in schemas or titles_column not in schemas[titles_table].columns:
            errors.add(f"section '{section.id}': group_titles: no column '{titles_column}' "
                       f"in table '{titles_table}'", where)


def _check_kpi(block: KpiBlockConfig, section, schemas: dict[str, TableSchema], narratives: dict[str, Any],
               errors: ErrorCollector) -> None:
    for item in block.items:
        for ref in filter(None, (item.figure, item.compare)):
            if ref.table not in schemas:
                errors.add(f"section '{section.id}': unknown table '{ref.table}' in {ref}", Location("report.yaml"))


def _check_chart(block: ChartBlockConfig, section, schemas: dict[str, TableSchema], narratives: dict[str, Any],
                 errors: ErrorCollector) -> None:
    where = Location("report.yaml")
    schema = schemas.get(block.table)
    if schema is None:
        errors.add(f"section '{section.id}': chart of unknown table '{block.table}'", where)
        return
    named = [block.labels, *block.values, *block.x, *(c for c, _ in block.where)]
    if block.reference and block.reference.column:
        named.append(block.reference.column)
    for column in filter(None, named):
        if column not in schema.columns:
            errors.add(f"section '{section.id}': chart of table '{block.table}': no column '{column}'", where)
    if block.reference and block.reference.figure and block.reference.figure.table not in schemas:
        errors.add(f"section '{section.id}': chart reference to unknown table "
                   f"'{block.reference.figure.table}'", where)


# -- the registry ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BlockKind:
    name: str  # the key that introduces it in report.yaml
    config: type  # TextBlockConfig, ...
    parse: Callable[[Spec, str], Any]  # (spec, section_id) -> config | None; errors through spec
    check: Callable[..., None]  # (block, section, schemas, narratives, errors): its references exist
    outputs: frozenset[str] = frozenset(FORMATS)  # the outputs that can draw it
    doc: str = ""
    keys: tuple[K.Group, ...] = ()  # its report.yaml keys, for the reference


BLOCK_KINDS: dict[str, BlockKind] = {kind.name: kind for kind in (
    BlockKind("text", TextBlockConfig, _parse_text, _check_text, doc="narrative: Markdown with figures",
              keys=(K.TEXT_BLOCK,)),
    BlockKind("table", TableBlockConfig, _parse_table, _check_table, doc="a table, with its totals",
              keys=(K.TABLE_BLOCK,)),
    BlockKind("kpi", KpiBlockConfig, _parse_kpi, _check_kpi, doc="key figures, each with a comparison or not",
              keys=(K.KPI_BLOCK, K.KPI_ITEM)),
    BlockKind("chart", ChartBlockConfig, _parse_chart, _check_chart,
              doc="a chart of one table: SVG in the PDFs, a native chart in the deck",
              keys=(K.CHART_BLOCK, K.CHART, K.REFERENCE)),
    BlockKind("signature", SignatureBlockConfig, _parse_signature, _check_nothing,
              doc="place, date and signatories closing a document", keys=(K.SIGNATURE_BLOCK, K.SIGNATURE, K.SIGNATORY)),
)}


def kind_of(block_config: Any) -> BlockKind:
    """The registry entry of a parsed block."""
    for kind in BLOCK_KINDS.values():
        if type(block_config) is kind.config:
            return kind
    raise KeyError(f"{type(block_config).__name__} is not a registered kind of block")


def parse_block(spec: Spec, section_id: str) -> Any:
    """One entry of a section's ``blocks``: its first key that names a kind says which."""
    kind = next((kind for kind in BLOCK_KINDS.values() if spec.has(kind.name)), None)
    if kind is None:
        spec.error(f"a block is one of: {', '.join(BLOCK_KINDS)}")
        return None
    return kind.parse(spec, section_id)


def check_references(config, schemas: dict[str, TableSchema], narratives: dict[str, Any],
                     errors: ErrorCollector, unreadable: frozenset[str] = frozenset()) -> None:
    """Every table, column, figure and narrative file a block names exists. A block naming a table in
    ``unreadable`` (its schema has an error of its own, already reported) is not checked: it would
    only add an "unknown table" that sends the author looking in the wrong file."""
    for section in config.walk():
        for block in section.blocks:
            if unreadable and not unreadable.isdisjoint(_tables_named(block)):
                continue
            kind_of(block).check(block, section, schemas, narratives, errors)


def _tables_named(block: Any) -> set[str]:
    named = {getattr(block, "table", None)}
    for item in getattr(block, "items", None) or ():
        named.update(ref.table for ref in (getattr(item, "figure", None), getattr(item, "compare", None)) if ref)
    reference = getattr(block, "reference", None)
    if reference is not None and getattr(reference, "figure", None) is not None:
        named.add(reference.figure.table)
    named.discard(None)
    return named


def check_outputs(config, formats, errors: ErrorCollector) -> None:
    """A block that one of ``formats`` cannot draw is an error now, not a page without it."""
    for section in config.walk():
        for index, block in enumerate(section.blocks):
            kind = kind_of(block)
            missing = [fmt for fmt in formats if fmt in FORMATS and fmt not in kind.outputs]
            if missing:
                errors.add(f"section '{section.id}': blocks[{index}]: a {kind.name} block cannot be drawn in "
                           f"{', '.join(missing)}; leave it out of the section or {', '.join(missing)} out of "
                           "outputs", Location("report.yaml"))
