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


def test_front_matter_and_parts_in_every_output(tmp_path):
    from reportgen.project import compile_project
    from reportgen.render.html import render_html
    from tests.conftest import write_project

    report = """\
        administration: Ente
        year: 2024
        title: Nota
        style: {numbering: [parte, decimal]}
        sections:
          - {id: presentazione, title: Presentazione, numbered: false, blocks: []}
          - id: contesto
            title: Il contesto
            blocks: []
            sections:
              - {id: risorse, title: Le risorse, blocks: []}
              - {id: persone, title: Le persone, blocks: []}
          - {id: obiettivi, title: Gli obiettivi, blocks: []}
    """
    compiled = compile_project(write_project(tmp_path / "p", report, {}))
    headings = [s.heading for s in compiled.report.walk()]
    assert headings == ["Presentazione", "Parte I Il contesto", "1 Le risorse", "2 Le persone", "Parte II Gli obiettivi"]
    html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout="pdf")
    assert '<span class="number">Parte I</span> Il contesto' in html
    assert '<span class="number"></span>' not in html
