"""Colours that read: WCAG contrast, readable variants of a theme's colours, tints.

Below every stage that draws (charts, the PDF and the deck all choose text colours with these),
so that no stage reaches forward to a later one for them.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from .load.config import Theme

MIN_CONTRAST = 4.5  # normal text; the 3:1 of large text is not relied on
WHITE = "#ffffff"
BLACK = "#000000"
BETTER = "#1b6e35"  # the green of better-than-target figures (worse ones use the theme's accent)
# The tinted surfaces text is printed on, as the stylesheets and the deck fill them.
TABLE_SUBTOTAL = "#eef2f6"
TABLE_TOTAL = "#e1e8ef"
TABLE_GROUP = "#f4f6f8"
TABLE_SURFACES = (WHITE, TABLE_SUBTOTAL, TABLE_TOTAL, TABLE_GROUP)


def rgb_triplet(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as its three channels, 0–255."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    r, g, b = (_linear(c) for c in rgb_triplet(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    a, b = relative_luminance(first), relative_luminance(second)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white, keeping ``amount`` of it, in linear light: how DrawingML
    renders ``<a:tint>`` (a table style's band fills, for instance)."""
    mixed = []
    for channel in rgb_triplet(colour):
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
    target = rgb_triplet(BLACK) if worst(BLACK) >= worst(WHITE) else rgb_triplet(WHITE)
    source = rgb_triplet(colour)
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
