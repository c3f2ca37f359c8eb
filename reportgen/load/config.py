"""``report.yaml``: who publishes the report, for which year, in which style, and the ordered
tree of sections with the blocks (narrative, tables, key figures) each one shows.

Every key is declared once here with its type and default; unknown keys are reported, since
they are usually typos. All problems are collected and reported together.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ErrorCollector, InputErrors, Location
from .files import MAX_YAML_BYTES, check_input
from .values import CellError, Ref, parse_ref
from .yamlspec import Spec, read_yaml

# standard: tagged PDF/UA-1; archival: PDF/A-3u and PDF/UA-1 in one file, with the tables attached
PDF_PROFILES = ("standard", "archival")
FORMATS = ("pdf", "pptx", "slides")  # A4 PDF, PowerPoint deck, 16:9 slide-format PDF
SECTION_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class Approval:
    body: str | None = None
    act: str | None = None
    date: _dt.date | None = None


@dataclass(frozen=True, slots=True)
class License:
    """The licence of the open data export (an entry of a Frictionless ``licenses`` list)."""

    name: str  # an SPDX identifier, e.g. CC-BY-4.0
    path: str | None = None  # the licence text
    title: str | None = None


# CC BY 4.0 is what the AgID open data guidelines suggest for public sector data (and assume when
# none is given); the others are the usual alternatives, known by their SPDX identifier.
KNOWN_LICENSES = {
    "CC-BY-4.0": License("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/",
                         "Creative Commons Attribution 4.0 International"),
    "CC0-1.0": License("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
                       "Creative Commons Zero v1.0 Universal"),
    "CC-BY-SA-4.0": License("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/",
                            "Creative Commons Attribution Share Alike 4.0 International"),
}
DEFAULT_LICENSE = KNOWN_LICENSES["CC-BY-4.0"]


# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
DEFAULT_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass(frozen=True, slots=True)
class Validation:
    """The OIV's act validating the Relazione (art. 14, c. 4, lett. c, D.Lgs. 150/2009)."""

    body: str | None = None
    act: str | None = None
    date: _dt.date | None = None


# What a project is: the Relazione sulla Performance (checked against the DFP guidelines and
# what the OIV validates), or a shorter document such as a key-numbers abstract, which the OIV
# does not validate (only its figures are checked).
DOCUMENTS = ("relazione", "abstract")

# The parts of a Relazione expected by the DFP "Linee guida per la Relazione annuale sulla
# performance" n. 3/2018 (and, for the bilancio di genere, art. 10 D.Lgs. 150/2009), by the id
# report.yaml gives them under ``dfp:``.
DFP_PARTS = {
    "principali-risultati": "Principali risultati",
    "contesto-risorse": "Contesto e risorse",
    "performance-organizzativa": "Performance organizzativa",
    "performance-individuale": "Performance individuale",
    "processo-misurazione": "Processo di misurazione e valutazione",
    "bilancio-genere": "Bilancio di genere",
}


@dataclass(frozen=True, slots=True)
class DfpPart:
    """How the report covers one part of the DFP guidelines: the sections that do, or the
    reason why it does not apply."""

    sections: tuple[str, ...] = ()
    not_applicable: str | None = None


@dataclass(frozen=True, slots=True)
class Theme:
    primary: str = "#0b4f8a"
    accent: str = "#c0392b"
    text: str = "#1a1a1a"
    muted: str = "#5b6670"
    logo: str | None = None  # path inside the project
    palette: tuple[str, ...] = DEFAULT_PALETTE  # chart series colours
    pptx_template: str | None = None  # a corporate .pptx inside the project: its masters and layouts


@dataclass(frozen=True, slots=True)
class TextBlockConfig:
    file: str  # relative to the project


