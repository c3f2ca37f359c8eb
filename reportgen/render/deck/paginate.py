"""What fits on a slide: narrative chunks, and tables' font size, column widths, row heights
and pages. Heights are computed with the bundled font (:mod:`..measure`), so nothing leaves the
slide."""

from __future__ import annotations

from dataclasses import dataclass

from ...content.model import TableBlock
from ...formatting import Formatter
from ..common import cell_text, header_text, tone
from ..measure import TextMeasure

TEXT_PT = 14
CELL_PAD_PT = 3.6 * 2  # python-pptx default cell margins: 0,05 in top and bottom
CELL_SIDE_PT = 7.2 * 2  # 0,1 in left and right
TABLE_SIZES = (10, 9, 8, 7)  # points; a table with many columns steps down until its figures fit


def chunk_text(blocks: list[tuple[str, str]], width_pt: float, height_pt: float) -> list[list[tuple[str, str]]]:
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


def _natural_widths(block: TableBlock, texts: list[list[str]], headers: list[str], size: float) -> list[float]:
    measure = TextMeasure(size)
    bold = TextMeasure(size, bold=True)
    natural = []
    for index in range(len(block.columns)):
        widest = max([measure.width(r[index]) for r in texts] + [bold.width(w) for w in headers[index].split()])
        natural.append(widest + CELL_SIDE_PT + 2)
    return natural


def column_widths(block: TableBlock, texts: list[list[str]], headers: list[str],
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


def row_height(cells: list[str], widths: list[float], size: float, bold: bool = False) -> float:
    measure = TextMeasure(size, bold=bold)
    lines = max(measure.lines(text, w - CELL_SIDE_PT) for text, w in zip(cells, widths))
    return lines * measure.cell_line_height() + CELL_PAD_PT


@dataclass
class TableLayout:
    size: float
    headers: list[str]
    rows: list[list[str]]  # cell texts, then the row kind
    tones: list[list[str]]  # per cell: "better", "worse" or "" (the cue is already in the text)
    widths: list[float]
    heights: list[float]  # header first
    pages: list[list[int]]


def marked(text: str, marks: tuple[str, ...]) -> str:
    """A text with its footnote markers, as the deck prints them (no superscript in a table cell)."""
    return f"{text} ({','.join(marks)})" if marks else text


def table_layout(block: TableBlock, formatter: Formatter, width_pt: float, height_pt: float) -> TableLayout:
    # a two-level header in one row: the group heading before each column's own
    headers = [marked(f"{c.group} – {header_text(c)}" if c.group else header_text(c), c.marks) for c in block.columns]
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
        for index, (column, figure, repeat) in enumerate(zip(block.columns, row.cells, repeats)):
            status = "" if repeat else tone(figure)
            text = "" if repeat else marked(cell_text(formatter, column, figure), row.marks_of(index))
            cells.append(f"{text} {status.cue}" if status else text)  # never by colour alone
            statuses.append(str(status))
        texts.append(cells)
        tones.append(statuses)
        kinds.append(row.kind)
    size, widths = column_widths(block, texts, headers, width_pt)
    header_h = row_height(headers, widths, size, bold=True)
    heights = [row_height(t[:1], [sum(widths)], size, bold=True) if k == "group"
               else row_height(t, widths, size, bold=k not in ("data", "detail")) for t, k in zip(texts, kinds)]
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
    return TableLayout(size, headers, [[*t, k] for t, k in zip(texts, kinds)], tones, widths,
                       [header_h, *heights], pages)
