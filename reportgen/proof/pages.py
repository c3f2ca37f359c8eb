"""Layout problems read back from a finished PDF, page by page: text outside the page, text
drawn over text, pages under a fifth full (except a chapter's last, a divider, the cover),
and on slides chart text under 14 pt.

Pages have a running header and footer in their top and bottom bands: what is measured is
the band between them. A chapter starts where a top-level bookmark points (the A4 and slide
PDFs) or, in a deck printed by LibreOffice, on a page with a title and nothing else.
"""

from __future__ import annotations

import ctypes
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

BAND = 0.06  # of the page height: running header at the top, footer and page number at the bottom
NEAR_EMPTY = 0.2  # a page less full than this is a hole in the document
OVERLAP = 0.5  # of the smaller glyph's area: two glyphs drawn over each other
CHART_TEXT_PT = 14  # the least a projected chart's text may be
SLIDE_KINDS = ("slides", "deck")
_FORM = pdfium_c.FPDF_PAGEOBJ_FORM
_TEXT = pdfium_c.FPDF_PAGEOBJ_TEXT
_GRID = 24.0  # points: glyphs are compared with those in the same cell of this grid


@dataclass(frozen=True, order=True)
class Problem:
    output: str
    page: int  # 1-based
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.output} p. {self.page}: {self.kind}: {self.detail}"


@dataclass
class _Glyph:
    index: int
    char: str
    box: tuple[float, float, float, float]  # left, bottom, right, top
    size: float


