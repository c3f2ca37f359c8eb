"""``report.yaml``: who publishes the report, for which year, in which style, and the ordered
tree of sections with the blocks (narrative, tables, key figures) each one shows.

Every key is declared once, with its type, default and doc, in ``keys.py``, and every kind of
block in ``blocks.py``; this module parses and checks. Unknown keys are reported, since they are
usually typos. All problems are collected and reported together.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ErrorCollector, InputErrors, Location
from . import keys as K
from .blocks import (  # noqa: F401 - the block configurations are part of the project model
    BlockConfig,
    ChartBlockConfig,
    KpiBlockConfig,
    KpiItem,
    ReferenceConfig,
    TableBlockConfig,
    TextBlockConfig,
    check_outputs,
    parse_block,
    parse_figure_ref,
)
from .files import MAX_YAML_BYTES, check_input
from .keys import CHART_KINDS, DEFAULT_PALETTE, DFP_PARTS, DOCUMENTS, FORMATS, PDF_PROFILES  # noqa: F401
from .pictures import picture_problem, template_problem
from .yamlspec import Spec, read_yaml

SECTION_ID = re.compile(r"[a-z][a-z0-9_-]*")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_URL = re.compile(r"https?://[^\s<>\"']+")


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
DEFAULT_LICENSE = KNOWN_LICENSES[K.OPEN_DATA.default("license")]


@dataclass(frozen=True, slots=True)
class Validation:
    """The OIV's act validating the Relazione (art. 14, c. 4, lett. c, D.Lgs. 150/2009)."""

    body: str | None = None
    act: str | None = None
    date: _dt.date | None = None


@dataclass(frozen=True, slots=True)
class DfpPart:
    """How the report covers one part of the DFP guidelines: the sections that do, or the
    reason why it does not apply."""

    sections: tuple[str, ...] = ()
    not_applicable: str | None = None


@dataclass(frozen=True, slots=True)
class Theme:
    primary: str = K.COLORS.default("primary")
    accent: str = K.COLORS.default("accent")
    text: str = K.COLORS.default("text")
    muted: str = K.COLORS.default("muted")
    logo: str | None = K.STYLE.default("logo")  # path inside the project
    emblem: str | None = K.STYLE.default("emblem")  # path inside the project
    palette: tuple[str, ...] = K.STYLE.default("palette")  # chart series colours
    pptx_template: str | None = K.STYLE.default("pptx_template")  # a corporate .pptx: its masters and layouts


@dataclass(frozen=True, slots=True)
class Repeat:
    """``repeat:``: the document is built once per row of ``table`` (see reportgen.batch)."""

    table: str
    id: str = K.REPEAT.default("id")
    title: str = K.REPEAT.default("title")
    column: str = K.REPEAT.default("column")
    banner_when: tuple[tuple[str, str], ...] = ()
    banner: str | None = None


@dataclass(frozen=True, slots=True)
class SectionConfig:
    id: str
    title: str
    blocks: tuple[BlockConfig, ...]
    children: tuple[SectionConfig, ...] = ()
    level: int = 1
    numbered: bool = True  # false: front matter without a number, not counted
    note: str | None = None  # a footnote to the heading

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
    document: str = K.REPORT.default("document")  # one of DOCUMENTS
    dfp: dict[str, DfpPart] = field(default_factory=dict)  # by DFP_PARTS id; a part not listed is missing
    pdf_profile: str = K.PDF.default("profile")  # one of PDF_PROFILES (pdf.profile)
    open_data_url: str | None = None  # where the open data are published (open_data.url), for the colophon
    numbering: tuple[str, ...] = K.STYLE.default("numbering")  # style.numbering: a style per level of sections
    protocol: str | None = None  # the document's protocol number
    missing: str = K.STYLE.default("missing")  # what a figure without a value prints (style.missing)
    repeat: Repeat | None = None  # one document per unit (repeat:)
    # the unit one document of a repeated project is about: column → printed text ({{ unit.nome }});
    # set by reportgen.batch, never read from report.yaml
    unit: dict[str, str] | None = None

    def walk(self):
        for section in self.sections:
            yield from section.walk()

    def section(self, section_id: str) -> SectionConfig | None:
        return next((s for s in self.walk() if s.id == section_id), None)


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
        name = spec.line("license")
        known = {k.lower(): v for k, v in KNOWN_LICENSES.items()}
        return known.get(name.strip().lower(), License(name.strip())) if name else DEFAULT_LICENSE
    if isinstance(raw, dict):
        item = spec.child("license")
        license_ = License(item.line("name"), item.text("path", K.LICENSE.default("path")),
                           item.line("title", K.LICENSE.default("title")))
        item.reject_unknown(K.LICENSE.names)
        return license_
    spec.error("expected a licence identifier (e.g. CC-BY-4.0) or {name, path, title}", "license")
    return DEFAULT_LICENSE


