"""Pages of a PDF as images, each named by the section it belongs to.

A page's key is ``<section>#<n>``: the n-th page of that section. Sections come from the PDF's
bookmarks (reportgen bookmarks exactly the section tree), so an inserted section shifts no
other page's key, and an extra page in one section leaves the others matched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..load.tables import slug

FRONT = "front"  # pages before the first section: cover, table of contents
_NUMBER = re.compile(r"^\d+(\.\d+)*\s+")


@dataclass(slots=True)
class PageImage:
    key: str  # "<section>#<n>"
    section: str
    index: int  # 1-based within the section
    number: int  # 1-based page of the PDF
    size: tuple[float, float]  # points
    image: Image.Image


def section_key(title: str, ids: Mapping[str, str] | None = None) -> str:
    """A section's id when known (from the report), else its title without the number."""
    if ids and title in ids:
        return ids[title]
    return slug(_NUMBER.sub("", title)) or "section"


def rasterize(pdf: Path, dpi: int, ids: Mapping[str, str] | None = None) -> list[PageImage]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        starts: list[tuple[int, str]] = []
        for bookmark in document.get_toc():
            destination = bookmark.get_dest()
            if destination is not None:
                starts.append((destination.get_index(), section_key(bookmark.get_title(), ids)))
        pages: list[PageImage] = []
        counts: dict[str, int] = {}
        for number in range(len(document)):
            at = [key for start, key in starts if start <= number]
            section = at[-1] if at else FRONT  # the last section begun: the deepest on shared pages
            counts[section] = counts.get(section, 0) + 1
            page = document[number]
            image = page.render(scale=dpi / 72).to_pil().convert("RGB")
            pages.append(PageImage(f"{section}#{counts[section]}", section, counts[section], number + 1,
                                   tuple(page.get_size()), image))
        return pages
    finally:
        document.close()
