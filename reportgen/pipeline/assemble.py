"""The pieces of a paged output (the A4 PDF, the slide PDF) and how they make one document.

Top-level sections are laid out in runs: a run starts a new page and holds the sections that
follow it on the page (``style.page_breaks``, A4 only; the slide PDF keeps a run per section).
Under ``auto`` a section follows the one before unless it is a Parte or holds more than half a
page: each section is first laid out on its own, which measures it (the page count and how
full the last page is, from WeasyPrint's boxes: exact and deterministic, where an estimate
from the text would be neither), and that piece is the run's when the run holds it alone;
a longer run is laid out again as one document. The front matter comes last, once the runs'
page counts give the contents' page numbers. The merge then numbers the pages continuously (a
section built alone keeps the numbers it has in the full report) and, for the archival
profile, attaches the report's tables as CSV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..content.model import Report, Section
from ..render.opendata import table_csvs
from ..render.pdf import PdfPiece

HALF_PAGE = 0.5  # a section holding more than this, in pages, starts a new one under `auto`
NEAR_EMPTY = 0.2  # a last page less full than this is a hole (reportgen.proof reports it)
# the number reportgen.content.numbering prints for a section of the `parte` style
_PART = re.compile(r"Parte [IVXLCDM]+")

Run = tuple[int, ...]  # indexes of consecutive top-level sections laid out as one piece


def starts_page(breaks: str, index: int, section: Section, alone: PdfPiece | None) -> bool | None:
    """Whether top-level section ``index`` starts a new page under ``breaks``; None while
    that depends on its measure (``alone``: the section laid out on its own) and it is not in."""
    if index == 0 or breaks == "chapters":
        return True
    if breaks == "none":
        return False
    if _PART.fullmatch(section.number):
        return True
    if alone is None:
        return None
    return alone.pages - 1 + alone.last_fill > HALF_PAGE


@dataclass
class Layout:
    """The pieces of one paged output as they arrive."""

    fmt: str  # output format: pdf, slides
    name: str  # its HTML layout
    variant: str  # WeasyPrint's PDF variant
    renderer: object
    css: str
    sections: tuple[Section, ...]
    breaks: str = "chapters"  # where a top-level section starts a page: style.page_breaks
    alone: dict[int, PdfPiece] = field(default_factory=dict)  # section index → laid out on its own
    pieces: dict[Run, PdfPiece] = field(default_factory=dict)  # run → its piece
    front: PdfPiece | None = None
    front_pages: int | None = None  # pages of the front matter, once known
    scheduled: set[int] = field(default_factory=set)  # sections whose own layout is under way
    unmeasured: set[int] = field(default_factory=set)  # sections laid out only in their run (needs_measure)
    started: set[Run] = field(default_factory=set)  # runs whose piece is under way
    cut: set[int] = field(default_factory=set)  # sections starting a page since their run ended in a hole

    @property
    def measured(self) -> bool:
        """Whether each section is first laid out on its own (to measure it, or as its run's
        piece); with ``none`` every section is in one run, and nothing is measured."""
        return self.breaks != "none"

    def needs_measure(self, index: int) -> bool:
        """Whether where section ``index`` starts a page depends on its length, measured by
        laying it out on its own. One that starts a page by rule (the first, a "Parte", every
        chapter under ``chapters``) needs no measure: once the run it begins is known to hold
        more, only the run is laid out (an edit of the first chapter costs one layout, not two)."""
        section = self.sections[index]
        return self.measured and starts_page(self.breaks, index, section, None) is None

    def runs(self) -> list[Run]:
        """The runs decided so far, in order: a run ends where the next section is known to
        start a page."""
        runs: list[Run] = []
        current: list[int] = []
        for index, section in enumerate(self.sections):
            starts = index in self.cut or starts_page(self.breaks, index, section, self.alone.get(index))
            if starts is None:
                return runs
            if starts and current:
                runs.append(tuple(current))
                current = []
            current.append(index)
        return [*runs, tuple(current)] if current else runs

    def keeps(self, run: Run, piece: PdfPiece) -> bool:
        """Whether ``piece`` stays the run's. A run whose last section spills a few lines onto
        a page of their own (under a fifth of it) is cut before that section, which then starts
        the page and fills it as it does alone (more than a fifth: no hole either way)."""
        last = self.alone.get(run[-1])
        if len(run) > 1 and piece.last_fill < NEAR_EMPTY and last is not None and last.last_fill >= NEAR_EMPTY:
            self.cut.add(run[-1])
            return False
        return True

    @property
    def complete(self) -> bool:
        """Every section is laid out in its run."""
        return sum(len(run) for run in self.pieces) == len(self.sections)

    def toc_pages(self) -> dict[str, int]:
        """The page of every section and subsection, counted from the front matter's length."""
        pages, start = {}, self.front_pages + 1
        for run in sorted(self.pieces):
            piece = self.pieces[run]
            for index in run:
                chapter = self.sections[index]
                first = piece.section_pages.get(chapter.id, 0)
                for inner in chapter.walk():  # a section without an anchor points at its chapter
                    pages[inner.id] = start + piece.section_pages.get(inner.id, first)
            start += piece.pages
        return pages

    def in_order(self) -> list[PdfPiece]:
        """The pieces as printed: the front matter (if any), then the runs."""
        pieces = [self.pieces[run] for run in sorted(self.pieces)]
        return [self.front, *pieces] if self.front is not None else pieces


def numbering(layout: Layout, page_map: dict, section: str | None) -> tuple[int, int | None]:
    """The first page number and the total printed: a section built alone is numbered as in
    the last full build, when there was one; otherwise 1 of this document's pages."""
    if layout.front is None:
        known = page_map.get(layout.name) or {}
        start = (known.get("sections") or {}).get(section)
        if isinstance(start, int) and isinstance(known.get("pages"), int):
            return start, known["pages"]
    return 1, None


def add_warnings(warnings: list[str], layout: Layout, pieces: list[PdfPiece]) -> None:
    """The layout warnings of ``pieces``, once each: one stylesheet's come with each of its pieces."""
    label = "PDF" if layout.fmt == "pdf" else layout.fmt
    for piece in pieces:
        for warning in piece.warnings:
            if f"{label}: {warning}" not in warnings:
                warnings.append(f"{label}: {warning}")


def attachments(report: Report) -> list[tuple[str, str, bytes]]:
    """The report's tables as the archival PDF attaches them: (file name, description, CSV)."""
    return [(table.path, f"{table.section_number} {table.section_title} – {table.title}", table.csv)
            for table in table_csvs(report)]


def page_record(layout: Layout, merged) -> dict:
    """What the page map remembers of a merged document (numbers for a section built alone)."""
    return {"pages": merged.pages, "sections": merged.section_pages,
            "front": layout.front.pages if layout.front else None}
