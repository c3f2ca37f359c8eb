"""Section numbers as the report prints them: ``1``, ``1.2``, ``Parte I``, ``A``, or none.

``report.yaml`` gives a style per level (``numbering: [parte, decimal, decimal]``); a section
with ``numbered: false`` (a Presentazione, a Sommario) has no number and does not count. Decimal
numbers join the decimal levels above them: under ``Parte I`` the chapters are ``1``, ``2``
and their sections ``1.1``, as in the seeds.
"""

from __future__ import annotations

from collections.abc import Sequence

STYLES = ("decimal", "roman", "parte", "letter", "none")
DEFAULT_STYLE = "decimal"

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    text = ""
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        text += letters * count
    return text


def letter(number: int) -> str:
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def style_of(styles: Sequence[str], level: int) -> str:
    """The style of a level (1-based); levels past the list repeat its last style."""
    if not styles:
        return DEFAULT_STYLE
    return styles[min(level, len(styles)) - 1]


def section_number(counters: Sequence[int], styles: Sequence[str]) -> str:
    """The printed number of a section whose counters, level by level, are ``counters``
    (0 where an ancestor is unnumbered)."""
    level = len(counters)
    style = style_of(styles, level)
    count = counters[-1]
    if style == "none" or count == 0:
        return ""
    if style == "roman":
        return roman(count)
    if style == "parte":
        return f"Parte {roman(count)}"
    if style == "letter":
        return letter(count)
    # decimal: joined with the decimal levels right above it (a Parte or a letter starts afresh)
    parts = [str(count)]
    for above in range(level - 1, 0, -1):
        if style_of(styles, above) != "decimal" or counters[above - 1] == 0:
            break
        parts.insert(0, str(counters[above - 1]))
    return ".".join(parts)
