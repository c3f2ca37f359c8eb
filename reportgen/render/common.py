"""What every renderer shares: how a table cell and a header read, how a figure's status
(better or worse than its target) is shown, and which text colours are readable. Both the
PDF and the deck call these, so the two outputs never disagree on a printed figure."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ..colours import (  # noqa: F401 - the templates and renderers take them from here
    BETTER,
    MIN_CONTRAST,
    TABLE_GROUP,
    TABLE_SUBTOTAL,
    TABLE_SURFACES,
    TABLE_TOTAL,
    WHITE,
    accessible_theme,
    contrast_ratio,
    on_fill,
    readable,
    status_colour,
    text_on,
    tint,
)
from ..content.model import Column
from ..engine import Figure
from ..formatting import Formatter


def header_text(column: Column) -> str:
    """Column label with its unit: amounts print without the euro sign in the cells."""
    unit = "€" if column.type == "euro" else column.unit
    return f"{column.label} ({unit})" if unit else column.label


def cell_text(formatter: Formatter, column: Column, figure: Figure | None) -> str:
    if figure is None:
        return ""
    if figure.value is None:
        return formatter.style.missing if column.numeric else ""
    return formatter.figure(figure, symbol=column.type != "euro")


# -- Status: better or worse, never by colour alone (WCAG 1.4.1) ------------------------------

# The word printed after a figure coloured as better or worse than its target. Words, not
# arrows or check marks: the bundled Titillium Web has no ▲▼↑↓✓✗ (a missing glyph would pull
# a system font into the PDF), and a word is read out by screen readers as it is seen.
CUES = {"better": "meglio", "worse": "peggio"}


class Tone(str):
    """``"better"``, ``"worse"`` or ``""``: a class name for colour, with :attr:`cue`, the word
    that says the same in text."""

    __slots__ = ()

    @property
    def cue(self) -> str:
        return CUES.get(str(self), "")


NO_TONE = Tone("")


def judged(figure: Figure) -> bool:
    """Whether the sign of ``figure`` says better or worse: its judgement, from the operation
    that computed it and its column (see :mod:`reportgen.load.operations`). A scostamento is;
    a change over the previous year (variazione, differenza), a carenza or a realizzazione is
    not: more payments or more staff are neither better nor worse in themselves."""
    return figure.judgement is not None and figure.judgement.by_sign


def tone(figure: Figure | None) -> Tone:
    """``better``/``worse`` for a scostamento (see :func:`judged`), for colour; its
    :attr:`Tone.cue` is printed next to the value, so colour is never the only cue."""
    if figure is None or not figure.signed or figure.number is None or figure.number == 0 or not judged(figure):
        return NO_TONE
    return Tone("better" if figure.number > 0 else "worse")


def status_cue(figure: Figure | None) -> str:
    """The word printed after ``figure`` (``""`` when it is not coloured)."""
    return tone(figure).cue


def iso_date(value: _dt.date | None) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True, slots=True)
class Folio:
    text: str  # with {page} and {pages}
    style: str  # the bundled font's style: Regular, SemiBold, Bold
    size: float  # points
    right_mm: float  # the right page margin: the number ends there
    bottom_mm: float  # the bottom page margin: the number is centred in it

    def label(self, page: int, pages: int) -> str:
        return self.text.format(page=page, pages=pages)


# Page numbers are drawn on the merged PDF (render.folio); the stylesheets take their page
# margins from here, so that the number sits in the margin box
FOLIOS = {
    "pdf": Folio("Pagina {page} di {pages}", "Regular", 8, right_mm=18, bottom_mm=20),
    "slides": Folio("{page}", "SemiBold", 10, right_mm=16, bottom_mm=14),
}

# The colour the contents' page numbers are laid out in while they are placeholders, before the
# sections' pages are known: no text of a report is drawn in it, so the merge finds them by it
# and writes the numbers in (render.contents). A CSS colour and its 0–255 channels.
CONTENTS_PLACEHOLDER = (1, 2, 3)
CONTENTS_PLACEHOLDER_CSS = "rgb({}, {}, {})".format(*CONTENTS_PLACEHOLDER)


@dataclass(frozen=True, slots=True)
class Contents:
    """The contents' page numbers, written over their placeholders at the merge."""

    pages: dict[int, str]  # section index in report.walk() → the number printed
    colour: str  # the colour the contents print them in
