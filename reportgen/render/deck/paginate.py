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
SMALLER_TEXT_PT = (13, 12)  # a narrative steps down to these rather than leave a few lines alone on a slide
SHORT_TAIL = 0.3  # of a slide's height: a last slide of text this empty is a short tail
CELL_PAD_PT = 3.6 * 2  # python-pptx default cell margins: 0,05 in top and bottom
CELL_SIDE_PT = 7.2 * 2  # 0,1 in left and right
TABLE_SIZES = (10, 9, 8, 7, 6)  # points; a table with many columns steps down until its figures fit


GAP_AFTER_PT = 6  # after each paragraph


def _line_height(measure: TextMeasure) -> float:
    # viewers set a line by the font's ascent and descent (1,52 em for Titillium Web), not 1,2 em
    return measure.cell_line_height()


def _lines(measure: TextMeasure, kind: str, text: str, width_pt: float, indent: float) -> int:
    return measure.lines(text, width_pt - (indent if kind == "bullet" else 0))


def text_height(blocks: list[tuple[str, str]], width_pt: float, indent: float = 0.0, size: float = TEXT_PT) -> float:
    """Points the narrative blocks take in a text box ``width_pt`` wide (inside its margins)."""
    measure = TextMeasure(size)
    return sum(_lines(measure, k, t, width_pt, indent) * _line_height(measure) + GAP_AFTER_PT for k, t in blocks)


