"""Stage 3, content: the project's sections, narratives and computed tables become one
document tree (:class:`~reportgen.content.model.Report`) that every output renders."""

from __future__ import annotations

import datetime as _dt
import os

from ..engine import EngineResult
from ..errors import ErrorCollector
from ..formatting import Formatter, NumberStyle
from ..load import LoadedProject
from ..load.config import ProjectConfig, SectionConfig
from .blocks import BlockContext, build_block
from .model import KpiBlock as KpiBlock
from .model import Report, ReportMeta, Section, TableBlock, TextBlock
from .narrative import NarrativeRenderer

__all__ = ["build_report", "Report", "Section", "TableBlock", "TextBlock", "KpiBlock"]


def formatter_for(config: ProjectConfig) -> Formatter:
    return Formatter(NumberStyle(locale=config.locale, percent_space=config.percent_space,
                                 currency_position=config.currency_position))


def _section(config: SectionConfig, number: str, loaded: LoadedProject, result: EngineResult,
             narratives: NarrativeRenderer, errors: ErrorCollector) -> Section:
    ctx = BlockContext(config, loaded, result, narratives, errors)
    for block in config.blocks:
        built = build_block(block, ctx)
        if built is not None:
            ctx.built.append(built)
    children = tuple(_section(child, f"{number}.{i}", loaded, result, narratives, errors)
                     for i, child in enumerate(config.children, start=1))
    return Section(config.id, config.title, config.level, number, tuple(ctx.built), children)


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

