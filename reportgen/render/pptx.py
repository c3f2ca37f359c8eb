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
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Pt

from ..charts.native import add_native_chart
from ..content.model import ChartBlock, KpiBlock, Report, Section, TableBlock, TextBlock
from ..formatting import Formatter
from .common import cell_text, header_text
from .measure import TextMeasure

SLIDE_16_9 = (Emu(12192000), Emu(6858000))  # 13,333 × 7,5 in
FONT = "Titillium Web"
TEXT_PT = 14
CELL_PAD_PT = 3.6 * 2  # python-pptx default cell margins: 0,05 in top and bottom
CELL_SIDE_PT = 7.2 * 2  # 0,1 in left and right
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
TABLE_SIZES = (10, 9, 8, 7)  # points; a table with many columns steps down until its figures fit

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


@dataclass
class _Deck:
    prs: object
    report: Report
    formatter: Formatter
    styled: bool  # our own look (default template) or the corporate template's
    geometry: _Geometry
    number: int = 0

    def _font(self, run, size: float | None = None, bold: bool | None = None, colour: str | None = None) -> None:
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
        if self.styled:
            run.font.name = FONT
            if colour:
                run.font.color.rgb = _rgb(colour)

    def _new(self, role: str, title: str, notes: str = ""):
        slide = self.prs.slides.add_slide(_find_layout(self.prs, role))
        self.number += 1
        if slide.shapes.title is not None:
            frame = slide.shapes.title.text_frame
            frame.text = title
            frame.word_wrap = True
            if self.styled:
                for run in frame.paragraphs[0].runs:
                    self._font(run, 24 if role == "content" and len(title) < 70 else 18 if role == "content" else None,
                               True, self.report.meta.theme.primary)
        for placeholder in list(slide.placeholders):  # unused placeholders would show "click to add text"
            if placeholder.placeholder_format.type not in TITLES:
                placeholder._element.getparent().remove(placeholder._element)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

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
    slide.background.fill.fore_color.rgb = _rgb(deck.report.meta.theme.primary)
    for shape in slide.placeholders:
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _title_slide(deck: _Deck) -> None:
    meta = deck.report.meta
    slide = deck.prs.slides.add_slide(_find_layout(deck.prs, "title"))
    deck.number += 1
    lines = [meta.administration]
    if meta.approval_act:
        approved = f"Approvata con {meta.approval_act}"
        if meta.approval_date:
            approved += f" del {deck.formatter.date(meta.approval_date)}"
        lines.append(approved)
    title = slide.shapes.title  # python-pptx returns a new proxy on each access: keep this one
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


def _divider(deck: _Deck, section: Section) -> None:
    slide = deck._new("section", f"{section.number} {section.title}")
    if deck.styled and slide.shapes.title is not None:
        for run in slide.shapes.title.text_frame.paragraphs[0].runs:
            deck._font(run, 32, True)
    _on_colour(deck, slide)


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
                       deck.report.meta.theme.primary if kind == "heading" else None)


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
    return lines * measure.line_height(1.2) + CELL_PAD_PT


@dataclass
class _TableLayout:
    size: float
    headers: list[str]
    rows: list[list[str]]  # cell texts, then the row kind
    widths: list[float]
    heights: list[float]  # header first
    pages: list[list[int]]


def _table_layout(block: TableBlock, formatter: Formatter, width_pt: float, height_pt: float) -> _TableLayout:
    headers = [header_text(c) for c in block.columns]
    texts: list[list[str]] = []
    kinds: list[str] = []
    last_group = None
    for row, repeats in zip(block.rows, block.repeated()):
        if block.group_by and row.kind == "data" and row.group != last_group:
            last_group = row.group
            texts.append([row.group or ""] + [""] * (len(block.columns) - 1))
            kinds.append("group")
        texts.append(["" if repeat else cell_text(formatter, c, f)
                      for c, f, repeat in zip(block.columns, row.cells, repeats)])
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
    return _TableLayout(size, headers, [[*t, k] for t, k in zip(texts, kinds)], widths, [header_h, *heights], pages)