def _parse_act(spec: Spec, cls: type, keys: K.Group):
    """``approval`` or ``validation``: who, which act, when."""
    act = cls(spec.text("body", keys.default("body")), spec.text("act", keys.default("act")),
              _parse_date(spec, "date"))
    spec.reject_unknown(keys.names)
    return act


def _parse_section(spec: Spec, level: int, seen: dict[str, str]) -> SectionConfig | None:
    section_id = spec.line("id")
    if section_id and not SECTION_ID.fullmatch(section_id):
        spec.error("section ids are lowercase letters, digits, - and _", "id")
    if section_id in seen:
        spec.error(f"duplicate section id '{section_id}' (also at {seen[section_id]})", "id")
    seen[section_id] = spec.where()
    blocks: list[BlockConfig] = []
    if spec.has("blocks"):
        for index, raw in enumerate(spec.items("blocks")):
            block = parse_block(spec.item(raw, index, "blocks"), section_id)
            if block is not None:
                blocks.append(block)
    else:
        blocks.append(TextBlockConfig(f"text/{section_id}.md"))
    children = []
    for index, raw in enumerate(spec.items("sections")):
        child = _parse_section(spec.item(raw, index, "sections"), level + 1, seen)
        if child is not None:
            children.append(child)
    spec.reject_unknown(K.SECTION.names)
    return SectionConfig(section_id, spec.line("title"), tuple(blocks), tuple(children), level,
                         spec.boolean("numbered", K.SECTION.default("numbered")),
                         spec.text("note", K.SECTION.default("note")))


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
            part.reject_unknown(K.DFP_PART.names)
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


def _parse_theme(style: Spec, root: Path) -> Theme:
    theme_spec = style.child("colors")
    theme_values = {}
    for key in (k.name for k in K.COLORS.keys):
        value = theme_spec.line(key, None)
        if value is not None:
            if not _COLOR.fullmatch(value):
                theme_spec.error("expected a colour as #rrggbb", key)
            else:
                theme_values[key] = value
    theme_spec.reject_unknown(K.COLORS.names)
    palette = style.names("palette", K.STYLE.default("palette"))
    for colour in palette:
        if not _COLOR.fullmatch(colour):
            style.error(f"'{colour}' is not a colour as #rrggbb", "palette")
    if palette and all(_COLOR.fullmatch(c) for c in palette):
        theme_values["palette"] = tuple(palette)
    logo = style.text("logo", K.STYLE.default("logo"))
    if logo is not None:
        # checked here, header only, so that no stage decodes a picture that is not one (or 40000² pixels)
        problem = picture_problem(root, logo, "style.logo")
        if problem:
            style.error(f"'{logo}' {problem}", "logo")
    emblem = style.text("emblem", K.STYLE.default("emblem"))
    if emblem is not None:
        problem = picture_problem(root, emblem, "style.emblem")
        if problem:
            style.error(f"'{emblem}' {problem}", "emblem")
    template = style.text("pptx_template", K.STYLE.default("pptx_template"))
    if template is not None:
        if Path(template).suffix.lower() != ".pptx":
            style.error("the template must be a .pptx file (save a .potx as .pptx)", "pptx_template")
        else:
            problem = template_problem(root, template, "style.pptx_template")
            if problem:
                style.error(f"'{template}' {problem}", "pptx_template")
    return Theme(**theme_values, logo=logo, emblem=emblem, pptx_template=template)