@dataclass(frozen=True, slots=True)
class TableBlockConfig:
    table: str
    columns: tuple[str, ...] | None = None
    title: str | None = None
    group_by: str | None = None
    where: tuple[tuple[str, str], ...] = ()  # keep data rows whose column matches a glob pattern
    group_titles: tuple[str, str] | None = None  # (table, column): a group's title is that table's row
    merge_repeats: tuple[str, ...] = ()  # columns whose repeated values print once per run of rows


@dataclass(frozen=True, slots=True)
class KpiItem:
    figure: Ref
    label: str
    compare: Ref | None = None  # e.g. the obiettivo the figure is measured against
    compare_label: str = "obiettivo"


@dataclass(frozen=True, slots=True)
class KpiBlockConfig:
    items: tuple[KpiItem, ...]


CHART_KINDS = ("pie", "donut", "bar", "hbar", "trend", "stacked")


@dataclass(frozen=True, slots=True)
class ReferenceConfig:
    """A reference line: a figure (``table.row.column``) or, for charts whose series are
    rows, a column of each row (its own obiettivo)."""

    label: str
    figure: Ref | None = None
    column: str | None = None


@dataclass(frozen=True, slots=True)
class ChartBlockConfig:
    kind: str
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
    size: str = "full"  # full (page or slide width) or half


BlockConfig = TextBlockConfig | TableBlockConfig | KpiBlockConfig | ChartBlockConfig


@dataclass(frozen=True, slots=True)
class SectionConfig:
    id: str
    title: str
    blocks: tuple[BlockConfig, ...]
    children: tuple[SectionConfig, ...] = ()
    level: int = 1

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    root: Path
    name: str
    administration: str
    year: int
    title: str
    subtitle: str | None
    locale: str
    percent_space: bool
    currency_position: str
    decimal_mark: str
    approval: Approval
    theme: Theme
    outputs: tuple[str, ...]
    sections: tuple[SectionConfig, ...]
    document_date: _dt.date | None = None
    license: License = DEFAULT_LICENSE  # of the open data export (open_data.license)
    extra: dict[str, Any] = field(default_factory=dict)
    validation: Validation = Validation()
    document: str = "relazione"  # one of DOCUMENTS
    dfp: dict[str, DfpPart] = field(default_factory=dict)  # by DFP_PARTS id; a part not listed is missing
    pdf_profile: str = "standard"  # one of PDF_PROFILES (pdf.profile)
    open_data_url: str | None = None  # where the open data are published (open_data.url), for the colophon

    def walk(self):
        for section in self.sections:
            yield from section.walk()

    def section(self, section_id: str) -> SectionConfig | None:
        return next((s for s in self.walk() if s.id == section_id), None)


def parse_figure_ref(text: str) -> Ref | None:
    """``table.row.column`` (the ``@`` of data cells is optional here)."""
    text = text.strip()
    try:
        return parse_ref(text if text.startswith("@") else f"@{text}")
    except CellError:
        return None


def _parse_date(spec: Spec, key: str) -> _dt.date | None:
    value = spec.raw(key)
    if value is None:
        return None
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        spec.error("expected a date as YYYY-MM-DD", key)
        return None


def _parse_license(spec: Spec) -> License:
    """``open_data: {license: CC-BY-4.0}``, or a licence not in KNOWN_LICENSES as
    ``{name: …, path: https://…, title: …}``."""
    raw = spec.raw("license")
    if raw is None:
        return DEFAULT_LICENSE
    if isinstance(raw, str) and raw.strip():
        known = {k.lower(): v for k, v in KNOWN_LICENSES.items()}
        return known.get(raw.strip().lower(), License(raw.strip()))
    if isinstance(raw, dict):
        item = spec.child("license")
        license_ = License(item.text("name"), item.text("path", None), item.text("title", None))
        item.reject_unknown()
        return license_
    spec.error("expected a licence identifier (e.g. CC-BY-4.0) or {name, path, title}", "license")
    return DEFAULT_LICENSE


