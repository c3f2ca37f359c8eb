"""The report as an editable PowerPoint deck (python-pptx).

The deck starts from a template: the project's corporate ``.pptx`` (``style.pptx_template``)
or python-pptx's default made 16:9. Slides use the template's layouts, chosen by name with
fallbacks (:data:`LAYOUTS`), so a corporate look carries over; geometry is read from the
template, never assumed.

Per section: a divider for chapters, then slides for its narrative (continued over several
slides when long, in full in the speaker notes), native tables split over slides titled
"(1/2)", "(2/2)" with the header repeated, native charts and key-figure boxes. Heights are
computed with the bundled font (:mod:`.measure`), so nothing leaves the slide. The package is
written with fixed timestamps so the same input gives the same bytes.

Accessibility (EN 301 549 / WCAG 2.1 AA, as AgID requires of published documents): every slide
has a unique title in its title placeholder ("(1/3)" for a series, "(segue)" after a chapter's
divider); charts, tables and pictures carry alt text (``descr``); every run is tagged with the
report's language; shapes are stored in reading order; text colours reach 4.5:1 on their
backgrounds (:func:`.common.readable`); a figure coloured as better or worse also says it in
words (:func:`.common.tone`).
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import re
import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.parts.slide import NotesSlidePart
from pptx.util import Emu, Pt

from ..charts.native import add_native_chart
from ..content.model import ChartBlock, KpiBlock, Report, Section, TableBlock, TextBlock
from ..formatting import Formatter
from .common import (
    TABLE_GROUP,
    TABLE_TOTAL,
    WHITE,
    accessible_theme,
    cell_text,
    header_text,
    on_fill,
    readable,
    status_colour,
    text_on,
    tint,
    tone,
)
from .measure import TextMeasure

SLIDE_16_9 = (Emu(12192000), Emu(6858000))  # 13,333 × 7,5 in
FONT = "Titillium Web"
TEXT_PT = 14
CELL_PAD_PT = 3.6 * 2  # python-pptx default cell margins: 0,05 in top and bottom
CELL_SIDE_PT = 7.2 * 2  # 0,1 in left and right
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
TABLE_SIZES = (10, 9, 8, 7)  # points; a table with many columns steps down until its figures fit
CONTINUED = "(segue)"  # a slide continuing a chapter after its divider, as in the slide PDF
# python-pptx's tables use the built-in "Medium Style 2 – Accent 1": body rows banded with the
# theme's accent 1 at these tints (band1H, wholeTbl), the background of unfilled cells.
TABLE_STYLE_TINTS = (0.4, 0.2)

# Layouts by role: the first name the template has is used (English and Italian names of
# the standard Office layouts); without any, a layout with a title placeholder.
LAYOUTS = {
    "title": ("Title Slide", "Diapositiva titolo", "Titolo diapositiva"),
    "section": ("Section Header", "Intestazione sezione"),
    "content": ("Title Only", "Solo titolo", "Title and Content", "Titolo e contenuto"),
}


def _pt(emu: int) -> float:
    return emu / 12700


def _emu(points: float) -> Emu:
    return Emu(int(points * 12700))


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#"))


def _find_layout(prs, role: str):
    by_name = {layout.name: layout for layout in prs.slide_layouts}
    for name in LAYOUTS[role]:
        if name in by_name:
            return by_name[name]
    if role == "section":
        return _find_layout(prs, "content")
    titled = [layout for layout in prs.slide_layouts
              if any(ph.placeholder_format.type in TITLES for ph in layout.placeholders)]
    return titled[0] if titled else prs.slide_layouts[0]


def _place(shape, left, top, width, height) -> None:
    # A placeholder given only some coordinates gets zeros for the others: set all four.
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _default_template():
    """python-pptx's default template, made 16:9 with its placeholders moved to fit."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_16_9
    width, margin = prs.slide_width, Emu(457200)
    body = width - 2 * margin
    for layout in prs.slide_layouts:
        placeholders = {ph.placeholder_format.idx: ph for ph in layout.placeholders}
        if layout.name == "Title Slide":
            _place(placeholders[0], margin, Emu(1600000), body, Emu(1900000))
            _place(placeholders[1], margin, Emu(3700000), body, Emu(1600000))
        elif layout.name == "Title Only":
            _place(placeholders[0], margin, Emu(300000), body, Emu(700000))
        elif layout.name == "Section Header":
            _place(placeholders[0], margin, Emu(2300000), body, Emu(1400000))
            _place(placeholders[1], margin, Emu(3800000), body, Emu(900000))
    return prs


def _corporate_template(path: Path):
    prs = Presentation(str(path))
    slide_ids = prs.slides._sldIdLst  # a template may come with slides of its own: start empty
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return prs


