"""The pieces of a paged output (the A4 PDF, the slide PDF) and how they make one document.

Sections are laid out on their own; the front matter comes last, once their page counts give
the contents' page numbers. The merge then numbers the pages continuously (a section built
alone keeps the numbers it has in the full report) and, for the archival profile, attaches
the report's tables as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content.model import Report, Section
from ..render.opendata import table_csvs
from ..render.pdf import PdfPiece


@dataclass
class Layout:
    """The pieces of one paged output as they arrive."""

    fmt: str  # output format: pdf, slides
    name: str  # its HTML layout
    variant: str  # WeasyPrint's PDF variant
    renderer: object
    css: str
    sections: tuple[Section, ...]
    pieces: dict[int, PdfPiece] = field(default_factory=dict)  # section index → its piece
    front: PdfPiece | None = None
    front_pages: int | None = None  # pages of the front matter, once known
    scheduled: set[int] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        """Every section is laid out."""
        return len(self.pieces) == len(self.sections)

    def toc_pages(self) -> dict[str, int]:
        """The page of every section and subsection, counted from the front matter's length."""
        pages, start = {}, self.front_pages + 1
        for index, section in enumerate(self.sections):
            piece = self.pieces[index]
            for inner in section.walk():  # a section without an anchor points at its chapter
                pages[inner.id] = start + piece.section_pages.get(inner.id, 0)
            start += piece.pages
        return pages

    def in_order(self) -> list[PdfPiece]:
        """The pieces as printed: the front matter (if any), then the sections."""
        pieces = [self.pieces[i] for i in range(len(self.sections))]
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
