"""Numbering styles per level and unnumbered front matter."""

from __future__ import annotations

import pytest

from reportgen.content.numbering import letter, roman, section_number


@pytest.mark.parametrize("counters, styles, printed", [
    ((4,), (), "4"),
    ((4, 2), ("decimal",), "4.2"),
    ((2,), ("parte", "decimal", "decimal"), "Parte II"),
    ((2, 3), ("parte", "decimal", "decimal"), "3"),
    ((2, 3, 1), ("parte", "decimal", "decimal"), "3.1"),
    ((1, 1), ("decimal", "none"), ""),
    ((0, 2), ("decimal", "decimal"), "2"),  # under an unnumbered section
    ((3,), ("letter",), "C"),
    ((14,), ("roman",), "XIV"),
])
def test_section_numbers(counters, styles, printed):
    assert section_number(counters, styles) == printed


def test_roman_and_letters():
    assert [roman(n) for n in (1, 4, 9, 40, 1994)] == ["I", "IV", "IX", "XL", "MCMXCIV"]
    assert [letter(n) for n in (1, 26, 27, 52)] == ["A", "Z", "AA", "AZ"]