def _glyphs(textpage) -> list[_Glyph]:
    glyphs = []
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    for index in range(count):
        char = text[index] if len(text) == count else textpage.get_text_range(index, 1)
        if not char.strip():
            continue
        box = textpage.get_charbox(index)
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        glyphs.append(_Glyph(index, char, box, pdfium_c.FPDFText_GetFontSize(textpage.raw, index)))
    return glyphs


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _overlap(a, b) -> float:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def _overlapping(glyphs: list[_Glyph]) -> list[tuple[_Glyph, _Glyph]]:
    """Pairs of glyphs, not next to each other in the text, drawn on top of each other."""
    cells: dict[tuple[int, int], list[_Glyph]] = defaultdict(list)
    for glyph in glyphs:
        l, b, r, t = glyph.box
        for x in range(int(l // _GRID), int(r // _GRID) + 1):
            for y in range(int(b // _GRID), int(t // _GRID) + 1):
                cells[x, y].append(glyph)
    found, seen = [], set()
    for members in cells.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if abs(a.index - b.index) <= 1 or (a.index, b.index) in seen:
                    continue
                if abs(a.index - b.index) <= 3 and all(abs(x - y) < 0.01 for x, y in zip(a.box, b.box)):
                    continue  # the letters of one ligature ("ffi") share its glyph's box
                seen.add((a.index, b.index))
                if _overlap(a.box, b.box) > OVERLAP * min(_area(a.box), _area(b.box)):
                    found.append((a, b))
    return found


def _text_near(glyphs: list[_Glyph], glyph: _Glyph, width: int = 12) -> str:
    ordered = sorted(glyphs, key=lambda g: g.index)
    position = next(i for i, g in enumerate(ordered) if g.index == glyph.index)
    return "".join(g.char for g in ordered[max(0, position - width // 2): position + width // 2])


def _scale(matrix) -> float:
    a, b, c, d, _, _ = matrix.get()
    return math.sqrt(abs(a * d - b * c))


def _figure_marks(page) -> set[int]:
    """The marked-content ids of the page's Figure elements (its charts and pictures) in the
    PDF's structure tree: what is drawn inside a figure carries one of them."""
    marks: set[int] = set()
    tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
    if not tree:
        return marks
    buffer = ctypes.create_string_buffer(64)

    def walk(element) -> None:
        length = pdfium_c.FPDF_StructElement_GetType(element, buffer, len(buffer))
        kind = buffer.raw[:length].decode("utf-16-le", "replace").rstrip("\x00") if length else ""
        if kind == "Figure":
            for i in range(max(0, pdfium_c.FPDF_StructElement_GetMarkedContentIdCount(element))):
                marks.add(pdfium_c.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i))
        for i in range(max(0, pdfium_c.FPDF_StructElement_CountChildren(element))):
            child = pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i)
            if child:
                walk(child)

    try:
        for i in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
            child = pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, i)
            if child:
                walk(child)
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)
    marks.discard(-1)
    return marks


def _chart_text(page) -> list[tuple[float, tuple[float, float, float, float]]]:
    """Size in points as drawn (the font size through every matrix) and bounds of each text
    object drawn inside a figure."""
    marks = _figure_marks(page)
    found = []
    for obj in page.get_objects(max_depth=8):
        if obj.type != _TEXT or pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw) not in marks:
            continue
        size = obj.get_font_size() * _scale(obj.get_matrix())
        container = getattr(obj, "container", None)
        while container is not None:
            size *= _scale(container.get_matrix())
            container = getattr(container, "container", None)
        found.append((size, tuple(obj.get_bounds())))
    return found


def _inside(box, frame, slack: float = 1.0) -> bool:
    return frame[0] - slack <= box[0] and box[2] <= frame[2] + slack and frame[1] - slack <= box[1] \
        and box[3] <= frame[3] + slack


def _forms(page) -> list[tuple[float, float, float, float]]:
    """The bounds of the drawings placed on the page (charts are form XObjects)."""
    return [tuple(obj.get_bounds()) for obj in page.get_objects(max_depth=1) if obj.type == _FORM]


def _chapter_starts(pdf, kind: str, texts: list[str]) -> set[int]:
    """0-based pages where a chapter begins; on slides, where any section begins (each starts
    a slide of its own by design, so its last one may be short)."""
    starts = set()
    for bookmark in pdf.get_toc():
        destination = bookmark.get_dest()
        if (bookmark.level == 0 or kind in SLIDE_KINDS) and destination is not None \
                and destination.get_index() is not None:
            starts.add(destination.get_index())
    if kind == "deck":  # LibreOffice's PDF of a deck has no bookmarks: dividers hold a title only
        starts |= {i for i, text in enumerate(texts) if len(text) < 120}
    return starts


def check_pdf(path: Path, kind: str, label: str | None = None) -> list[Problem]:
    """Every layout problem found on the pages of ``path`` (``kind``: a4, slides or deck)."""
    label = label or path.name
    pdf = pdfium.PdfDocument(str(path))
    problems: list[Problem] = []
    pages: list[dict] = []
    for number in range(len(pdf)):
        page = pdf[number]
        width, height = page.get_size()
        textpage = page.get_textpage()
        glyphs = _glyphs(textpage)
        top, bottom = height * (1 - BAND), height * BAND
        body = [g for g in glyphs if g.box[1] < top and g.box[3] > bottom]
        forms = _forms(page)
        drawings = [b for b in forms if b[1] < top and b[3] > bottom]
        lowest = min([g.box[1] for g in body] + [b[1] for b in drawings], default=top)
        pages.append({"fullness": (top - max(lowest, bottom)) / (top - bottom),
                      "text": "".join(g.char for g in body)})
        outside = [g for g in glyphs if g.box[0] < -0.5 or g.box[2] > width + 0.5 or g.box[1] < -0.5
                   or g.box[3] > height + 0.5]
        if outside:
            problems.append(Problem(label, number + 1, "text outside the page",
                                    f"«{_text_near(glyphs, outside[0])}»"))
        overlapping = _overlapping(glyphs)
        if overlapping:
            charts = [box for _, box in _chart_text(page)]
            a, b = overlapping[0]
            in_chart = any(_inside(a.box, box) or _inside(b.box, box) for box in charts)
            problems.append(Problem(label, number + 1, "overlapping text in a chart" if in_chart else "overlapping text",
                                    f"«{_text_near(glyphs, a)}»"))
        if kind in SLIDE_KINDS:
            small = [(size, box) for size, box in _chart_text(page) if 0 < size < CHART_TEXT_PT - 0.05]
            if small:
                size, box = min(small)
                near = next((g for g in glyphs if _inside(g.box, box)), None)
                problems.append(Problem(label, number + 1, "chart text under 14 pt",
                                        f"{size:.1f} pt" + (f", «{_text_near(glyphs, near)}»" if near else "")))
    texts = [p["text"] for p in pages]
    starts = _chapter_starts(pdf, kind, texts)
    for number, info in enumerate(pages):
        last_of_chapter = number + 1 in starts or number == len(pages) - 1
        divider = number in starts and kind in SLIDE_KINDS
        if number == 0 or last_of_chapter or divider or info["fullness"] >= NEAR_EMPTY:
            continue
        problems.append(Problem(label, number + 1, "near-empty page", f"{info['fullness']:.0%} full"))
    pdf.close()
    return sorted(problems)
