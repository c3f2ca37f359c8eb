"""The charts of the sample report: built from the engine's figures, placed in the PDF as
searchable text and in the deck as native, editable charts."""

from __future__ import annotations

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from reportgen.errors import InputErrors
from reportgen.load import load_project
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project


@pytest.fixture(scope="module")
def deck_charts(built_sample):
    path = next(p for p in built_sample.outputs if p.suffix == ".pptx")
    charts = {}
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                charts[shape.chart.chart_title.text_frame.text] = shape
    return charts


@pytest.mark.slow
def test_every_chart_of_the_report_is_a_native_chart_in_the_deck(built_sample, deck_charts):
    titles = {spec.title for spec in built_sample.report.charts()}
    assert len(titles) >= 14
    assert titles == set(deck_charts)


@pytest.mark.slow
def test_native_pie_has_the_engine_values_and_alt_text(built_sample, deck_charts):
    shape = deck_charts["Valore Pubblico strutture centrali – contributo degli ambiti"]
    chart = shape.chart
    assert chart.chart_type == XL_CHART_TYPE.PIE
    plot = chart.plots[0]
    assert list(plot.categories) == ["Valore Sociale", "Valore Istituzionale", "Valore Economico",
                                     "Valore di Ecosistema", "Valore Organizzativo"]
    assert [round(v, 4) for v in plot.series[0].values] == [0.1818, 0.1983, 0.2309, 0.1971, 0.1920]
    descr = shape._element.nvGraphicFramePr.cNvPr.get("descr")
    assert descr.startswith("Grafico a torta «Valore Pubblico strutture centrali")
    assert "Valore Sociale 18,18" in descr


@pytest.mark.slow
def test_pndd_bars_are_sorted_with_the_national_reference(built_sample):
    spec = next(s for s in built_sample.report.charts() if s.id == "pndd-1")
    values = [f.number for f in spec.series[0].figures]
    assert values == sorted(values, reverse=True)
    assert spec.categories[0] == "TOSCANA"
    assert spec.reference.id == "pndd.totale.scostamento"


@pytest.mark.slow
def test_chart_text_is_searchable_in_the_pdf(built_sample):
    import pypdfium2 as pdfium

    pdf = next(p for p in built_sample.outputs if p.suffix == ".pdf")
    document = pdfium.PdfDocument(str(pdf))
    text = " ".join(page.get_textpage().get_text_bounded() for page in document)
    document.close()
    assert "Obiettivo 2024: 3,50" in text  # the target line of the customer-experience chart
    assert "Giudizi sussidiati rispetto all'obiettivo" in text


def test_chart_configuration_errors_are_reported(tmp_path):
    report = MINI_REPORT + """\
          - chart: {kind: radar, table: kpi, labels: indicatore, values: [nessuna]}
          - chart: {kind: pie, table: kpi}
    """
    root = write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                  "text/risultati.md": "x"})
    with pytest.raises(InputErrors) as info:
        load_project(root)
    errors = [str(e) for e in info.value.errors]
    assert any("chart.kind: unknown chart kind 'radar'" in e for e in errors)
    assert any("give either labels + values (rows are categories) or x + series_rows" in e for e in errors)


def test_every_chart_part_of_the_sample_deck_keeps_the_schema(built_sample):
    """The deck as written (after the deck's own passes over its charts), every chart part."""
    import zipfile

    from lxml import etree

    from tests.charts.test_native import chart_problems

    path = next(p for p in built_sample.outputs if p.suffix == ".pptx")
    with zipfile.ZipFile(path) as deck:
        parts = sorted(n for n in deck.namelist() if n.startswith("ppt/charts/chart") and n.endswith(".xml"))
        found = {name: chart_problems(etree.fromstring(deck.read(name))) for name in parts}
    assert len(parts) >= 14
    assert found == {name: [] for name in parts}