def _parse_block(spec: Spec, section_id: str) -> BlockConfig | None:
    if spec.has("text"):
        block = TextBlockConfig(spec.text("text"))
        spec.reject_unknown({"text"})
        return block
    if spec.has("table"):
        columns = spec.names("columns", None) if spec.has("columns") else None
        group_titles = None
        if spec.has("group_titles"):
            parts = spec.text("group_titles").split(".")
            if len(parts) != 2 or not all(parts):
                spec.error("expected table.column", "group_titles")
            else:
                group_titles = (parts[0], parts[1])
        block = TableBlockConfig(spec.text("table"), tuple(columns) if columns else None,
                                 spec.text("title", None), spec.text("group_by", None),
                                 _where(spec), group_titles, spec.names("merge_repeats", ()))
        spec.reject_unknown({"table", "columns", "title", "group_by", "where", "group_titles", "merge_repeats"})
        return block
    if spec.has("kpi"):
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
            items.append(KpiItem(figure, item.text("label"), compare, item.text("compare_label", "obiettivo")))
            item.reject_unknown({"figure", "label", "compare", "compare_label"})
        return KpiBlockConfig(tuple(items))
    if spec.has("chart"):
        return _parse_chart(spec.child("chart"))
    spec.error("a block is one of: text, table, kpi, chart")
    return None


def _where(spec: Spec) -> tuple[tuple[str, str], ...]:
    raw = spec.raw("where") or {}
    if not isinstance(raw, dict):
        spec.error("expected a mapping of column to glob pattern", "where")
        return ()
    return tuple((str(k), str(v)) for k, v in raw.items())


def _parse_chart(spec: Spec) -> ChartBlockConfig | None:
    kind = spec.text("kind")
    if kind not in CHART_KINDS:
        spec.error(f"unknown chart kind '{kind}'; use one of {', '.join(CHART_KINDS)}", "kind")
    labels = spec.text("labels", None)
    values = spec.names("values", ())
    x = spec.names("x", ())
    series_rows = spec.names("series_rows", ())
    if bool(labels or values) == bool(x or series_rows):
        spec.error("give either labels + values (rows are categories) or x + series_rows (columns are categories)")
    elif labels and not values:
        spec.error("is required with labels", "values")
    elif x and not series_rows:
        spec.error("is required with x", "series_rows")
    sort = spec.text("sort", None)
    if sort not in (None, "asc", "desc"):
        spec.error("expected 'asc' or 'desc'", "sort")
    size = spec.text("size", "full")
    if size not in ("full", "half"):
        spec.error("expected 'full' or 'half'", "size")
    reference = None
    if spec.has("reference"):
        ref = spec.child("reference")
        figure = parse_figure_ref(ref.text("figure")) if ref.has("figure") else None
        if ref.has("figure") and figure is None:
            ref.error("expected table.row.column", "figure")
        column = ref.text("column", None)
        if (figure is None) == (column is None):
            ref.error("give either a figure (table.row.column) or a column")
        reference = ReferenceConfig(ref.text("label", "Obiettivo"), figure, column)
        ref.reject_unknown({"figure", "column", "label"})
    spec.reject_unknown({"kind", "table", "title", "labels", "values", "x", "series_rows", "rows", "where",
                         "sort", "reference", "size"})
    return ChartBlockConfig(kind, spec.text("table"), spec.text("title", None), labels, values, x, series_rows,
                            spec.names("rows", ()), _where(spec), sort, reference, size)