def chunk_text(blocks: list[tuple[str, str]], width_pt: float, height_pt: float, first_height: float | None = None,
               indent: float = 0.0, size: float = TEXT_PT) -> list[list[tuple[str, str]]]:
    """Group narrative blocks into slide-sized chunks; a paragraph too long for one slide is
    split at sentence boundaries; a heading never ends a slide. With ``first_height`` the
    first chunk is for the room left on a slide already begun: it may come back empty."""
    measure = TextMeasure(size)
    line_h = _line_height(measure)
    capacity_lines = max(1, int(height_pt // line_h) - 1)
    pieces: list[tuple[str, str]] = []
    for kind, text in blocks:
        if _lines(measure, kind, text, width_pt, indent) <= capacity_lines:
            pieces.append((kind, text))
            continue
        current = ""
        for sentence in text.replace(". ", ".\u0000").split("\u0000"):
            candidate = f"{current} {sentence}".strip()
            if current and _lines(measure, kind, candidate, width_pt, indent) > capacity_lines:
                pieces.append((kind, current))
                current = sentence
            else:
                current = candidate
        if current:
            pieces.append((kind, current))
    chunks: list[list[tuple[str, str]]] = [[]]
    limit = height_pt if first_height is None else first_height
    used = 0.0
    for piece in pieces:
        needed = _lines(measure, piece[0], piece[1], width_pt, indent) * line_h + GAP_AFTER_PT
        if (chunks[-1] or len(chunks) == 1 and first_height is not None) and used + needed > limit:
            carried = [chunks[-1].pop()] if chunks[-1] and chunks[-1][-1][0] == "heading" else []
            chunks.append(carried)
            limit = height_pt
            used = text_height(carried, width_pt, indent, size)
        chunks[-1].append(piece)
        used += needed
    if first_height is not None:
        return [chunks[0]] + [c for c in chunks[1:] if c]
    return [c for c in chunks if c]


# What must never break (a figure, a header word) is measured for the widest font a viewer may
# put in Titillium Web's place: LibreOffice's DejaVu Sans sets these up to 31 % wider.
UNBROKEN_ALLOWANCE = 1.35


def _natural_widths(block: TableBlock, texts: list[list[str]], headers: list[str], size: float) -> list[float]:
    measure = TextMeasure(size)
    figures = TextMeasure(size, allowance=UNBROKEN_ALLOWANCE)
    bold = TextMeasure(size, bold=True, allowance=UNBROKEN_ALLOWANCE)
    natural = []
    for index, column in enumerate(block.columns):
        cells = figures if column.numeric else measure
        widest = max([cells.width(r[index]) for r in texts] + [bold.width(w) for w in headers[index].split()])
        natural.append(widest + CELL_SIDE_PT + 2)
    return natural


def _word_minimums(block: TableBlock, headers: list[str], size: float) -> list[float]:
    """The narrowest each column may be: its longest header word unbroken ("Numero", never
    "Numer/o"), and a figure column its widest figure (an amount never breaks across lines)."""
    bold = TextMeasure(size, bold=True, allowance=UNBROKEN_ALLOWANCE)
    return [max(bold.width(w) for w in (header.split() or [""])) + CELL_SIDE_PT + 2 for header in headers]


def _at_least(widths: list[float], minimums: list[float], total: float) -> list[float]:
    """Widen the columns under their minimum, taking the room from those above theirs."""
    widths = [max(w, m) for w, m in zip(widths, minimums)]
    excess = sum(widths) - total
    spare = [w - m for w, m in zip(widths, minimums)]
    if excess > 0 and sum(spare) > 0:
        share = min(1.0, excess / sum(spare))
        widths = [w - s * share for w, s in zip(widths, spare)]
    return widths


def column_widths(block: TableBlock, texts: list[list[str]], headers: list[str],
                  total: float) -> tuple[float, list[float]]:
    """Choose the font size and share the width by content: figures keep their natural
    width, text columns share the rest and wrap, no header word and no figure is broken. The
    widths always add up to ``total``, so the table never leaves the slide."""
    numeric = [c.numeric for c in block.columns]
    for size in TABLE_SIZES:
        natural = _natural_widths(block, texts, headers, size)
        minimums = [max(m, n) if numeric_ else m
                    for m, n, numeric_ in zip(_word_minimums(block, headers, size), natural, numeric)]
        fixed = sum(w for w, n in zip(natural, numeric) if n)
        flexible = [w for w, n in zip(natural, numeric) if not n]
        if fixed + sum(max(60, m) for m, n in zip(minimums, numeric) if not n) <= total:
            break
    return size, _at_least(_share(natural, numeric, total, fixed, flexible), minimums, total)


def _share(natural: list[float], numeric: list[bool], total: float, fixed: float,
           flexible: list[float]) -> list[float]:
    if sum(natural) <= total:
        extra = (total - sum(natural)) / len(natural)
        return [w + extra for w in natural]
    rest = total - fixed
    if not flexible or rest <= 0:  # even the smallest size does not fit: shrink every column
        return [w * total / sum(natural) for w in natural]
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
    return [w * scale for w in widths]


def row_height(cells: list[str], widths: list[float], size: float, bold: bool = False) -> float:
    """A row as tall as its cell of most lines, wrapped as the widest substitute font wraps it
    (LibreOffice without Titillium Web): a row measured shorter pushes what is below it down."""
    measure = TextMeasure(size, bold=bold, allowance=UNBROKEN_ALLOWANCE)
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


def table_layout(block: TableBlock, formatter: Formatter, width_pt: float, height_pt: float,
                 first_height: float | None = None) -> TableLayout:
    """Font size, widths, row heights and pages of a table; with ``first_height`` its first page
    is for the room left on a slide already begun (it may come back empty)."""
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
    available = (height_pt if first_height is None else first_height) - header_h
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, height in enumerate(heights):
        if (pages[-1] or len(pages) == 1 and first_height is not None) and used + height > available:
            available = height_pt - header_h
            carried = []
            if pages[-1] and kinds[pages[-1][-1]] == "group" and len(pages[-1]) > 1:  # keep a heading with its rows
                carried = [pages[-1].pop()]
            elif kinds[index] in ("total", "subtotal") and len(pages[-1]) > 2:  # a total never stands alone
                carried = [pages[-1].pop()]
            pages.append(carried)
            used = sum(heights[i] for i in carried)
        pages[-1].append(index)
        used += height
    return TableLayout(size, headers, [[*t, k] for t, k in zip(texts, kinds)], tones, widths,
                       [header_h, *heights], pages)


def fitted_chunks(blocks: list[tuple[str, str]], width_pt: float, height_pt: float, first_height: float | None,
                  indent: float) -> tuple[float, list[list[tuple[str, str]]]]:
    """Size and chunks of a narrative: at the body size, unless its last slide would hold only
    a few lines that a size or two smaller brings onto the slides before (fewer, fuller slides)."""
    chunks = chunk_text(blocks, width_pt, height_pt, first_height, indent)
    filled = [c for c in chunks if c]
    if len(filled) < 2 or text_height(filled[-1], width_pt, indent) > SHORT_TAIL * height_pt:
        return TEXT_PT, chunks
    for size in SMALLER_TEXT_PT:
        smaller = chunk_text(blocks, width_pt, height_pt, first_height, indent, size)
        if len([c for c in smaller if c]) < len(filled):
            return size, smaller
    return TEXT_PT, chunks
