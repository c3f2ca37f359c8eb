"""The report as an editable PowerPoint deck (python-pptx).

The deck starts from a template (:mod:`.template`): the project's corporate ``.pptx`` or
python-pptx's default made 16:9, whose layouts and geometry the slides follow. After the title
slide, each section gets a divider if it is a chapter, then slides for its blocks
(:mod:`.slides`, :mod:`.blocks`: one builder per kind of block, :data:`DECK_BUILDERS`), sized
to fit (:mod:`.paginate`). The finished deck goes through accessibility passes
(:mod:`.accessibility`) and is written as a reproducible package (:mod:`.package`). A build
makes the same deck from parts (:mod:`.parts`): the title and contents slides and each
top-level section built and cached on their own, then streamed into one package, byte for
byte this one.
:mod:`.fastxml` holds the faster ways to python-pptx's own results that large decks need.
"""

from __future__ import annotations

import io
from pathlib import Path

from ...content.model import Report
from ...formatting import Formatter
from . import fastxml
from .accessibility import make_accessible
from .blocks import DECK_BUILDERS, UndrawableBlock
from .fonts import embed_fonts
from .package import document_moment, fixed_core_properties, normalize_zip
from .slides import section_slides, title_slide
from .state import Deck
from .template import SLIDE_16_9, SLIDE_LAYOUTS, Geometry, corporate_template, default_template, find_layout

__all__ = ["DECK_BUILDERS", "SLIDE_16_9", "SLIDE_LAYOUTS", "UndrawableBlock", "normalize_zip", "render_pptx"]


def render_pptx(report: Report, formatter: Formatter, project_root: Path | None = None) -> bytes:
    template = report.meta.theme.pptx_template
    prs = corporate_template(project_root / template) if template and project_root else default_template()
    deck = Deck(prs, report, formatter, styled=template is None,
                geometry=Geometry.of(prs, find_layout(prs, "content")))
    with fastxml.indexed_partnames(prs.part.package):
        if not report.partial:
            title_slide(deck, project_root)
        for section in report.sections:
            section_slides(deck, section)
    make_accessible(deck)
    if deck.styled:  # our own look uses Titillium Web: the deck carries it (a template brings its own fonts)
        embed_fonts(prs)
    fixed_core_properties(prs, report)
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalize_zip(buffer.getvalue(), document_moment(report))