def _parse_section(spec: Spec, level: int, seen: dict[str, str]) -> SectionConfig | None:
    section_id = spec.text("id")
    if section_id and not SECTION_ID.match(section_id):
        spec.error("section ids are lowercase letters, digits, - and _", "id")
    if section_id in seen:
        spec.error(f"duplicate section id '{section_id}' (also at {seen[section_id]})", "id")
    seen[section_id] = spec.where()
    blocks: list[BlockConfig] = []
    if spec.has("blocks"):
        for index, raw in enumerate(spec.items("blocks")):
            block = _parse_block(spec.item(raw, index, "blocks"), section_id)
            if block is not None:
                blocks.append(block)
    else:
        blocks.append(TextBlockConfig(f"text/{section_id}.md"))
    children = []
    for index, raw in enumerate(spec.items("sections")):
        child = _parse_section(spec.item(raw, index, "sections"), level + 1, seen)
        if child is not None:
            children.append(child)
    spec.reject_unknown({"id", "title", "blocks", "sections"})
    return SectionConfig(section_id, spec.text("title"), tuple(blocks), tuple(children), level)


def _parse_dfp(spec: Spec, section_ids: set[str]) -> dict[str, DfpPart]:
    """``dfp:`` maps each part of the DFP guidelines to the ids of the sections covering it, or
    to ``{not_applicable: REASON}``."""
    raw = spec.raw("dfp")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        spec.error("expected a mapping of DFP part to section ids", "dfp")
        return {}
    dfp = spec.child("dfp")
    parts: dict[str, DfpPart] = {}
    for key, value in raw.items():
        key = str(key)
        if key not in DFP_PARTS:
            dfp.error(f"unknown part of the DFP guidelines; use one of {', '.join(DFP_PARTS)}", key)
            continue
        if isinstance(value, dict):
            part = dfp.child(key)
            reason = part.text("not_applicable", None)
            part.reject_unknown({"not_applicable"})
            if reason is None or not reason.strip():
                part.error("give the reason why this part does not apply", "not_applicable")
            else:
                parts[key] = DfpPart(not_applicable=reason.strip())
            continue
        sections = dfp.names(key, ())
        if not sections:
            if value is None or isinstance(value, str | list):  # anything else was reported by names()
                dfp.error("give the ids of the sections covering it, or not_applicable: REASON", key)
            continue
        unknown = [s for s in sections if s not in section_ids]
        for section_id in unknown:
            dfp.error(f"unknown section '{section_id}'", key)
        if not unknown:
            parts[key] = DfpPart(sections=tuple(dict.fromkeys(sections)))
    return parts


