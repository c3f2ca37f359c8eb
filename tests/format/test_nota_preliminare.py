"""The proof that the format is general: the Nota preliminare 2024 (seed 001), a third document of
the performance cycle, built from configuration, data, narrative and templates only. Its figures
are inputs and derivations, its printed totals check values; nothing in reportgen knows its name."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

import reportgen
from reportgen.api import build
from reportgen.project import compile_project
from reportgen.readiness import check_project
from tests.conftest import SAMPLE_NOTA


@pytest.fixture(scope="module")
def nota():
    return compile_project(SAMPLE_NOTA)


@pytest.mark.parametrize("figure_id, printed", [
    ("capitoli.r5u1104050.preventivo_assestato", "278.060.700,00"),
    ("personale.totali.consistenza_2023", "25.861"),
    ("personale.totali.consistenza_2024", "29.196"),
    ("ieep.ieep_accertato.obiettivo", "4.249.834.748"),
    ("ieep.ieep_incassi_e_pagamenti.obiettivo", "7.930.574.518"),
    ("ieep.interessi_legali.obiettivo", "25.428.553"),
])
def test_the_nota_prints_the_seeds_figures(nota, figure_id, printed):
    figure = nota.result.figure(figure_id)
    assert figure is not None, figure_id
    assert nota.formatter.figure(figure, symbol=False) == printed


def test_its_totals_are_computed_and_every_check_value_matches(nota):
    assert nota.result.figure("personale.totali.consistenza_2023").formula  # computed, not typed
    assert nota.result.figure("ieep.ieep_accertato.obiettivo").formula
    assert len(nota.result.checks) >= 10 and not nota.result.failed_checks
    assert check_project(SAMPLE_NOTA).ready


def test_the_ieep_objectives_print_as_the_seeds_two_tables(nota):
    section = next(s for s in nota.report.walk() if s.id == "ieep")
    tables = [b for b in section.blocks if b.kind == "table"]
    assert len(tables) == 2
    first = [r.id for r in tables[0].rows]
    assert "ieep_accertato" in first and "ieep_incassi_e_pagamenti" not in first
    labels = [r.cells[0].value for r in tables[1].rows]
    assert "Interessi legali (-)" in labels  # positive, marked, subtracted by the total


@pytest.mark.slow
def test_the_nota_builds_to_every_output(tmp_path):
    result = build(SAMPLE_NOTA, out=tmp_path, formats="pdf,slides,pptx", jobs=2)
    names = sorted(p.name for p in result.outputs)
    assert names == ["nota-preliminare-2024-slides.pdf", "nota-preliminare-2024.pdf", "nota-preliminare-2024.pptx"]
    pdf = pdfium.PdfDocument(tmp_path / "nota-preliminare-2024.pdf")
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "278.060.700,00" in text and "29.196" in text and "Interessi legali (-)" in text


def test_nothing_in_reportgen_names_it():
    package = Path(reportgen.__file__).resolve().parent
    templates = package.parent / "templates"
    sources = [*package.rglob("*.py"), *templates.rglob("*")]
    named = [str(p) for p in sources if p.is_file()
             and any(w in p.read_text(encoding="utf-8", errors="replace").lower()
                     for w in ("nota preliminare", "nota-preliminare", "nota_preliminare"))]
    assert not named
