"""Measuring text with the bundled font, so slide layouts can be decided before PowerPoint
or LibreOffice ever open the file: how many lines a cell wraps to, how tall a table is."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

from ..resources import font_path

_SCALE = 20  # measure at 20× the point size for sub-point precision


@lru_cache(maxsize=16)
def _font(style: str, size_pt: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), size=round(size_pt * _SCALE))


# A viewer without the bundled font substitutes another one, usually wider (LibreOffice's
# DejaVu Sans is about 15 % wider than Titillium Web): layouts keep that much room.
SUBSTITUTION_ALLOWANCE = 1.15


class TextMeasure:
    def __init__(self, size_pt: float, bold: bool = False, allowance: float = SUBSTITUTION_ALLOWANCE):
        self.size = size_pt
        self.font = _font("Bold" if bold else "Regular", size_pt)
        self.allowance = allowance

    def width(self, text: str) -> float:
        """Width in points, with the allowance for font substitution."""
        return self.font.getlength(text) / _SCALE * self.allowance

    def lines(self, text: str, width_pt: float) -> int:
        """Lines needed to show ``text`` in a box ``width_pt`` wide (greedy word wrap)."""
        if width_pt <= 0:
            return max(1, len(text))
        total = 0
        for paragraph in text.split("\n") or [""]:
            count, current = 1, 0.0
            space = self.width(" ")
            for word in paragraph.split():
                w = self.width(word)
                if current and current + space + w > width_pt:
                    count += 1
                    current = 0.0
                if w > width_pt:  # a word longer than the box breaks anywhere
                    extra = int(w // width_pt)
                    count += extra
                    current = w - extra * width_pt
                else:
                    current = current + space + w if current else w
            total += count
        return max(total, 1)

    def line_height(self, spacing: float = 1.2) -> float:
        return self.size * spacing
