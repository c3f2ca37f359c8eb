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
from .paginate import TEXT_PT, TableLayout, fitted_chunks, table_layout, text_height
from .state import Deck, Titled
from .template import FONT, rgb_color, to_emu, to_points


class UndrawableBlock(ReportgenError, LookupError):
    """A block of a kind the deck has no builder for (a bug: every kind needs one)."""


GAP_PT = 12  # between two things stacked on one slide
CAPTION_PT = 12  # a table's title above it, as the PDFs print it
BULLET_INDENT = 18  # points: the hanging indent of a bullet paragraph


@dataclass
class SectionSlides:
    """The content slides of one section while they are made. Things are stacked on a slide
    while they fit (fewer, fuller slides); narrative waits in ``text`` until a block of another
    kind (or the section's end) puts it on slides. ``shows`` says, per slide, what it holds:
    the speaker notes of continuation slides are made of it."""

    deck: Deck
    title: str
    made: list[Titled] = field(default_factory=list)
    text: list[tuple[str, str]] = field(default_factory=list)
    shows: list[list[str]] = field(default_factory=list)
    used: float = 0.0  # points of the current slide's body taken
    slide: object = None

    @property
    def width_pt(self) -> float:
        return to_points(self.deck.geometry.body_width)

    @property
    def height_pt(self) -> float:
        return to_points(self.deck.geometry.body_height)

    @property
    def room(self) -> float:
        """Points left on the current slide for one more thing (0 without a slide)."""
        return max(0.0, self.height_pt - self.used - GAP_PT) if self.slide is not None else 0.0

    def new_slide(self, heading: str | None = None):
        self.slide = self.deck.content_slide(heading or self.title)
        self.made.append(self.deck.titles[-1])
        self.shows.append([])
        self.used = 0.0
        return self.slide

    def place(self, height_pt: float, shows: str, fresh: bool = False) -> tuple[object, int]:
        """The slide and the top (EMU) where something ``height_pt`` tall goes: below what the
        current slide holds when it fits, else on a new slide."""
        if fresh or self.slide is None or height_pt > self.room:
            self.new_slide()
            top = 0.0
        else:
            top = self.used + GAP_PT
        self.used = top + height_pt
        self.shows[-1].append(shows)
        return self.slide, self.deck.geometry.top + to_emu(top)

    def flush_text(self) -> None:
        if not self.text:
            return
        width = self.width_pt - 14
        size, chunks = fitted_chunks(self.text, width, self.height_pt - 10,
                                     self.room - 10 if self.slide is not None else None, BULLET_INDENT)
        for index, chunk in enumerate(chunks):
            if not chunk:
                continue
            height = text_height(chunk, width, BULLET_INDENT, size) + 10
            slide, top = self.place(height, _describe_text(chunk), fresh=index > 0)
            _add_text(self.deck, slide, chunk, top, to_emu(height), size)
        self.text = []

    def draw(self, block: Block) -> None:
        kind = block.kind
        builder = DECK_BUILDERS.get(kind)
        if builder is None:
            raise UndrawableBlock(f"the deck cannot draw a block of kind {kind!r} (section «{self.title}»): "
                                  f"no builder in DECK_BUILDERS")
        builder(self, block)


def _describe_text(chunk: list[tuple[str, str]]) -> str:
    heading = next((text for kind, text in chunk if kind == "heading"), None)
    if heading:
        return f"testo, «{heading}»"
    words = chunk[0][1].split()
    return "testo da «" + " ".join(words[:6]) + ("…»" if len(words) > 6 else "»")


def _add_text(deck: Deck, slide, blocks: list[tuple[str, str]], top: int, height: int, size: float = TEXT_PT) -> None:
    g = deck.geometry
    paragraphs = [fastxml.TextPara(text, size, kind == "heading", deck.colours.primary if kind == "heading" else None,
                                   Pt(6), to_emu(BULLET_INDENT) if kind == "bullet" else None)
                  for kind, text in blocks]
    deck.textbox(slide, (g.left, top, g.body_width, height), paragraphs)


