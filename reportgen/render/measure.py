"""Measuring text with the bundled font, so slide layouts can be decided before PowerPoint
or LibreOffice ever open the file: how many lines a cell wraps to, how tall a table is."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

from ..resources import font_path

_SCALE = 20  # measure at 20× the point size for sub-point precision
_MEMO_LIMIT = 50_000  # words remembered per font and size


@lru_cache(maxsize=16)
def _font(style: str, size_pt: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), size=round(size_pt * _SCALE))


@lru_cache(maxsize=16)
def _widths(style: str, size_pt: float) -> dict[str, float]:
    """Memo of word widths (in font units at the measuring scale) for one font and size: a
    deck measures the same words thousands of times, and FreeType is the slow part."""
    return {}


@lru_cache(maxsize=32)
def _points(style: str, size_pt: float, allowance: float) -> dict[str, float]:
    """Memo of :meth:`TextMeasure.width` for one font, size and allowance (the same float)."""
    return {}


@lru_cache(maxsize=32)
def _wrapped(style: str, size_pt: float, allowance: float) -> dict[tuple[str, float], int]:
    """Memo of :meth:`TextMeasure.lines` by text and width: a table's rows are measured again
    for each layout tried, a narrative for each size."""
    return {}


def _remember(memo: dict, key, value):
    if len(memo) >= _MEMO_LIMIT:  # bounded, for long-running processes (the preview)
        memo.clear()
    memo[key] = value
    return value


# A viewer without the bundled font substitutes another one, usually wider (LibreOffice's
# DejaVu Sans is about 15 % wider than Titillium Web): layouts keep that much room.
SUBSTITUTION_ALLOWANCE = 1.15


class TextMeasure:
    def __init__(self, size_pt: float, bold: bool = False, allowance: float = SUBSTITUTION_ALLOWANCE):
        self.size = size_pt
        style = "Bold" if bold else "Regular"
        self.font = _font(style, size_pt)
        self._lengths = _widths(style, size_pt)
        self._points = _points(style, size_pt, allowance)
        self._wrapped = _wrapped(style, size_pt, allowance)
        self.allowance = allowance

    def width(self, text: str) -> float:
        """Width in points, with the allowance for font substitution."""
        points = self._points.get(text)
        if points is None:
            length = self._lengths.get(text)
            if length is None:
                length = _remember(self._lengths, text, self.font.getlength(text))
            points = _remember(self._points, text, length / _SCALE * self.allowance)
        return points

    def lines(self, text: str, width_pt: float) -> int:
        """Lines needed to show ``text`` in a box ``width_pt`` wide (greedy word wrap)."""
        if width_pt <= 0:
            return max(1, len(text))
        count = self._wrapped.get((text, width_pt))
        if count is None:
            count = _remember(self._wrapped, (text, width_pt), self._wrap(text, width_pt))
        return count

    def _wrap(self, text: str, width_pt: float) -> int:
        total = 0
        points, width = self._points, self.width
        space = width(" ")
        for paragraph in text.split("\n") or [""]:
            count, current = 1, 0.0
            for word in paragraph.split():
                w = points.get(word)
                if w is None:
                    w = width(word)
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

    def cell_line_height(self) -> float:
        """A line in a table cell: viewers lay it out by the font's own ascent and descent
        (1,52 em for Titillium Web, measured in LibreOffice), not by 1,2 em as in a text box."""
        ascent, descent = self.font.getmetrics()
        return max((ascent + descent) / _SCALE, self.line_height())
