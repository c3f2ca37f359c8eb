"""The report as an editable 16:9 PowerPoint deck (python-pptx).

One or more slides per section: the title, the narrative in a text box (continued on the
next slide when it does not fit, in full in the speaker notes), native PowerPoint tables
split over several slides titled "(1/2)", "(2/2)" with the header repeated. Heights are
computed with the bundled font (:mod:`.measure`), so nothing leaves the slide. The package
is written with fixed timestamps so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Pt

from ..charts.native import add_native_chart
from ..content.model import ChartBlock, KpiBlock, Report, Section, TableBlock, TextBlock
from ..formatting import Formatter
from .common import cell_text, header_text
from .measure import TextMeasure

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 13,333 × 7,5 in: 16:9
MARGIN = Emu(457200)  # 0,5 in
TITLE_TOP, TITLE_H = Emu(300000), Emu(700000)
BODY_TOP = TITLE_TOP + TITLE_H + Emu(150000)
FOOTER_H = Emu(350000)
BODY_H = SLIDE_H - BODY_TOP - FOOTER_H - Emu(100000)
BODY_W = SLIDE_W - 2 * MARGIN
FONT = "Titillium Web"
TEXT_PT = 14
CELL_PAD_PT = 3.6 * 2  # python-pptx default cell margins: 0,05 in top and bottom
CELL_SIDE_PT = 7.2 * 2  # 0,1 in left and right
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _pt(emu: int) -> float:
    return emu / 12700


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#"))


@dataclass
class _Deck:
    prs: Presentation
    report: Report
    formatter: Formatter
    number: int = 0

    def slide(self, title: str, notes: str = ""):
        layout = self.prs.slide_layouts[5]  # "Title Only" in the default template
        slide = self.prs.slides.add_slide(layout)
        self.number += 1
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = MARGIN, TITLE_TOP, BODY_W, TITLE_H
        frame = shape.text_frame
        frame.text = title
        frame.word_wrap = True
        for run in frame.paragraphs[0].runs:
            run.font.size = Pt(24 if len(title) < 70 else 18)
            run.font.bold = True
            run.font.name = FONT
            run.font.color.rgb = _rgb(self.report.meta.theme.primary)
        footer = slide.shapes.add_textbox(SLIDE_W - MARGIN - Emu(1500000), SLIDE_H - FOOTER_H,
                                          Emu(1500000), Emu(300000))
        para = footer.text_frame.paragraphs[0]
        para.text = str(self.number)
        para.alignment = PP_ALIGN.RIGHT
        para.runs[0].font.size = Pt(10)
        para.runs[0].font.name = FONT
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide


def _title_slide(deck: _Deck) -> None:
    meta = deck.report.meta
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    deck.number += 1
    slide.shapes.title.text = meta.title
    lines = [meta.administration]
    if meta.approval_act:
        approved = f"Approvata con {meta.approval_act}"
        if meta.approval_date:
            approved += f" del {deck.formatter.date(meta.approval_date)}"
        lines.append(approved)
    slide.placeholders[1].text = "\n".join(lines)
    # A placeholder given only some coordinates gets zeros for the others: set all four.
    boxes = ((slide.shapes.title, Emu(1600000), Emu(1900000)), (slide.placeholders[1], Emu(3700000), Emu(1600000)))
    for shape, top, height in boxes:
        shape.left, shape.top, shape.width, shape.height = MARGIN, top, BODY_W, height
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.name = FONT


def _text_chunks(paragraphs: list[str], width_pt: float, height_pt: float) -> list[list[str]]:
    """Group paragraphs into slide-sized chunks; a paragraph too long for one slide is
    split at sentence boundaries."""
    measure = TextMeasure(TEXT_PT)
    line_h = measure.line_height(1.2) + 0.0
    gap = 6  # points after each paragraph
    pieces: list[str] = []
    capacity_lines = max(1, int(height_pt // line_h) - 1)
    for paragraph in paragraphs:
        if measure.lines(paragraph, width_pt) <= capacity_lines:
            pieces.append(paragraph)
            continue
        current = ""
        for sentence in paragraph.replace(". ", ".\u0000").split("\u0000"):
            candidate = f"{current} {sentence}".strip()
            if current and measure.lines(candidate, width_pt) > capacity_lines:
                pieces.append(current)
                current = sentence
            else:
                current = candidate
        if current:
            pieces.append(current)
    chunks: list[list[str]] = [[]]
    used = 0.0
    for piece in pieces:
        needed = measure.lines(piece, width_pt) * line_h + gap
        if chunks[-1] and used + needed > height_pt:
            chunks.append([])
            used = 0.0
        chunks[-1].append(piece)
        used += needed
    return [c for c in chunks if c]


def _add_text(slide, paragraphs: list[str]) -> None:
    box = slide.shapes.add_textbox(MARGIN, BODY_TOP, BODY_W, BODY_H)
    frame = box.text_frame
    frame.word_wrap = True
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.space_after = Pt(6)
        for run in paragraph.runs:
            run.font.size = Pt(TEXT_PT)
            run.font.name = FONT


TABLE_SIZES = (10, 9, 8, 7)  # points; a table with many columns steps down until its figures fit


def _natural_widths(block: TableBlock, texts: list[list[str]], headers: list[str], size: float) -> list[float]:
    measure = TextMeasure(size)
    bold = TextMeasure(size, bold=True)
    natural = []
    for index in range(len(block.columns)):
        widest = max([measure.width(r[index]) for r in texts] + [bold.width(w) for w in headers[index].split()])
        natural.append(widest + CELL_SIDE_PT + 2)
    return natural


def _column_widths(block: TableBlock, texts: list[list[str]], headers: list[str]) -> tuple[float, list[float]]:
    """Choose the font size and share the slide width by content: figures keep their
    natural width, text columns share the rest and wrap. The widths always add up to the
    body width, so the table never leaves the slide."""
    total = _pt(BODY_W)
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


def _table_layout(block: TableBlock, formatter: Formatter) -> _TableLayout:
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
    size, widths = _column_widths(block, texts, headers)
    header_h = _row_height(headers, widths, size, bold=True)
    heights = [_row_height(t[:1], [sum(widths)], size, bold=True) if k == "group"
               else _row_height(t, widths, size, bold=k != "data") for t, k in zip(texts, kinds)]
    available = _pt(BODY_H) - header_h
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, height in enumerate(heights):
        if pages[-1] and used + height > available:
            carried = []
            if kinds[pages[-1][-1]] == "group" and len(pages[-1]) > 1:  # keep a heading with its rows
                carried = [pages[-1].pop()]
            pages.append(carried)
            used = sum(heights[i] for i in carried)
        pages[-1].append(index)
        used += height
    return _TableLayout(size, headers, [[*t, k] for t, k in zip(texts, kinds)], widths, [header_h, *heights], pages)


def _add_table(slide, block: TableBlock, layout: _TableLayout, page: list[int], theme_primary: str) -> None:
    rows = [layout.rows[i] for i in page]
    heights = [layout.heights[0]] + [layout.heights[i + 1] for i in page]
    n_cols = len(layout.headers)
    shape = slide.shapes.add_table(len(rows) + 1, n_cols, MARGIN, BODY_TOP, Emu(int(sum(layout.widths) * 12700)),
                                   Emu(int(sum(heights) * 12700)))
    table = shape.table
    for index, width in enumerate(layout.widths):
        table.columns[index].width = Emu(int(width * 12700))
    for index, height in enumerate(heights):
        table.rows[index].height = Emu(int(height * 12700))
    numeric = [c.numeric for c in block.columns]
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
                    run.font.name = FONT
                    run.font.bold = kind in ("header", "subtotal", "total", "group")
                    if kind in ("subtotal", "total", "group"):
                        run.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
            if kind == "header":
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(theme_primary)
            elif kind in ("subtotal", "total", "group"):
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(0xE1, 0xE8, 0xEF) if kind != "group" else RGBColor(0xF4, 0xF6, 0xF8)


def _kpi_paragraphs(block: KpiBlock, formatter: Formatter) -> list[str]:
    lines = []
    for item in block.items:
        text = f"{item.label}: {formatter.figure(item.figure)}"
        if item.compare:
            text += f" (obiettivo {formatter.figure(item.compare)})"
        lines.append(text)
    return lines


def _numbered(title: str, index: int, count: int) -> str:
    return f"{title} ({index}/{count})" if count > 1 else title


def _section_slides(deck: _Deck, section: Section) -> None:
    title = f"{section.number} {section.title}"
    notes = "\n\n".join(p for b in section.blocks if isinstance(b, TextBlock) for p in b.narrative.paragraphs)
    text: list[str] = []
    made = False
    width_pt, height_pt = _pt(BODY_W), _pt(BODY_H)

    def flush_text() -> None:
        nonlocal text, made
        chunks = _text_chunks(text, width_pt - 14, height_pt - 10) if text else []
        for index, chunk in enumerate(chunks, start=1):
            _add_text(deck.slide(_numbered(title, index, len(chunks)), notes), chunk)
            made = True
        text = []

    several_tables = sum(isinstance(b, TableBlock) for b in section.blocks) > 1
    for block in section.blocks:
        if isinstance(block, TextBlock):
            text.extend(block.narrative.paragraphs)
        elif isinstance(block, KpiBlock):
            text.extend(_kpi_paragraphs(block, deck.formatter))
        elif isinstance(block, ChartBlock):
            flush_text()
            slide = deck.slide(title, notes)
            add_native_chart(slide, block.spec, MARGIN, BODY_TOP, BODY_W, BODY_H,
                             deck.report.meta.theme.palette, FONT)
            made = True
        elif isinstance(block, TableBlock):
            flush_text()
            layout = _table_layout(block, deck.formatter)
            for index, page in enumerate(layout.pages, start=1):
                heading = f"{title} – {block.title}" if several_tables else title
                slide = deck.slide(_numbered(heading, index, len(layout.pages)), notes)
                _add_table(slide, block, layout, page, deck.report.meta.theme.primary)
                made = True
    flush_text()
    if not made:
        deck.slide(title, notes)  # a section divider
    for child in section.children:
        _section_slides(deck, child)


def _document_moment(report: Report) -> _dt.datetime:
    when = report.meta.document_date or _dt.date(report.meta.year + 1, 1, 1)
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


def render_pptx(report: Report, formatter: Formatter) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    deck = _Deck(prs, report, formatter)
    if not report.partial:
        _title_slide(deck)
    for section in report.sections:
        _section_slides(deck, section)
    _fixed_core_properties(prs, report)
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalize_zip(buffer.getvalue(), _document_moment(report))
