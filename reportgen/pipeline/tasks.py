"""The work done in worker processes: module functions, so that they can be sent there.

The merge and the deck import their renderers here, when they run, on purpose: pikepdf with
fontTools and python-pptx cost about half a second, which the main process does not spend
when the workers do that work (nor when a build finds nothing changed).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..content.model import Report
from ..formatting import Formatter
from ..render.common import Contents, Folio
from ..render.pdf import PdfPiece, render_pdf


def lay_out(html: str, css: str, root: Path, variant: str | None, numbers: int = 0) -> PdfPiece:
    """A piece laid out and made ready for the merge (what depends on it alone, done once
    here, in parallel, and cached with it: after an edit the merge only stitches). ``numbers``:
    the contents' page numbers it holds as placeholders (see render.merge.prepare_piece)."""
    from ..render.merge import prepare_piece

    return prepare_piece(render_pdf(html, css, root, variant), numbers)


@dataclass(frozen=True)
class Merged:
    """A merged document as it comes back from a worker: plain data, so that reading it does
    not import pikepdf into the main process (render.merge's own result would, at the end of
    every build that merges)."""

    data: bytes
    pages: int
    section_pages: dict[str, int]


def merge(pieces: Sequence[PdfPiece], folio: Folio, colour: str, first: int, total: int | None, archival: bool,
          attachments: Sequence[tuple[str, str, bytes]], date: _dt.date | None,
          contents: Contents | None = None) -> Merged:
    """The merged document; ``attachments`` as (file name, description, data)."""
    from ..render.merge import merge_pieces
    from ..render.pdfpost import Attachment

    files = [Attachment(name, description, data) for name, description, data in attachments]
    merged = merge_pieces(pieces, folio, colour, first, total, archival, files, date, contents)
    return Merged(merged.data, merged.pages, dict(merged.section_pages))


def deck_part(report: Report, formatter: Formatter, root: Path, which: int) -> bytes:
    """The slides of the title (``which`` -1) or of one top-level section, as a deck part."""
    from ..render.deck.parts import render_part

    return render_part(report, formatter, root, which)


def assemble_deck(report: Report, formatter: Formatter, root: Path, parts: Sequence[bytes]) -> bytes:
    from ..render.deck.parts import assemble

    return assemble(report, formatter, root, list(parts))
