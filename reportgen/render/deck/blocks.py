"""How the deck draws each kind of block (:data:`DECK_BUILDERS`, keyed by the block's
``kind``): narrative as text slides (continued over several slides when long), native tables
split over slides with the header repeated, key-figure boxes, native charts. A block of a kind
with no builder is an error, never left out of the deck."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.util import Emu, Pt

from ...charts.native import add_native_chart
from ...content.model import Block, ChartBlock, KpiBlock, SignatureBlock, TableBlock, TextBlock
from ...errors import ReportgenError
from ..common import TABLE_GROUP, TABLE_TOTAL, text_on, tone
from ..measure import TextMeasure
from . import fastxml
from .fastxml import srgb_val
from .paginate import TEXT_PT, TableLayout, chunk_text, table_layout
from .state import Deck, Titled
from .template import FONT, rgb_color, to_emu, to_points


class UndrawableBlock(ReportgenError, LookupError):
    """A block of a kind the deck has no builder for (a bug: every kind needs one)."""


@dataclass
class SectionSlides:
    """The content slides of one section while they are made; narrative waits in ``text``
    until a block of another kind (or the section's end) puts it on slides."""

    deck: Deck
    title: str
    notes: str  # every slide of the section carries its narrative in full
    several_tables: bool
    made: list[Titled] = field(default_factory=list)
    text: list[tuple[str, str]] = field(default_factory=list)

    @property
    def width_pt(self) -> float:
        return to_points(self.deck.geometry.body_width)

    @property
    def height_pt(self) -> float:
        return to_points(self.deck.geometry.body_height)

    def new_slide(self, heading: str):
        slide = self.deck.content_slide(heading, self.notes)
        self.made.append(self.deck.titles[-1])
        return slide

    def flush_text(self) -> None:
        for chunk in chunk_text(self.text, self.width_pt - 14, self.height_pt - 10) if self.text else []:
            _add_text(self.deck, self.new_slide(self.title), chunk)
        self.text = []

    def draw(self, block: Block) -> None:
        kind = block.kind
        builder = DECK_BUILDERS.get(kind)
        if builder is None:
            raise UndrawableBlock(f"the deck cannot draw a block of kind {kind!r} (section «{self.title}»): "
                                  f"no builder in DECK_BUILDERS")
        builder(self, block)


def _add_text(deck: Deck, slide, blocks: list[tuple[str, str]]) -> None:
    g = deck.geometry
    box = slide.shapes.add_textbox(g.left, g.top, g.body_width, g.body_height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, (kind, text) in enumerate(blocks):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = f"• {text}" if kind == "bullet" else text
        paragraph.space_after = Pt(6)
        for run in paragraph.runs:
            deck.font(run, TEXT_PT, kind == "heading", deck.colours.primary if kind == "heading" else None)


def _add_table(deck: Deck, slide, block: TableBlock, layout: TableLayout, page: list[int],
               description: str) -> None:
    g = deck.geometry
    rows = [layout.rows[i] for i in page]
    tones = [[""] * len(layout.headers)] + [layout.tones[i] for i in page]
    heights = [layout.heights[0]] + [layout.heights[i + 1] for i in page]
    n_cols = len(layout.headers)
    shape = slide.shapes.add_table(len(rows) + 1, n_cols, g.left, g.top, to_emu(sum(layout.widths)),
                                   to_emu(sum(heights)))
    shape._element.nvGraphicFramePr.cNvPr.set("descr", description)
    table = shape.table
    # Widths and heights straight on the XML: python-pptx's setters re-add every row (column) to
    # resize the frame after each one, quadratic in the rows. The frame gets the same sums.
    tbl = table._tbl
    grid_columns = tbl.tblGrid.gridCol_lst
    for column, width in zip(grid_columns, layout.widths):
        column.w = to_emu(width)
    tr_list = tbl.tr_lst
    for tr, height in zip(tr_list, heights):
        tr.h = to_emu(height)
    shape.width = Emu(sum(c.w for c in grid_columns))
    shape.height = Emu(sum(tr.h for tr in tr_list))
    numeric = [c.numeric for c in block.columns]
    colours = deck.colours
    status_hex = {"better": srgb_val(colours.better), "worse": srgb_val(colours.worse)}
    size = str(Pt(layout.size).centipoints)
    font = FONT if deck.styled else None
    for r, (tr, values) in enumerate(zip(tr_list, [layout.headers + ["header"]] + rows)):
        kind = values[-1]
        if kind == "group" and n_cols > 1:
            table.cell(r, 0).merge(table.cell(r, n_cols - 1))  # a group heading spans the table
        bold = kind in ("header", "subtotal", "total", "group")
        fill = srgb_val(colours.primary) if kind == "header" else srgb_val(TABLE_GROUP) if kind == "group" \
            else srgb_val(TABLE_TOTAL) if kind in ("subtotal", "total") else None
        text_colour = srgb_val(colours.on_primary) if kind == "header" else srgb_val(colours.total) if fill else None
        for c, tc in enumerate(tr.tc_lst[:1] if kind == "group" else tr.tc_lst):
            status = tones[r][c]
            right = numeric[c] and kind != "group"
            colour = status_hex[status] if status else text_colour  # the cue word is in the text too
            italic = kind == "detail"  # a "di cui" row, as the PDFs print it
            if not fastxml.write_cell(tc, values[c], right, size, bold, font, colour, fill, italic):
                fastxml.write_cell_pptx(table.cell(r, c), values[c], right, layout.size, bold, font, colour, fill,
                                        italic)


def _add_kpis(deck: Deck, slide, block: KpiBlock) -> None:
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
        shape.line.color.rgb = rgb_color(colours.primary)
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
                deck.font(run, size, bold, colour)
                if status:
                    run.font.color.rgb = rgb_color(colours.better if status == "better" else colours.worse)


def _text(slides: SectionSlides, block: TextBlock) -> None:
    slides.text.extend(block.narrative.blocks)  # put on slides with the narrative that follows


NOTE_PT = 10


def table_notes(block: TableBlock) -> list[str]:
    """What the PDFs print under a table: its footnotes, its note, its source."""
    return [*(f"({f.marker}) {f.text}" for f in block.footnotes), *([block.note] if block.note else []),
            *([f"Fonte: {block.fonte}"] if block.fonte else [])]


def _add_notes(deck: Deck, slide, notes: list[str], top: int, height: int) -> None:
    g = deck.geometry
    box = slide.shapes.add_textbox(g.left, top, g.body_width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, text in enumerate(notes):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = text
        for run in paragraph.runs:
            deck.font(run, NOTE_PT, False, None)


def _table(slides: SectionSlides, block: TableBlock) -> None:
    slides.flush_text()
    notes = table_notes(block)
    # the notes go on every slide of the table, under it: the room they take is measured first
    measure = TextMeasure(NOTE_PT)
    notes_pt = sum(measure.lines(text, slides.width_pt - 14) for text in notes) * measure.cell_line_height() + 8 \
        if notes else 0.0
    layout = table_layout(block, slides.deck.formatter, slides.width_pt, slides.height_pt - notes_pt)
    heading = f"{slides.title} – {block.title}" if slides.several_tables else slides.title
    pages = len(layout.pages)
    g = slides.deck.geometry
    for number, page in enumerate(layout.pages, start=1):
        description = f"Tabella «{block.title}»" + (f", parte {number} di {pages}" if pages > 1 else "")
        slide = slides.new_slide(heading)
        _add_table(slides.deck, slide, block, layout, page, description)
        if notes:
            _add_notes(slides.deck, slide, notes, g.top + g.body_height - to_emu(notes_pt), to_emu(notes_pt))


def _kpi(slides: SectionSlides, block: KpiBlock) -> None:
    slides.flush_text()
    _add_kpis(slides.deck, slides.new_slide(slides.title), block)


def _chart(slides: SectionSlides, block: ChartBlock) -> None:
    slides.flush_text()
    deck, g = slides.deck, slides.deck.geometry
    add_native_chart(slides.new_slide(slides.title), block.spec, g.left, g.top, g.body_width, g.body_height,
                     deck.report.meta.theme.palette, FONT, label_colour=text_on, formatter=deck.formatter)


def _signature(slides: SectionSlides, block: SignatureBlock) -> None:
    """Place and date, then each signatory: with the narrative they close."""
    date = slides.deck.formatter.date(block.date)
    slides.text.append(("paragraph", f"{block.place}, {date}" if block.place else date))
    slides.text.extend(("paragraph", " – ".join(filter(None, (s.role, s.name)))) for s in block.signatories)


DECK_BUILDERS: dict[str, Callable[[SectionSlides, Block], None]] = {
    "text": _text,
    "table": _table,
    "kpi": _kpi,
    "signature": _signature,
    "chart": _chart,
}