def _add_table(deck: Deck, slide, block: TableBlock, layout: TableLayout, page: list[int],
               description: str, top: int):
    """The table's page ``page`` at ``top``; returns its shape."""
    rows = [layout.rows[i] for i in page]
    tones = [[""] * len(layout.headers)] + [layout.tones[i] for i in page]
    heights = [layout.heights[0]] + [layout.heights[i + 1] for i in page]
    n_cols = len(layout.headers)
    numeric = [c.numeric for c in block.columns]
    colours = deck.colours
    status_hex = {"better": srgb_val(colours.better), "worse": srgb_val(colours.worse)}
    table_rows: list[fastxml.TableRow] = []
    for r, values in enumerate([layout.headers + ["header"]] + rows):
        kind = values[-1]
        bold = kind in ("header", "subtotal", "total", "group")
        fill = srgb_val(colours.primary) if kind == "header" else srgb_val(TABLE_GROUP) if kind == "group" \
            else srgb_val(TABLE_TOTAL) if kind in ("subtotal", "total") else None
        text_colour = srgb_val(colours.on_primary) if kind == "header" else srgb_val(colours.total) if fill else None
        cells = []
        for c in range(1 if kind == "group" else n_cols):
            status = tones[r][c]
            colour = status_hex[status] if status else text_colour  # the cue word is in the text too
            # a group heading spans the table, aligned left; a "di cui" row in italics, as the PDFs print them
            cells.append(fastxml.TableCell(values[c], numeric[c] and kind != "group", bold, colour, fill,
                                           kind == "detail"))
        table_rows.append(fastxml.TableRow(to_emu(heights[r]), kind == "group" and n_cols > 1, cells))
    frame = (deck.geometry.left, top, to_emu(sum(layout.widths)), to_emu(sum(heights)))
    widths = [to_emu(width) for width in layout.widths]
    font = FONT if deck.styled else None
    shape = fastxml.add_table(slide, frame[0], frame[1], widths, table_rows, layout.size, font)
    if shape is False:
        shape = _add_table_pptx(slide, frame, widths, table_rows, layout.size, font)
    shape._element.nvGraphicFramePr.cNvPr.set("descr", description)
    return shape


def _add_table_pptx(slide, frame: tuple[int, int, int, int], widths: list[int], rows: list[fastxml.TableRow],
                    size: float, font: str | None):
    """:func:`.fastxml.add_table` the way python-pptx does it, each cell written by
    :func:`.fastxml.write_cell` where it can."""
    shape = slide.shapes.add_table(len(rows), len(widths), *frame)
    table = shape.table
    # Widths and heights straight on the XML: python-pptx's setters re-add every row (column) to
    # resize the frame after each one, quadratic in the rows. The frame gets the same sums.
    tbl = table._tbl
    grid_columns = tbl.tblGrid.gridCol_lst
    for column, width in zip(grid_columns, widths):
        column.w = width
    tr_list = tbl.tr_lst
    for tr, row in zip(tr_list, rows):
        tr.h = row.height
    shape.width = Emu(sum(c.w for c in grid_columns))
    shape.height = Emu(sum(tr.h for tr in tr_list))
    centipoints = str(Pt(size).centipoints)
    for r, (tr, row) in enumerate(zip(tr_list, rows)):
        if row.spans:
            table.cell(r, 0).merge(table.cell(r, len(widths) - 1))
        for c, (tc, cell) in enumerate(zip(tr.tc_lst, row.cells)):
            if not fastxml.write_cell(tc, cell.text, cell.right, centipoints, cell.bold, font, cell.colour, cell.fill,
                                      cell.italic):
                fastxml.write_cell_pptx(table.cell(r, c), cell.text, cell.right, size, cell.bold, font, cell.colour,
                                        cell.fill, cell.italic)
    return shape


KPI_PER_ROW = 3