@dataclass
class _Geometry:
    """The content area of a slide, below the content layout's title."""

    width: int
    height: int
    left: int
    top: int
    body_width: int
    body_height: int
    footer: int

    @classmethod
    def of(cls, prs, content_layout) -> _Geometry:
        width, height = prs.slide_width, prs.slide_height
        margin = int(width * 0.0375)
        title = next((ph for ph in content_layout.placeholders if ph.placeholder_format.type in TITLES), None)
        title_bottom = (title.top + title.height) if title is not None and title.height else int(height * 0.15)
        top = title_bottom + int(height * 0.02)
        footer = int(height * 0.05)
        return cls(width, height, margin, top, width - 2 * margin, height - top - footer - int(height * 0.015), footer)


def _theme_accent(prs) -> str:
    """The template theme's accent 1 (``#rrggbb``), which python-pptx's table style tints."""
    try:
        theme_part = prs.slide_masters[0].part.part_related_by(RT.THEME)
        scheme = etree.fromstring(theme_part.blob).find(".//" + qn("a:accent1"))
        colour = scheme[0]
        value = colour.get("val") if colour.tag == qn("a:srgbClr") else colour.get("lastClr")
        if value and len(value) == 6:
            return f"#{value}"
    except (KeyError, IndexError, TypeError, AttributeError, etree.XMLSyntaxError):
        pass
    return "#4f81bd"  # Office's default accent 1


@dataclass
class _Colours:
    """The text colours of the deck, each readable (4.5:1) on the surfaces it is printed on."""

    primary: str  # titles and headings on white; the fill under white text (title slide, dividers, table header)
    on_primary: str  # text on the primary fill
    total: str  # text of subtotal, total and group rows, on their fills
    better: str  # figures better than their target, on any table surface
    worse: str

    @classmethod
    def of(cls, report: Report, prs) -> _Colours:
        theme = accessible_theme(report.meta.theme)
        accent = _theme_accent(prs)
        surfaces = (WHITE, TABLE_TOTAL, TABLE_GROUP, *(tint(accent, t) for t in TABLE_STYLE_TINTS))
        return cls(theme.primary, on_fill(theme.primary), readable(theme.text, TABLE_TOTAL, TABLE_GROUP),
                   status_colour("better", theme, *surfaces), status_colour("worse", theme, *surfaces))


@dataclass
class _Titled:
    """A slide with its title placeholder (None if its layout has none) and title text."""

    slide: object
    shape: object | None
    title: str


@dataclass
class _Deck:
    prs: object
    report: Report
    formatter: Formatter
    styled: bool  # our own look (default template) or the corporate template's
    geometry: _Geometry
    number: int = 0
    colours: _Colours = field(init=False)
    titles: list[_Titled] = field(default_factory=list)  # every slide, in order
    layouts: dict = field(default_factory=dict)
    notes_template: object = None  # a fresh notes slide's XML (False: not used), see _add_notes

    def __post_init__(self) -> None:
        self.colours = _Colours.of(self.report, self.prs)

    def layout(self, role: str):
        if role not in self.layouts:
            self.layouts[role] = _find_layout(self.prs, role)
        return self.layouts[role]

    def _font(self, run, size: float | None = None, bold: bool | None = None, colour: str | None = None) -> None:
        """Size, weight, and in our own look the font and colour of a new run: written as
        python-pptx's ``run.font`` would write them (``sz``, ``b``; ``a:solidFill`` before
        ``a:latin``), without its per-property overhead, hundreds of times per deck."""
        properties = run._r.get_or_add_rPr()
        if len(properties):  # not a fresh run: python-pptx orders what is there
            self._font_pptx(run, size, bold, colour)
            return
        if size is not None:
            properties.set("sz", str(Pt(size).centipoints))
        if bold is not None:
            properties.set("b", "1" if bold else "0")
        if self.styled:
            if colour:
                etree.SubElement(etree.SubElement(properties, _A_SOLID), _A_SRGB).set("val", _srgb(colour))
            etree.SubElement(properties, _A_LATIN).set("typeface", FONT)

    def _font_pptx(self, run, size: float | None = None, bold: bool | None = None, colour: str | None = None) -> None:
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
        if self.styled:
            run.font.name = FONT
            if colour:
                run.font.color.rgb = _rgb(colour)

    def _new(self, role: str, title: str, notes: str = ""):
        slide = self.prs.slides.add_slide(self.layout(role))
        self.number += 1
        title_shape = slide.shapes.title  # python-pptx finds it anew on each access: keep it
        self.titles.append(_Titled(slide, title_shape, title))
        if title_shape is not None:
            frame = title_shape.text_frame
            frame.text = title
            frame.word_wrap = True
            if self.styled:
                for run in frame.paragraphs[0].runs:
                    self._font(run, 24 if role == "content" and len(title) < 70 else 18 if role == "content" else None,
                               True, self.colours.primary)
        for placeholder in list(slide.placeholders):  # unused placeholders would show "click to add text"
            if placeholder.placeholder_format.type not in TITLES:
                placeholder._element.getparent().remove(placeholder._element)
        if notes:
            self._add_notes(slide, notes)
        return slide

    def _add_notes(self, slide, notes: str) -> None:
        """Speaker notes. python-pptx makes each notes slide by cloning the notes master's
        placeholders one by one, the same shapes every time: the first notes slide is made by
        python-pptx, and the others start from a copy of its XML as it was before any text
        (the same bytes), in a part related as python-pptx relates it. Should python-pptx's
        parts change, every notes slide is made by python-pptx."""
        if self.notes_template is not None and self.notes_template is not False:
            try:
                package = slide.part.package
                master = package.presentation_part.notes_master_part
                part = NotesSlidePart(package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
                                      CT.PML_NOTES_SLIDE, package, copy.deepcopy(self.notes_template))
                part.relate_to(master, RT.NOTES_MASTER)
                part.relate_to(slide.part, RT.SLIDE)
                slide.part.relate_to(part, RT.NOTES_SLIDE)
            except (AttributeError, TypeError, KeyError):  # another python-pptx: its own way from now on
                self.notes_template = False
        notes_slide = slide.notes_slide
        if self.notes_template is None:  # the first one, as python-pptx makes it
            self.notes_template = copy.deepcopy(notes_slide._element)
        notes_slide.notes_text_frame.text = notes

    def slide(self, title: str, notes: str = ""):
        slide = self._new("content", title, notes)
        g = self.geometry
        box = slide.shapes.add_textbox(g.width - g.left - Emu(1500000), g.height - g.footer, Emu(1500000), g.footer)
        para = box.text_frame.paragraphs[0]
        para.text = str(self.number)
        para.alignment = PP_ALIGN.RIGHT
        self._font(para.runs[0], 10)
        return slide