def load_project_config(root: Path, errors: ErrorCollector | None = None) -> ProjectConfig:
    """Read and validate ``report.yaml``; raises :class:`InputErrors` listing every problem."""
    own = errors is None
    if errors is None:
        errors = ErrorCollector()
    root = root.resolve()
    if not root.is_dir():
        errors.add("is not a folder", Location(str(root)))
        errors.raise_if_any()
    before = len(errors.errors)
    if not check_input(root, root / "report.yaml", "report.yaml", errors, MAX_YAML_BYTES, missing_ok=True):
        raise InputErrors(errors.errors)  # a link leaving the project, a folder, a FIFO: never opened
    data = read_yaml(root / "report.yaml", "report.yaml", errors)
    if len(errors.errors) > before:  # unreadable: every key would be reported missing, which is noise
        raise InputErrors(errors.errors)
    spec = Spec(data, "report.yaml", errors)
    year = spec.integer("year")
    locale = spec.text("locale", "it_IT")
    try:
        from babel import Locale

        Locale.parse(locale)
    except Exception:
        spec.error(f"unknown locale '{locale}'", "locale")
    style = spec.child("style")
    percent_space = style.boolean("percent_space", True)
    currency_position = style.text("currency_position", "prefix")
    if currency_position not in ("prefix", "suffix"):
        style.error("expected 'prefix' or 'suffix'", "currency_position")
    theme_spec = style.child("colors")
    theme_values = {}
    for key in ("primary", "accent", "text", "muted"):
        value = theme_spec.text(key, None)
        if value is not None:
            if not _COLOR.match(value):
                theme_spec.error("expected a colour as #rrggbb", key)
            else:
                theme_values[key] = value
    theme_spec.reject_unknown()
    palette = style.names("palette", DEFAULT_PALETTE)
    for colour in palette:
        if not _COLOR.match(colour):
            style.error(f"'{colour}' is not a colour as #rrggbb", "palette")
    if palette and all(_COLOR.match(c) for c in palette):
        theme_values["palette"] = tuple(palette)
    logo = style.text("logo", None)
    if logo is not None and not (root / logo).resolve().is_relative_to(root):
        style.error("the logo must be a file inside the project folder", "logo")
    template = style.text("pptx_template", None)
    if template is not None:
        path = (root / template).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            style.error(f"'{template}' is not a file inside the project folder", "pptx_template")
        elif path.suffix.lower() != ".pptx":
            style.error("the template must be a .pptx file (save a .potx as .pptx)", "pptx_template")
    style.reject_unknown()
    theme = Theme(**theme_values, logo=logo, pptx_template=template)
    data_spec = spec.child("data")
    decimal_mark = data_spec.text("decimal_mark", ",")
    if decimal_mark not in (",", "."):
        data_spec.error("expected ',' or '.'", "decimal_mark")
    data_spec.reject_unknown()
    approval_spec = spec.child("approval")
    approval = Approval(approval_spec.text("body", None), approval_spec.text("act", None),
                        _parse_date(approval_spec, "date"))
    approval_spec.reject_unknown()
    validation_spec = spec.child("validation")
    validation = Validation(validation_spec.text("body", None), validation_spec.text("act", None),
                            _parse_date(validation_spec, "date"))
    validation_spec.reject_unknown()
    document = spec.text("document", "relazione")
    if document not in DOCUMENTS:
        spec.error(f"expected one of {', '.join(DOCUMENTS)}", "document")
    open_data = spec.child("open_data")
    license_ = _parse_license(open_data)
    open_data_url = open_data.text("url", None)
    if open_data_url is not None and not re.match(r"^https?://[^\s<>\"']+$", open_data_url):
        open_data.error("expected a web address (http:// or https://)", "url")
    open_data.reject_unknown()
    pdf_spec = spec.child("pdf")
    pdf_profile = pdf_spec.text("profile", "standard")
    if pdf_profile not in PDF_PROFILES:
        pdf_spec.error(f"expected one of {', '.join(PDF_PROFILES)}", "profile")
    pdf_spec.reject_unknown()
    outputs = spec.names("outputs", ("pdf", "pptx"))
    for fmt in outputs:
        if fmt not in FORMATS:
            spec.error(f"unknown output '{fmt}'; use {', '.join(FORMATS)}", "outputs")
    seen: dict[str, str] = {}
    sections = []
    for index, raw in enumerate(spec.items("sections")):
        section = _parse_section(spec.item(raw, index, "sections"), 1, seen)
        if section is not None:
            sections.append(section)
    if not sections and not errors:
        spec.error("a report needs at least one section", "sections")
    name = spec.text("name", root.name)
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", name):
        spec.error("the name is used for file names: letters, digits, '.', '-' and '_'", "name")
    config = ProjectConfig(
        root=root,
        name=name,
        administration=spec.text("administration"),
        year=year,
        title=spec.text("title"),
        subtitle=spec.text("subtitle", None),
        locale=locale,
        percent_space=percent_space,
        currency_position=currency_position,
        decimal_mark=decimal_mark,
        approval=approval,
        theme=theme,
        outputs=tuple(outputs),
        sections=tuple(sections),
        validation=validation,
        document=document,
        dfp=_parse_dfp(spec, set(seen)),
        document_date=_parse_date(spec, "document_date"),
        license=license_,
        pdf_profile=pdf_profile,
        open_data_url=open_data_url,
    )
    spec.reject_unknown()
    if own:
        errors.raise_if_any()
    return config


__all__ = ["ProjectConfig", "SectionConfig", "load_project_config", "InputErrors"]
