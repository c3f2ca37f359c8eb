"""What every renderer shares: how a table cell and a header read, how a figure's status
(better or worse than its target) is shown, and which text colours are readable. Both the
PDF and the deck call these, so the two outputs never disagree on a printed figure."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..content.model import Column
from ..engine import Figure
from ..engine.operations import PAIRWISE, POLARITY_TEXT
from ..formatting import UNAVAILABLE, Formatter
from ..load.config import Theme


def header_text(column: Column) -> str:
    """Column label with its unit: amounts print without the euro sign in the cells."""
    unit = "€" if column.type == "euro" else column.unit
    return f"{column.label} ({unit})" if unit else column.label


def cell_text(formatter: Formatter, column: Column, figure: Figure | None) -> str:
    if figure is None:
        return ""
    if figure.value is None:
        return UNAVAILABLE if column.numeric else ""
    return formatter.figure(figure, symbol=column.type != "euro")


# -- Status: better or worse, never by colour alone (WCAG 1.4.1) ------------------------------

# The word printed after a figure coloured as better or worse than its target. Words, not
# arrows or check marks: the bundled Titillium Web has no ▲▼↑↓✓✗ (a missing glyph would pull
# a system font into the PDF), and a word is read out by screen readers as it is seen.
CUES = {"better": "meglio", "worse": "peggio"}


def _scostamento_formula() -> re.Pattern:
    """The provenance text the engine writes for a scostamento computed with a polarity
    (its formula template, then "(higher is better)" or "(lower is better)")."""
    template = re.escape(PAIRWISE["scostamento"][3])
    for name in ("a", "b"):
        template = template.replace(re.escape("{" + name + "}"), r"\w+")
    notes = "|".join(re.escape(f"({text})") for text in POLARITY_TEXT.values())
    return re.compile(rf"{template} (?:{notes})")


_SCOSTAMENTO = _scostamento_formula()


class Tone(str):
    """``"better"``, ``"worse"`` or ``""``: a class name for colour, with :attr:`cue`, the word
    that says the same in text."""

    __slots__ = ()

    @property
    def cue(self) -> str:
        return CUES.get(str(self), "")


NO_TONE = Tone("")


def judged(figure: Figure) -> bool:
    """Whether the sign of ``figure`` says better or worse. True for a *scostamento*: computed
    with the row's polarity (its sign flipped when lower is better, so positive always means
    better: the engine's provenance says so), or a column named ``scostamento…`` (a published
    scostamento, a weighted mean of scostamenti, a reference to one: the Relazione's
    convention is the same). A change over the previous year (variazione, differenza,
    incremento), a carenza or a realizzazione is not judged by its sign: more payments or
    more staff are neither better nor worse in themselves."""
    if figure.formula and _SCOSTAMENTO.fullmatch(figure.formula):
        return True
    return figure.id.rsplit(".", 1)[-1].startswith("scostamento")


def tone(figure: Figure | None) -> Tone:
    """``better``/``worse`` for a scostamento (see :func:`judged`), for colour; its
    :attr:`Tone.cue` is printed next to the value, so colour is never the only cue."""
    if figure is None or not figure.signed or figure.number is None or figure.number == 0 or not judged(figure):
        return NO_TONE
    return Tone("better" if figure.number > 0 else "worse")


def status_cue(figure: Figure | None) -> str:
    """The word printed after ``figure`` (``""`` when it is not coloured)."""
    return tone(figure).cue


# -- Colour contrast (WCAG 2.1, 1.4.3) ---------------------------------------------------------

MIN_CONTRAST = 4.5  # normal text; the 3:1 of large text is not relied on
WHITE = "#ffffff"
BLACK = "#000000"
BETTER = "#1b6e35"  # the green of better-than-target figures (worse ones use the theme's accent)
# The tinted surfaces text is printed on, as the stylesheets and the deck fill them.
TABLE_SUBTOTAL = "#eef2f6"
TABLE_TOTAL = "#e1e8ef"
TABLE_GROUP = "#f4f6f8"
TABLE_SURFACES = (WHITE, TABLE_SUBTOTAL, TABLE_TOTAL, TABLE_GROUP)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    a, b = relative_luminance(first), relative_luminance(second)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white, keeping ``amount`` of it, in linear light: how DrawingML
    renders ``<a:tint>`` (a table style's band fills, for instance)."""
    mixed = []
    for channel in _rgb(colour):
        linear = _linear(channel) * amount + (1 - amount)
        srgb = linear * 12.92 if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055
        mixed.append(round(min(1.0, max(0.0, srgb)) * 255))
    return _hex(tuple(mixed))


@lru_cache(maxsize=256)
def _readable(colour: str, backgrounds: tuple[str, ...], minimum: float) -> str:
    def worst(candidate: str) -> float:
        return min(contrast_ratio(candidate, bg) for bg in backgrounds)

    if worst(colour) >= minimum:
        return colour
    # Darken on light backgrounds, lighten on dark ones: towards whichever extreme reads better.
    target = _rgb(BLACK) if worst(BLACK) >= worst(WHITE) else _rgb(WHITE)
    source = _rgb(colour)
    for step in range(1, 101):  # the least change that passes, in 1 % steps: the hue is kept
        t = step / 100
        candidate = _hex(tuple(round(s + (e - s) * t) for s, e in zip(source, target)))
        if worst(candidate) >= minimum:
            return candidate
    return _hex(target)


def readable(colour: str, *backgrounds: str, minimum: float = MIN_CONTRAST) -> str:
    """``colour`` if it reaches ``minimum`` contrast on every one of ``backgrounds``, else the
    same hue darkened (on light backgrounds) or lightened (on dark ones) just enough. As a
    background under white text, darkening a colour until white reads on it is the same
    operation: ``readable(fill, WHITE)``."""
    return _readable(colour, tuple(backgrounds) or (WHITE,), minimum)


def on_fill(fill: str, preferred: str = WHITE) -> str:
    """Text colour for a filled background: ``preferred`` (white) when it reads, else the
    nearest colour that does."""
    return readable(preferred, fill)


def text_on(fill: str) -> str:
    """White or black, whichever reads better on ``fill``: one of them always reaches 4.5:1
    (for chart labels printed on a series' colour)."""
    return WHITE if contrast_ratio(WHITE, fill) >= contrast_ratio(BLACK, fill) else BLACK


def status_colour(status: str, theme: Theme, *backgrounds: str) -> str:
    """Readable text colour of a better/worse figure on ``backgrounds``."""
    base = BETTER if status == "better" else theme.accent
    return readable(base, *(backgrounds or TABLE_SURFACES))


def accessible_theme(theme: Theme) -> Theme:
    """``theme`` with each text colour made readable on the surfaces it is printed on: primary
    (headings, links, group rows, and the fill under white header text), text (body, total
    rows), muted (notes, numbers, page margins), accent (worse figures, also on total rows).
    The deck uses it; the templates can use it in place of ``theme``."""
    return dataclasses.replace(
        theme,
        primary=readable(theme.primary, *TABLE_SURFACES),
        text=readable(theme.text, *TABLE_SURFACES),
        muted=readable(theme.muted, WHITE),
        accent=readable(theme.accent, *TABLE_SURFACES),
    )


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