def _add_table(deck: _Deck, slide, block: TableBlock, layout: _TableLayout, page: list[int]) -> None:
    g = deck.geometry
    rows = [layout.rows[i] for i in page]
    heights = [layout.heights[0]] + [layout.heights[i + 1] for i in page]
    n_cols = len(layout.headers)
    shape = slide.shapes.add_table(len(rows) + 1, n_cols, g.left, g.top, _emu(sum(layout.widths)),
                                   _emu(sum(heights)))
    table = shape.table
    for index, width in enumerate(layout.widths):
        table.columns[index].width = _emu(width)
    for index, height in enumerate(heights):
        table.rows[index].height = _emu(height)
    numeric = [c.numeric for c in block.columns]
    primary = deck.report.meta.theme.primary
    for r, values in enumerate([layout.headers + ["header"]] + rows):
        kind = values[-1]
        if kind == "group" and n_cols > 1:
            table.cell(r, 0).merge(table.cell(r, n_cols - 1))  # a group heading spans the table
        for c in range(1 if kind == "group" else n_cols):
            cell = table.cell(r, c)
            cell.text = values[c]
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.RIGHT if numeric[c] and kind != "group" else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size = Pt(layout.size)
                    run.font.bold = kind in ("header", "subtotal", "total", "group")
                    if deck.styled:
                        run.font.name = FONT
                    if kind in ("subtotal", "total", "group"):
                        run.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
            if kind == "header":
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(primary)
            elif kind in ("subtotal", "total", "group"):
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(0xE1, 0xE8, 0xEF) if kind != "group" else RGBColor(0xF4, 0xF6, 0xF8)


def _add_kpis(deck: _Deck, slide, block: KpiBlock) -> None:
    """Key figures as boxes: the figure large, its label, the comparison below."""
    g = deck.geometry
    per_row = 3
    gap = int(g.body_width * 0.03)
    box_w = (g.body_width - gap * (per_row - 1)) // per_row
    rows = (len(block.items) + per_row - 1) // per_row
    box_h = min(int(g.body_height * 0.4), (g.body_height - gap * (rows - 1)) // rows)
    primary = deck.report.meta.theme.primary
    for index, item in enumerate(block.items):
        row, col = divmod(index, per_row)
        shape = slide.shapes.add_textbox(g.left + col * (box_w + gap), g.top + row * (box_h + gap), box_w, box_h)
        shape.line.color.rgb = _rgb(primary)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE  # the box keeps its size instead of shrinking to the text
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = Emu(180000)
        lines = [(deck.formatter.figure(item.figure), 40, True, primary), (item.label, 16, True, None)]
        if item.compare is not None:
            lines.append((f"{item.compare_label} {deck.formatter.figure(item.compare)}", 13, False, None))
        for number, (text, size, bold, colour) in enumerate(lines):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = text
            for run in paragraph.runs:
                deck._font(run, size, bold, colour)


def _number_titles(deck: _Deck, made: list[tuple[object, str]]) -> None:
    """Slides of a section that share a title are numbered "(1/3)", "(2/3)"… in order."""
    counts: dict[str, int] = {}
    for _, title in made:
        counts[title] = counts.get(title, 0) + 1
    seen: dict[str, int] = {}
    for slide, title in made:
        if counts[title] > 1:
            seen[title] = seen.get(title, 0) + 1
            frame = slide.shapes.title.text_frame
            frame.paragraphs[0].runs[0].text = f"{title} ({seen[title]}/{counts[title]})"


def _section_slides(deck: _Deck, section: Section) -> None:
    title = f"{section.number} {section.title}"
    if section.children:
        _divider(deck, section)
    notes = "\n\n".join(p for b in section.blocks if isinstance(b, TextBlock) for p in b.narrative.paragraphs)
    text: list[tuple[str, str]] = []
    made: list[tuple[object, str]] = []
    g = deck.geometry
    width_pt, height_pt = _pt(g.body_width), _pt(g.body_height)
    several_tables = sum(isinstance(b, TableBlock) for b in section.blocks) > 1

    def new_slide(heading: str):
        slide = deck.slide(heading, notes)
        made.append((slide, heading))
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
                             deck.report.meta.theme.palette, FONT)
        elif isinstance(block, TableBlock):
            flush_text()
            layout = _table_layout(block, deck.formatter, width_pt, height_pt)
            heading = f"{title} – {block.title}" if several_tables else title
            for page in layout.pages:
                _add_table(deck, new_slide(heading), block, layout, page)
    flush_text()
    if not made and not section.children:
        new_slide(title)  # a section with nothing to show still has its slide
    _number_titles(deck, made)
    for child in section.children:
        _section_slides(deck, child)


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
    if not report.partial:
        _title_slide(deck)
    for section in report.sections:
        _section_slides(deck, section)
    _fixed_core_properties(prs, report)
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalize_zip(buffer.getvalue(), _document_moment(report))