def _choice(spec: Spec, key: str, keys: K.Group, message: str | None = None) -> str:
    value = spec.text(key, keys.default(key))
    if value not in keys[key].choices:
        spec.error(message or f"expected one of {', '.join(keys[key].choices)}", key)
    return value


def _parse_repeat(spec: Spec) -> Repeat | None:  # spec: the repeat: mapping, present
    table = spec.line("table")
    names = {key: spec.line(key, K.REPEAT.default(key)) for key in ("id", "title", "column")}
    when = spec.raw("banner_when") or {}
    if not isinstance(when, dict) or not all(isinstance(v, str | int | bool) for v in when.values()):
        spec.error("expected a mapping of column → value", "banner_when")
        when = {}
    banner = spec.line("banner", K.REPEAT.default("banner"))
    if when and banner is None:
        spec.error("banner_when needs the banner to print", "banner")
    spec.reject_unknown(K.REPEAT.names)
    if not isinstance(table, str) or not all(isinstance(v, str) for v in names.values()):
        return None  # reported by line()
    # YAML reads `si`/`no` as text but `yes`/`true` as booleans: compared as the cell's text
    pairs = tuple(sorted((str(k), _yaml_text(v)) for k, v in when.items()))
    return Repeat(table, names["id"], names["title"], names["column"], pairs, banner)


def _yaml_text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


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
    year = spec.integer("year", bounds=(1000, 9999))  # dates are built from it
    locale = spec.line("locale", K.REPORT.default("locale"))
    try:
        from babel import Locale

        Locale.parse(locale)
    except Exception:
        spec.error(f"unknown locale '{locale}'", "locale")
    style = spec.child("style")
    percent_space = style.boolean("percent_space", K.STYLE.default("percent_space"))
    currency_position = _choice(style, "currency_position", K.STYLE, "expected 'prefix' or 'suffix'")
    theme = _parse_theme(style, root)
    missing = style.line("missing", K.STYLE.default("missing"))
    numbering = style.names("numbering", K.STYLE.default("numbering"))
    for value in numbering:
        if value not in K.NUMBERING_STYLES:
            style.error(f"unknown numbering style '{value}'; use {', '.join(K.NUMBERING_STYLES)}", "numbering")
    style.reject_unknown(K.STYLE.names)
    data_spec = spec.child("data")
    decimal_mark = _choice(data_spec, "decimal_mark", K.DATA, "expected ',' or '.'")
    data_spec.reject_unknown(K.DATA.names)
    approval = _parse_act(spec.child("approval"), Approval, K.APPROVAL)
    validation = _parse_act(spec.child("validation"), Validation, K.VALIDATION)
    document = _choice(spec, "document", K.REPORT)
    open_data = spec.child("open_data")
    license_ = _parse_license(open_data)
    open_data_url = open_data.line("url", K.OPEN_DATA.default("url"))
    if open_data_url is not None and not _URL.fullmatch(open_data_url):
        open_data.error("expected a web address (http:// or https://)", "url")
    open_data.reject_unknown(K.OPEN_DATA.names)
    pdf_spec = spec.child("pdf")
    pdf_profile = _choice(pdf_spec, "profile", K.PDF)
    pdf_spec.reject_unknown(K.PDF.names)
    outputs = spec.names("outputs", K.REPORT.default("outputs"))
    repeat = _parse_repeat(spec.child("repeat")) if spec.raw("repeat") is not None else None
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
    name = spec.line("name", root.name)  # default: the folder name
    if not _NAME.fullmatch(name):
        spec.error("the name is used for file names: letters, digits, '.', '-' and '_'", "name")
    config = ProjectConfig(
        root=root,
        name=name,
        administration=spec.line("administration"),
        year=year,
        title=spec.line("title"),
        subtitle=spec.text("subtitle", K.REPORT.default("subtitle")),
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
        numbering=tuple(numbering) or K.STYLE.default("numbering"),
        protocol=spec.line("protocol", K.REPORT.default("protocol")),
        missing=missing,
        repeat=repeat,
    )
    spec.reject_unknown(K.REPORT.names)
    check_outputs(config, config.outputs, errors)
    if own:
        errors.raise_if_any()
    return config


__all__ = ["ProjectConfig", "SectionConfig", "load_project_config", "InputErrors"]
