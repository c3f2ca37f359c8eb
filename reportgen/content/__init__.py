"""Stage 3, content: the project's sections, narratives and computed tables become one
document tree (:class:`~reportgen.content.model.Report`) that every output renders."""

from __future__ import annotations

import datetime as _dt
import os
from fnmatch import fnmatchcase

from ..engine import EngineResult
from ..errors import ErrorCollector, InputError, Location
from ..formatting import Formatter
from ..load import LoadedProject
from ..load.config import (
    ChartBlockConfig,
    KpiBlockConfig,
    ProjectConfig,
    SectionConfig,
    TableBlockConfig,
    TextBlockConfig,
)
from ..load.tables import row_id
from .chartspec import build_chart
from .model import (
    Block,
    ChartBlock,
    Column,
    KpiBlock,
    KpiItem,
    Report,
    ReportMeta,
    Section,
    TableBlock,
    TableRow,
    TextBlock,
)
from .narrative import NarrativeRenderer

__all__ = ["build_report", "Report", "Section", "TableBlock", "TextBlock", "KpiBlock"]


def formatter_for(config: ProjectConfig) -> Formatter:
    from ..formatting import NumberStyle

    return Formatter(NumberStyle(locale=config.locale, percent_space=config.percent_space,
                                 currency_position=config.currency_position))


def _group_title(value: object, block: TableBlockConfig, result: EngineResult) -> str | None:
    if value is None:
        return None
    if block.group_titles is None:
        return str(value)
    titles_table, titles_column = block.group_titles
    figure = result.tables[titles_table].figure(row_id(str(value)), titles_column)
    return f"{value} – {figure.value}" if figure is not None and figure.value else str(value)


def _table_block(block: TableBlockConfig, result: EngineResult) -> TableBlock:
    table = result.tables[block.table]
    schema = table.schema
    display = schema.display or {}
    names = list(block.columns or display.get("columns") or [c for c in table.columns])
    group_by = block.group_by or display.get("group_by")
    if group_by in names:
        names.remove(group_by)
    columns = tuple(Column(n, table.columns[n].label, table.columns[n].type, table.columns[n].unit)
                    for n in names if n in table.columns)
    rows = []
    for row in table.rows:
        if row.kind == "data" and not all(fnmatchcase(str(row.value(c) or ""), p) for c, p in block.where):
            continue
        group = _group_title(row.value(group_by), block, result) if group_by else None
        rows.append(TableRow(row.id, row.kind, tuple(row.figures.get(c.name) for c in columns), group))
    merge = tuple(block.merge_repeats or display.get("merge_repeats") or ())
    group_label = table.columns[group_by].label if group_by in table.columns else None
    return TableBlock(table.id, block.title or schema.title, columns, tuple(rows), schema.note, group_by, merge,
                      group_label)


def _kpi_block(block: KpiBlockConfig, result: EngineResult, errors: ErrorCollector) -> KpiBlock:
    items = []
    for item in block.items:
        figure = result.figure(item.figure.id)
        if figure is None:
            errors.add(f"kpi: no figure {item.figure.id}", Location("report.yaml"))
            continue
        compare = result.figure(item.compare.id) if item.compare else None
        if item.compare and compare is None:
            errors.add(f"kpi: no figure {item.compare.id}", Location("report.yaml"))
        items.append(KpiItem(item.label, figure, compare, item.compare_label))
    return KpiBlock(tuple(items))


def _section(config: SectionConfig, number: str, loaded: LoadedProject, result: EngineResult,
             narratives: NarrativeRenderer, errors: ErrorCollector) -> Section:
    blocks: list[Block] = []
    for block in config.blocks:
        if isinstance(block, TextBlockConfig):
            try:
                narrative = loaded.narratives[block.file]
                blocks.append(TextBlock(narratives.render(block.file, narrative.text, config.level)))
            except InputError as exc:
                errors.extend([exc])
        elif isinstance(block, TableBlockConfig):
            blocks.append(_table_block(block, result))
        elif isinstance(block, KpiBlockConfig):
            blocks.append(_kpi_block(block, result, errors))
        elif isinstance(block, ChartBlockConfig):
            chart_id = f"{config.id}-{sum(isinstance(b, ChartBlock) for b in blocks) + 1}"
            spec = build_chart(block, chart_id, result, narratives.formatter, errors)
            if spec is not None:
                blocks.append(ChartBlock(spec))
    children = tuple(_section(child, f"{number}.{i}", loaded, result, narratives, errors)
                     for i, child in enumerate(config.children, start=1))
    return Section(config.id, config.title, config.level, number, tuple(blocks), children)


def build_report(loaded: LoadedProject, result: EngineResult, only: str | None = None) -> Report:
    """Assemble the document tree; ``only`` keeps one section (with its subsections) and
    keeps its number from the full report. Raises InputErrors for narrative problems."""
    config = loaded.config
    errors = ErrorCollector()
    narratives = NarrativeRenderer(result, formatter_for(config), config.root)
    sections = []
    for index, section in enumerate(config.sections, start=1):
        if only is not None:
            found = _find(section, only, str(index))
            if found is None:
                continue
            section, number = found
        else:
            number = str(index)
        sections.append(_section(section, number, loaded, result, narratives, errors))
    errors.raise_if_any()
    approval = config.approval
    meta = ReportMeta(config.name, config.administration, config.title, config.year, config.subtitle,
                      approval.body, approval.act, approval.date, document_date(config),
                      config.locale, config.theme, config.license.name, config.open_data_url)
    return Report(meta, tuple(sections), partial=only is not None)


def document_date(config: ProjectConfig) -> _dt.date:
    """The date written into every output: ``document_date`` or the approval date from
    report.yaml, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else 1 January of the year
    after the one reported on. Never the clock: the same inputs give the same bytes."""
    if config.document_date or config.approval.date:
        return config.document_date or config.approval.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC).date()
    return _dt.date(config.year + 1, 1, 1)


def _find(section: SectionConfig, section_id: str, number: str):
    if section.id == section_id:
        return section, number
    for i, child in enumerate(section.children, start=1):
        found = _find(child, section_id, f"{number}.{i}")
        if found:
            return found
    return None