def kpi_geometry(deck: Deck, block: KpiBlock) -> tuple[int, int, int, int]:
    """Gap, box width, box height and total height (EMU) of a block's key-figure boxes."""
    g = deck.geometry
    gap = int(g.body_width * 0.03)
    box_w = (g.body_width - gap * (KPI_PER_ROW - 1)) // KPI_PER_ROW
    rows = (len(block.items) + KPI_PER_ROW - 1) // KPI_PER_ROW
    box_h = min(int(g.body_height * 0.4), (g.body_height - gap * (rows - 1)) // rows)
    return gap, box_w, box_h, rows * box_h + (rows - 1) * gap


def _add_kpis(deck: Deck, slide, block: KpiBlock, top: int) -> None:
    """Key figures as boxes: the figure large, its label, the comparison below; a figure
    better or worse than its target says so in a word."""
    g = deck.geometry
    per_row = KPI_PER_ROW
    gap, box_w, box_h, _ = kpi_geometry(deck, block)
    colours = deck.colours
    for index, item in enumerate(block.items):
        row, col = divmod(index, per_row)
        shape = slide.shapes.add_textbox(g.left + col * (box_w + gap), top + row * (box_h + gap), box_w, box_h)
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
    deck.textbox(slide, (g.left, top, g.body_width, height), [fastxml.TextPara(text, NOTE_PT, False) for text in notes])


def _caption(deck: Deck, slide, text: str, top: int, height: int) -> None:
    g = deck.geometry
    deck.textbox(slide, (g.left, top, g.body_width, height),
                 [fastxml.TextPara(text, CAPTION_PT, True, deck.colours.primary)])


def _table(slides: SectionSlides, block: TableBlock) -> None:
    """A table under its title, its notes (footnotes, note, source) under it, on every slide
    the table takes; a table that fits below what the slide holds goes there."""
    slides.flush_text()
    deck = slides.deck
    notes = table_notes(block)
    inner = slides.width_pt - 14
    measure = TextMeasure(NOTE_PT)
    notes_pt = sum(measure.lines(text, inner) for text in notes) * measure.line_height() + 8 \
        if notes else 0.0
    caption_measure = TextMeasure(CAPTION_PT, bold=True)
    caption_pt = caption_measure.lines(f"{block.title} (segue)", inner) * caption_measure.line_height() + 8
    extras = notes_pt + caption_pt
    layout = table_layout(block, deck.formatter, slides.width_pt, slides.height_pt - extras)
    if len(layout.pages) > 1 and slides.room > extras:  # begin below what the slide holds already
        sharing = table_layout(block, deck.formatter, slides.width_pt, slides.height_pt - extras,
                               first_height=slides.room - extras)
        if len(sharing.pages[0]) >= MIN_ROWS and len(sharing.pages[-1]) >= MIN_ROWS:
            layout = sharing
    layout.pages = [p for p in layout.pages if p]
    pages = len(layout.pages)
    for number, page in enumerate(layout.pages, start=1):
        description = f"Tabella «{block.title}»" + (f", parte {number} di {pages}" if pages > 1 else "")
        table_pt = layout.heights[0] + sum(layout.heights[i + 1] for i in page)
        shows = f"tabella «{block.title}»" + (f", parte {number} di {pages}" if pages > 1 else "")
        slide, top = slides.place(caption_pt + table_pt + notes_pt, shows)
        _caption(deck, slide, block.title if number == 1 else f"{block.title} (segue)", top, to_emu(caption_pt))
        shape = _add_table(deck, slide, block, layout, page, description, top + to_emu(caption_pt))
        if notes:  # right under the table (its rows' heights rounded to EMU one by one)
            _add_notes(deck, slide, notes, shape.top + shape.height, to_emu(notes_pt))


def _kpi(slides: SectionSlides, block: KpiBlock) -> None:
    slides.flush_text()
    height = kpi_geometry(slides.deck, block)[3]
    slide, top = slides.place(to_points(height), "dati chiave")
    _add_kpis(slides.deck, slide, block, top)


MIN_ROWS = 2  # rows of a table kept together on a slide
CHART_SHARE = 0.55  # a chart goes below other things when this much of the body is left


def _chart(slides: SectionSlides, block: ChartBlock) -> None:
    slides.flush_text()
    deck, g = slides.deck, slides.deck.geometry
    height = slides.room if slides.room >= slides.height_pt * CHART_SHARE else slides.height_pt
    slide, top = slides.place(height, f"grafico «{block.spec.title}»")
    add_native_chart(slide, block.spec, g.left, top, g.body_width, to_emu(height),
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