def _on_colour(deck: _Deck, slide) -> None:
    """Our own look: title and divider slides on the report's primary colour, text in white."""
    if not deck.styled:
        return
    slide.background.fill.solid()
    slide.background.fill.fore_color.rgb = _rgb(deck.colours.primary)
    for shape in slide.placeholders:
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = _rgb(deck.colours.on_primary)


def _add_logo(deck: _Deck, slide, project_root: Path | None) -> None:
    """Our own look: the administration's logo above the title, as on the PDF's cover, with
    the same alt text. A corporate template brings its own in its masters."""
    logo = deck.report.meta.theme.logo
    if not deck.styled or not logo or project_root is None:
        return
    path = project_root / logo
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"):
        return  # python-pptx embeds raster images only (an SVG logo stays in the PDFs)
    g = deck.geometry
    title = slide.shapes.title
    room = (title.top if title is not None and title.top else int(g.height * 0.25)) - g.left
    picture = slide.shapes.add_picture(str(path), g.left, g.left, height=int(min(room * 0.8, g.height * 0.12)))
    if picture.width > g.body_width // 2:  # a wide logo: fit its width instead
        ratio = (g.body_width // 2) / picture.width
        picture.width, picture.height = g.body_width // 2, int(picture.height * ratio)
    picture._element.nvPicPr.cNvPr.set("descr", deck.report.meta.administration)


def _title_slide(deck: _Deck, project_root: Path | None = None) -> None:
    meta = deck.report.meta
    slide = deck.prs.slides.add_slide(deck.layout("title"))
    deck.number += 1
    lines = [meta.administration]
    if meta.approval_act:
        approved = f"Approvata con {meta.approval_act}"
        if meta.approval_date:
            approved += f" del {deck.formatter.date(meta.approval_date)}"
        lines.append(approved)
    title = slide.shapes.title  # python-pptx returns a new proxy on each access: keep this one
    deck.titles.append(_Titled(slide, title, meta.title))
    if title is not None:
        title.text = meta.title
    subtitle = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if subtitle is not None:
        subtitle.text = "\n".join(lines)
    for shape, size, bold in ((title, 40, True), (subtitle, 18, False)):
        if shape is None:
            continue
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                deck._font(run, size, bold)
    _on_colour(deck, slide)
    _add_logo(deck, slide, project_root)


def _divider(deck: _Deck, section: Section) -> str:
    title = f"{section.number} {section.title}"
    slide = deck._new("section", title)
    title_shape = deck.titles[-1].shape
    if deck.styled and title_shape is not None:
        for run in title_shape.text_frame.paragraphs[0].runs:
            deck._font(run, 32, True)
    _on_colour(deck, slide)
    return title


def _chunk_text(blocks: list[tuple[str, str]], width_pt: float, height_pt: float) -> list[list[tuple[str, str]]]:
    """Group narrative blocks into slide-sized chunks; a paragraph too long for one slide is
    split at sentence boundaries; a heading never ends a slide."""
    measure = TextMeasure(TEXT_PT)
    line_h = measure.line_height(1.2)
    gap = 6  # points after each paragraph
    capacity_lines = max(1, int(height_pt // line_h) - 1)
    pieces: list[tuple[str, str]] = []
    for kind, text in blocks:
        if measure.lines(text, width_pt) <= capacity_lines:
            pieces.append((kind, text))
            continue
        current = ""
        for sentence in text.replace(". ", ".\u0000").split("\u0000"):
            candidate = f"{current} {sentence}".strip()
            if current and measure.lines(candidate, width_pt) > capacity_lines:
                pieces.append((kind, current))
                current = sentence
            else:
                current = candidate
        if current:
            pieces.append((kind, current))
    chunks: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for piece in pieces:
        needed = measure.lines(piece[1], width_pt) * line_h + gap
        if chunks[-1] and used + needed > height_pt:
            carried = [chunks[-1].pop()] if chunks[-1][-1][0] == "heading" and len(chunks[-1]) > 1 else []
            chunks.append(carried)
            used = sum(measure.lines(t, width_pt) * line_h + gap for _, t in carried)
        chunks[-1].append(piece)
        used += needed
    return [c for c in chunks if c]


def _add_text(deck: _Deck, slide, blocks: list[tuple[str, str]]) -> None:
    g = deck.geometry
    box = slide.shapes.add_textbox(g.left, g.top, g.body_width, g.body_height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, (kind, text) in enumerate(blocks):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = f"• {text}" if kind == "bullet" else text
        paragraph.space_after = Pt(6)
        for run in paragraph.runs:
            deck._font(run, TEXT_PT, kind == "heading",
                       deck.colours.primary if kind == "heading" else None)


def _natural_widths(block: TableBlock, texts: list[list[str]], headers: list[str], size: float) -> list[float]:
    measure = TextMeasure(size)
    bold = TextMeasure(size, bold=True)
    natural = []
    for index in range(len(block.columns)):
        widest = max([measure.width(r[index]) for r in texts] + [bold.width(w) for w in headers[index].split()])
        natural.append(widest + CELL_SIDE_PT + 2)
    return natural


def _column_widths(block: TableBlock, texts: list[list[str]], headers: list[str],
                   total: float) -> tuple[float, list[float]]:
    """Choose the font size and share the width by content: figures keep their natural
    width, text columns share the rest and wrap. The widths always add up to ``total``, so
    the table never leaves the slide."""
    numeric = [c.numeric for c in block.columns]
    for size in TABLE_SIZES:
        natural = _natural_widths(block, texts, headers, size)
        fixed = sum(w for w, n in zip(natural, numeric) if n)
        flexible = [w for w, n in zip(natural, numeric) if not n]
        if fixed + 60 * len(flexible) <= total:
            break
    if sum(natural) <= total:
        extra = (total - sum(natural)) / len(natural)
        return size, [w + extra for w in natural]
    rest = total - fixed
    if not flexible or rest <= 0:  # even the smallest size does not fit: shrink every column
        return size, [w * total / sum(natural) for w in natural]
    # Water-filling: a text column narrower than its fair share keeps its natural width;
    # the wide ones share what is left in proportion to their length.
    widths = list(natural)
    open_columns = [i for i, n in enumerate(numeric) if not n]
    remaining = rest
    while open_columns:
        share = remaining / len(open_columns)
        narrow = [i for i in open_columns if natural[i] <= share]
        if not narrow:
            wide_total = sum(natural[i] for i in open_columns)
            for i in open_columns:
                widths[i] = max(0.5 * share, remaining * natural[i] / wide_total)
            break
        for i in narrow:
            remaining -= natural[i]
            open_columns.remove(i)
    scale = total / sum(widths)
    return size, [w * scale for w in widths]


def _row_height(cells: list[str], widths: list[float], size: float, bold: bool = False) -> float:
    measure = TextMeasure(size, bold=bold)
    lines = max(measure.lines(text, w - CELL_SIDE_PT) for text, w in zip(cells, widths))
    return lines * measure.cell_line_height() + CELL_PAD_PT


@dataclass
class _TableLayout:
    size: float
    headers: list[str]
    rows: list[list[str]]  # cell texts, then the row kind
    tones: list[list[str]]  # per cell: "better", "worse" or "" (the cue is already in the text)
    widths: list[float]
    heights: list[float]  # header first
    pages: list[list[int]]


def _table_layout(block: TableBlock, formatter: Formatter, width_pt: float, height_pt: float) -> _TableLayout:
    headers = [header_text(c) for c in block.columns]
    texts: list[list[str]] = []
    tones: list[list[str]] = []
    kinds: list[str] = []
    last_group = None
    blank = [""] * len(block.columns)
    for row, repeats in zip(block.rows, block.repeated()):
        if block.group_by and row.kind == "data" and row.group != last_group:
            last_group = row.group
            texts.append([row.group or ""] + blank[1:])
            tones.append(blank)
            kinds.append("group")
        cells, statuses = [], []
        for column, figure, repeat in zip(block.columns, row.cells, repeats):
            status = "" if repeat else tone(figure)
            text = "" if repeat else cell_text(formatter, column, figure)
            cells.append(f"{text} {status.cue}" if status else text)  # never by colour alone
            statuses.append(str(status))
        texts.append(cells)
        tones.append(statuses)
        kinds.append(row.kind)
    size, widths = _column_widths(block, texts, headers, width_pt)
    header_h = _row_height(headers, widths, size, bold=True)
    heights = [_row_height(t[:1], [sum(widths)], size, bold=True) if k == "group"
               else _row_height(t, widths, size, bold=k != "data") for t, k in zip(texts, kinds)]
    available = height_pt - header_h
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, height in enumerate(heights):
        if pages[-1] and used + height > available:
            carried = []
            if kinds[pages[-1][-1]] == "group" and len(pages[-1]) > 1:  # keep a heading with its rows
                carried = [pages[-1].pop()]
            elif kinds[index] in ("total", "subtotal") and len(pages[-1]) > 2:  # a total never stands alone
                carried = [pages[-1].pop()]
            pages.append(carried)
            used = sum(heights[i] for i in carried)
        pages[-1].append(index)
        used += height
    return _TableLayout(size, headers, [[*t, k] for t, k in zip(texts, kinds)], tones, widths,
                        [header_h, *heights], pages)


def _add_table(deck: _Deck, slide, block: TableBlock, layout: _TableLayout, page: list[int],
               description: str) -> None:
    g = deck.geometry
    rows = [layout.rows[i] for i in page]
    tones = [[""] * len(layout.headers)] + [layout.tones[i] for i in page]
    heights = [layout.heights[0]] + [layout.heights[i + 1] for i in page]
    n_cols = len(layout.headers)
    shape = slide.shapes.add_table(len(rows) + 1, n_cols, g.left, g.top, _emu(sum(layout.widths)),
                                   _emu(sum(heights)))
    shape._element.nvGraphicFramePr.cNvPr.set("descr", description)
    table = shape.table
    # Widths and heights straight on the XML: python-pptx's setters re-add every row (column) to
    # resize the frame after each one, quadratic in the rows. The frame gets the same sums.
    tbl = table._tbl
    grid_columns = tbl.tblGrid.gridCol_lst
    for column, width in zip(grid_columns, layout.widths):
        column.w = _emu(width)
    tr_list = tbl.tr_lst
    for tr, height in zip(tr_list, heights):
        tr.h = _emu(height)
    shape.width = Emu(sum(c.w for c in grid_columns))
    shape.height = Emu(sum(tr.h for tr in tr_list))
    numeric = [c.numeric for c in block.columns]
    colours = deck.colours
    status_hex = {"better": _srgb(colours.better), "worse": _srgb(colours.worse)}
    size = str(Pt(layout.size).centipoints)
    font = FONT if deck.styled else None
    for r, (tr, values) in enumerate(zip(tr_list, [layout.headers + ["header"]] + rows)):
        kind = values[-1]
        if kind == "group" and n_cols > 1:
            table.cell(r, 0).merge(table.cell(r, n_cols - 1))  # a group heading spans the table
        bold = kind in ("header", "subtotal", "total", "group")
        fill = _srgb(colours.primary) if kind == "header" else _srgb(TABLE_GROUP) if kind == "group" \
            else _srgb(TABLE_TOTAL) if kind in ("subtotal", "total") else None
        text_colour = _srgb(colours.on_primary) if kind == "header" else _srgb(colours.total) if fill else None
        for c, tc in enumerate(tr.tc_lst[:1] if kind == "group" else tr.tc_lst):
            status = tones[r][c]
            right = numeric[c] and kind != "group"
            colour = status_hex[status] if status else text_colour  # the cue word is in the text too
            if not _write_cell(tc, values[c], right, size, bold, font, colour, fill):
                _write_cell_pptx(table.cell(r, c), values[c], right, layout.size, bold, font, colour, fill)


def _srgb(colour: str) -> str:
    return colour.lstrip("#").upper()


_A_PPR, _A_R, _A_T = qn("a:pPr"), qn("a:r"), qn("a:t")
_A_SOLID, _A_SRGB, _A_LATIN = qn("a:solidFill"), qn("a:srgbClr"), qn("a:latin")


def _write_cell(tc, text: str, right: bool, size: str, bold: bool, font: str | None, colour: str | None,
                fill: str | None) -> bool:
    """Fill a new table cell by writing its XML: the same elements python-pptx's ``cell.text``,
    ``paragraph.alignment``, ``run.font`` and ``cell.fill`` would write, at a fraction of the
    cost (a deck has thousands of cells). False, with nothing written, when the cell is not the
    fresh empty one python-pptx makes or the text needs python-pptx's handling (line breaks,
    control characters): :func:`_write_cell_pptx` does it then."""
    body, properties = tc.find(qn("a:txBody")), tc.find(qn("a:tcPr"))
    paragraphs = body.findall(_A_P) if body is not None else []
    if (properties is None or len(properties) or len(paragraphs) != 1 or len(paragraphs[0])
            or any(ord(ch) < 32 for ch in text)):
        return False
    paragraph = paragraphs[0]
    etree.SubElement(paragraph, _A_PPR).set("algn", "r" if right else "l")
    if text:
        run = etree.SubElement(paragraph, _A_R)
        run_properties = etree.SubElement(run, _A_RPR)
        run_properties.set("sz", size)
        run_properties.set("b", "1" if bold else "0")
        if colour:
            etree.SubElement(etree.SubElement(run_properties, _A_SOLID), _A_SRGB).set("val", colour)
        if font:
            etree.SubElement(run_properties, _A_LATIN).set("typeface", font)
        etree.SubElement(run, _A_T).text = text
    # an empty cell too: without it a viewer sizes the row for its default 18 pt
    etree.SubElement(paragraph, _A_END).set("sz", size)
    if fill:
        etree.SubElement(etree.SubElement(properties, _A_SOLID), _A_SRGB).set("val", fill)
    return True


def _write_cell_pptx(cell, text: str, right: bool, size: float, bold: bool, font: str | None,
                     colour: str | None, fill: str | None) -> None:
    cell.text = text
    for paragraph in cell.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            if font:
                run.font.name = font
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)
        paragraph._p.get_or_add_endParaRPr().set("sz", str(round(size * 100)))
    if fill:
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(fill)


def _add_kpis(deck: _Deck, slide, block: KpiBlock) -> None:
    """Key figures as boxes: the figure large, its label, the comparison below; a figure
    better or worse than its target says so in a word."""
    g = deck.geometry
    per_row = 3
    gap = int(g.body_width * 0.03)
    box_w = (g.body_width - gap * (per_row - 1)) // per_row
    rows = (len(block.items) + per_row - 1) // per_row
    box_h = min(int(g.body_height * 0.4), (g.body_height - gap * (rows - 1)) // rows)
    colours = deck.colours
    for index, item in enumerate(block.items):
        row, col = divmod(index, per_row)
        shape = slide.shapes.add_textbox(g.left + col * (box_w + gap), g.top + row * (box_h + gap), box_w, box_h)
        shape.line.color.rgb = _rgb(colours.primary)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE  # the box keeps its size instead of shrinking to the text
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = Emu(180000)
        lines = [(deck.formatter.figure(item.figure), 40, True, colours.primary, ""), (item.label, 16, True, None, "")]
        if item.compare is not None:
            compared = tone(item.compare)
            text = f"{item.compare_label} {deck.formatter.figure(item.compare)}"
            lines.append((f"{text} {compared.cue}" if compared else text, 13, False, None, compared))
        status = tone(item.figure)
        if status:
            lines.append((status.cue.capitalize(), 13, True, None, status))
        for number, (text, size, bold, colour, status) in enumerate(lines):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = text
            for run in paragraph.runs:
                deck._font(run, size, bold, colour)
                if status:
                    run.font.color.rgb = _rgb(colours.better if status == "better" else colours.worse)


def _number_titles(made: list[_Titled], divider: str | None) -> None:
    """Slides of a section that share a title are numbered "(1/3)", "(2/3)"… in order; a
    single slide after its chapter's divider is titled "… (segue)"."""
    counts = Counter(entry.title for entry in made)
    seen: Counter = Counter()
    for entry in made:
        if counts[entry.title] > 1:
            seen[entry.title] += 1
            _retitle(entry, f"{entry.title} ({seen[entry.title]}/{counts[entry.title]})")
        elif entry.title == divider:
            _retitle(entry, f"{entry.title} {CONTINUED}")


def _retitle(entry: _Titled, title: str) -> None:
    if entry.shape is not None:
        runs = entry.shape.text_frame.paragraphs[0].runs
        if runs:
            runs[0].text = title


def _unique_titles(deck: _Deck) -> None:
    """Whatever the sections are called, no two slides share a title (WCAG 2.4.2): a title
    seen before gets "(segue)", then "(segue 2)"…"""
    seen: set[str] = set()
    for entry in deck.titles:
        if entry.shape is None:
            continue
        title = entry.shape.text_frame.text
        candidate, n = title, 1
        while candidate in seen:
            candidate = f"{title} {CONTINUED}" if n == 1 else f"{title} (segue {n})"
            n += 1
        if candidate != title:
            _retitle(entry, candidate)
        seen.add(candidate)


def _section_slides(deck: _Deck, section: Section) -> None:
    title = f"{section.number} {section.title}"
    divider = _divider(deck, section) if section.children else None
    notes = "\n\n".join(p for b in section.blocks if isinstance(b, TextBlock) for p in b.narrative.paragraphs)
    text: list[tuple[str, str]] = []
    made: list[_Titled] = []
    g = deck.geometry
    width_pt, height_pt = _pt(g.body_width), _pt(g.body_height)
    several_tables = sum(isinstance(b, TableBlock) for b in section.blocks) > 1

    def new_slide(heading: str):
        slide = deck.slide(heading, notes)
        made.append(deck.titles[-1])
        return slide

    def flush_text() -> None:
        nonlocal text
        for chunk in _chunk_text(text, width_pt - 14, height_pt - 10) if text else []:
            _add_text(deck, new_slide(title), chunk)
        text = []

    for block in section.blocks:
        if isinstance(block, TextBlock):
            text.extend(block.narrative.blocks)
        elif isinstance(block, KpiBlock):
            flush_text()
            _add_kpis(deck, new_slide(title), block)
        elif isinstance(block, ChartBlock):
            flush_text()
            add_native_chart(new_slide(title), block.spec, g.left, g.top, g.body_width, g.body_height,
                             deck.report.meta.theme.palette, FONT, label_colour=text_on)
        elif isinstance(block, TableBlock):
            flush_text()
            layout = _table_layout(block, deck.formatter, width_pt, height_pt)
            heading = f"{title} – {block.title}" if several_tables else title
            pages = len(layout.pages)
            for number, page in enumerate(layout.pages, start=1):
                description = f"Tabella «{block.title}»" + (f", parte {number} di {pages}" if pages > 1 else "")
                _add_table(deck, new_slide(heading), block, layout, page, description)
    flush_text()
    if not made and not section.children:
        new_slide(title)  # a section with nothing to show still has its slide
    _number_titles(made, divider)
    for child in section.children:
        _section_slides(deck, child)


# -- Accessibility passes over the finished deck ---------------------------------------------

_SHAPE_TAGS = frozenset(qn(t) for t in ("p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic", "p:contentPart"))
_RUN_TAGS = frozenset((qn("a:r"), qn("a:fld")))
_A_P, _A_RPR, _A_BR = qn("a:p"), qn("a:rPr"), qn("a:br")
_A_END, _A_DEF = qn("a:endParaRPr"), qn("a:defRPr")


def _tag_language(root, lang: str) -> None:
    """``lang`` on every run (``a:rPr``), paragraph end and text default under ``root``, so
    that screen readers and spelling checkers use the report's language."""
    for paragraph in root.iter(_A_P):
        end = None
        for child in paragraph:
            if child.tag in _RUN_TAGS:
                properties = child.find(_A_RPR)
                if properties is None:  # a:rPr comes first in a run
                    properties = child.makeelement(_A_RPR)
                    child.insert(0, properties)
                properties.set("lang", lang)
            elif child.tag == _A_BR:
                properties = child.find(_A_RPR)
                if properties is not None:
                    properties.set("lang", lang)
            elif child.tag == _A_END:
                end = child
        if end is None:
            end = etree.SubElement(paragraph, _A_END)  # always the last child of a:p
        end.set("lang", lang)
    for defaults in root.iter(_A_DEF):
        defaults.set("lang", lang)


def _tag_chart_language(chart_space, lang: str) -> None:
    _tag_language(chart_space, lang)
    element = chart_space.find(qn("c:lang"))
    if element is None:  # c:lang comes right after c:date1904, the first child
        element = parse_xml(f'<c:lang {nsdecls("c")} val="{lang}"/>')
        date = chart_space.find(qn("c:date1904"))
        if date is not None:
            date.addnext(element)
        else:
            chart_space.insert(0, element)
    element.set("val", lang)


_OFFSETS = (f"{qn('p:spPr')}/{qn('a:xfrm')}/{qn('a:off')}", f"{qn('p:xfrm')}/{qn('a:off')}",
            f"{qn('p:grpSpPr')}/{qn('a:xfrm')}/{qn('a:off')}")
_TITLE_TYPES = ("title", "ctrTitle")


def _position(element, slide) -> tuple[int, int, int]:
    """(0 for the title, top, left) of a shape element, from its XML; a placeholder that
    inherits its position from the layout is asked through python-pptx."""
    ph = element.find(f"./*[1]/{qn('p:nvPr')}/{qn('p:ph')}")
    if ph is not None and ph.get("type") in _TITLE_TYPES:
        return (0, 0, 0)
    for path in _OFFSETS:
        offset = element.find(path)
        if offset is not None:
            return (1, int(offset.get("y", 0)), int(offset.get("x", 0)))
    shape = next((s for s in slide.shapes if s._element is element), None)
    return (1, (shape.top or 0) if shape is not None else 0, (shape.left or 0) if shape is not None else 0)


def _reading_order(slide) -> None:
    """Store the shapes in reading order (screen readers follow the XML, not the layout):
    the title first, then top to bottom, left to right."""
    tree = slide.shapes._spTree
    elements = [e for e in tree if e.tag in _SHAPE_TAGS]
    ordered = sorted(elements, key=lambda e: _position(e, slide))  # stable: ties keep their order
    if ordered == elements:
        return
    anchor = tree.find(qn("p:grpSpPr"))
    for element in ordered:
        anchor.addnext(element)
        anchor = element


def _accessible(deck: _Deck) -> None:
    lang = deck.report.meta.locale.replace("_", "-")
    _unique_titles(deck)
    for slide in deck.prs.slides:
        _reading_order(slide)
        _tag_language(slide._element, lang)
        if slide.part.has_notes_slide:
            _tag_language(slide.notes_slide._element, lang)
        for element in slide._element.iter(qn("p:graphicFrame")):
            for chart_ref in element.iter(qn("c:chart")):
                chart_part = slide.part.related_part(chart_ref.get(qn("r:id")))
                _tag_chart_language(chart_part._element, lang)
    # the default for text added later in PowerPoint
    for defaults in deck.prs.part._element.iter(_A_DEF):
        defaults.set("lang", lang)


@contextmanager
def _indexed_partnames(package):
    """Speed up python-pptx's ``OpcPackage.next_partname`` while the deck is built.

    python-pptx finds the next free ``slideN.xml`` (``notesSlideN.xml``, ``chartN.xml``…) by
    walking every relationship of the package on each new part: quadratic in the slides, a
    third of a large deck's time. Here each name pattern's used names are collected by that
    same walk once, then kept up to date, and the name is chosen by python-pptx's own rule
    (the highest free number up to count + 1), so the names, and the bytes, are the same. It
    holds because, while the deck is built, every name given becomes a part of the package
    and no part is removed. Installed on the package object only, for this build, and only
    if python-pptx still has the method (``>=1.0.2,<2``); otherwise python-pptx's own runs.
    """
    original = getattr(package, "next_partname", None)
    if original is None or not callable(original):
        yield
        return
    used: dict[str, set[str]] = {}

    def next_partname(tmpl: str) -> PackURI:
        prefix = tmpl[: (tmpl % 42).find("42")]
        names = used.get(prefix)
        if names is None:
            names = used[prefix] = {str(p.partname) for p in package.iter_parts()
                                    if p.partname.startswith(prefix)}
        for n in range(len(names) + 1, 0, -1):
            candidate = tmpl % n
            if candidate not in names:
                names.add(candidate)
                return PackURI(candidate)
        return original(tmpl)  # pragma: no cover - python-pptx raises here too

    package.next_partname = next_partname
    try:
        yield
    finally:
        del package.next_partname


def _document_moment(report: Report) -> _dt.datetime:
    when = report.meta.document_date
    return _dt.datetime(when.year, when.month, when.day)


def _fixed_core_properties(prs, report: Report) -> None:
    moment = _document_moment(report)
    props = prs.core_properties
    props.title = report.meta.title
    props.author = report.meta.administration
    props.last_modified_by = report.meta.administration
    props.language = report.meta.locale.replace("_", "-")
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.revision = 1


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalize_zip(data: bytes, moment: _dt.datetime | None = None) -> bytes:
    """Rewrite an OOXML package with fixed timestamps and a stable entry order. Embedded
    packages (the workbooks behind native charts) are normalized too, and their creation
    dates set to ``moment``."""
    stamp = (moment or _dt.datetime(1980, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        first = [n for n in names if n == "[Content_Types].xml"]  # must stay first
        for name in first + sorted(n for n in names if n not in first):
            content = source.read(name)
            if name.endswith(".xlsx"):
                content = normalize_zip(content, moment)
            elif name == "docProps/core.xml" and moment is not None:
                content = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def render_pptx(report: Report, formatter: Formatter, project_root: Path | None = None) -> bytes:
    template = report.meta.theme.pptx_template
    prs = _corporate_template(project_root / template) if template and project_root else _default_template()
    deck = _Deck(prs, report, formatter, styled=template is None,
                 geometry=_Geometry.of(prs, _find_layout(prs, "content")))
    with _indexed_partnames(prs.part.package):
        if not report.partial:
            _title_slide(deck, project_root)
        for section in report.sections:
            _section_slides(deck, section)
    _accessible(deck)
    _fixed_core_properties(prs, report)
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalize_zip(buffer.getvalue(), _document_moment(report))
