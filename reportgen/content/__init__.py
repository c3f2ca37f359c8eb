"""Stage 3, content: the project's sections, narratives and computed tables become one
document tree (:class:`~reportgen.content.model.Report`) that every output renders."""

from __future__ import annotations

from ..engine import EngineResult
from ..errors import ErrorCollector
from ..formatting import Formatter, NumberStyle
from ..load import LoadedProject
from ..load.config import ProjectConfig, SectionConfig
from .blocks import BlockContext, build_block
from .dates import document_date as document_date  # re-exported: the date every output prints
from .model import KpiBlock as KpiBlock
from .model import Report, ReportMeta, Section, TableBlock, TextBlock
from .narrative import NarrativeRenderer
from .numbering import section_number

__all__ = ["build_report", "Report", "Section", "TableBlock", "TextBlock", "KpiBlock"]


def formatter_for(config: ProjectConfig) -> Formatter:
    return Formatter(NumberStyle(locale=config.locale, percent_space=config.percent_space,
                                 currency_position=config.currency_position, missing=config.missing))


def _section(config: SectionConfig, numbers: dict[str, str], loaded: LoadedProject, result: EngineResult,
             narratives: NarrativeRenderer, errors: ErrorCollector) -> Section:
    ctx = BlockContext(config, loaded, result, narratives, errors)
    for block in config.blocks:
        built = build_block(block, ctx)
        if isinstance(built, tuple):  # one block of report.yaml printed as several (a table split)
            ctx.built.extend(built)
        elif built is not None:
            ctx.built.append(built)
    children = tuple(_section(child, numbers, loaded, result, narratives, errors) for child in config.children)
    return Section(config.id, config.title, config.level, numbers[config.id], tuple(ctx.built), children,
                   config.note)


def section_numbers(config: ProjectConfig) -> dict[str, str]:
    """The printed number of every section (``""`` for an unnumbered one), by id, in the styles
    of ``style.numbering``; a section built alone keeps its number from the full report."""
    numbers: dict[str, str] = {}

    def visit(sections, above: tuple[int, ...]) -> None:
        count = 0
        for section in sections:
            count += section.numbered
            counters = (*above, count if section.numbered else 0)
            numbers[section.id] = section_number(counters, config.numbering)
            visit(section.children, counters)

    visit(config.sections, ())
    return numbers


def build_report(loaded: LoadedProject, result: EngineResult, only: str | None = None) -> Report:
    """Assemble the document tree; ``only`` keeps one section (with its subsections) and
    keeps its number from the full report. Raises InputErrors for narrative problems."""
    config = loaded.config
    errors = ErrorCollector()
    narratives = NarrativeRenderer(result, formatter_for(config), config.root, config.unit)
    numbers = section_numbers(config)
    chosen = config.sections if only is None else [config.section(only)]
    sections = [_section(section, numbers, loaded, result, narratives, errors) for section in chosen]
    errors.raise_if_any()
    approval = config.approval
    meta = ReportMeta(config.name, config.administration, config.title, config.year, config.subtitle,
                      approval.body, approval.act, approval.date, document_date(config),
                      config.locale, config.theme, config.license.name, config.open_data_url, config.protocol)
    return Report(meta, tuple(sections), partial=only is not None)
