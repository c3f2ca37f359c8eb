"""Chart builders: what each kind draws (as text in the SVG), Italian formats, alt text,
and identical bytes for identical data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal

import pytest

from reportgen.charts import render_charts
from reportgen.content.chartspec import ChartSeries, ChartSpec, alt_text
from reportgen.engine import Figure
from reportgen.formatting import NBSP, Formatter
from reportgen.load.config import Theme

fmt = Formatter()


def fig(value: str, kind: str = "decimal", signed: bool = False, decimals: int | None = None) -> Figure:
    return Figure(f"t.r{value}.c", Decimal(value), kind, decimals=decimals, signed=signed)


def spec(kind: str, categories, series, value_type, **extra) -> ChartSpec:
    made = ChartSpec(f"s-{kind}", kind, f"Titolo {kind}", tuple(categories), tuple(series), value_type, **extra)
    return replace(made, alt=alt_text(made, fmt))


PIE = spec("pie", ["Valore Sociale", "Valore Istituzionale", "Valore Economico"],
           [ChartSeries("Quota", (fig("0.0204", "percent"), fig("0.5796", "percent"), fig("0.4", "percent")))],
           "percent")
HBAR = spec("hbar", ["TOSCANA", "MARCHE", "VENETO"],
            [ChartSeries("Scostamento", (fig("0.0419", "percent", True), fig("0.0394", "percent", True),
                                         fig("0.0113", "percent", True)))],
            "percent", reference=fig("0.0188", "percent", True), reference_label="Totale")
BARS = spec("bar", ["Accertato", "Incassi"],
            [ChartSeries("Obiettivo", (fig("4249834748.30", "euro"), fig("7930574518.20", "euro"))),
             ChartSeries("Consuntivo", (fig("6418930625.60", "euro"), fig("9407787684.63", "euro")))], "euro")
TREND = spec("trend", ["I forecast", "II forecast", "Consuntivo"],
             [ChartSeries("Redditività", (fig("1.73"), fig("1.92"), fig("2.29")), reference=fig("1.50"))], "decimal")
STACKED = spec("stacked", ["Legale", "Medico legale"],
               [ChartSeries("da 90 a < 100", (fig("26", "integer"), fig("12", "integer"))),
                ChartSeries("100", (fig("182", "integer"), fig("160", "integer")))], "integer")
ALL = [PIE, HBAR, BARS, TREND, STACKED]


@pytest.fixture(scope="module")
def rendered():
    return render_charts(ALL, Theme(), fmt, jobs=1, png=True)


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [" ".join("".join(t.itertext()).split()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_pie_labels_and_percentages(rendered):
    texts = svg_texts(rendered["s-pie"].svg)
    assert "Titolo pie" in texts
    for label in ("Valore Sociale", "Valore Istituzionale", "Valore Economico"):
        assert label in texts
    for value in ("2,04 %", "57,96 %", "40,00 %"):
        assert value in texts
    assert PIE.alt == ("Grafico a torta «Titolo pie». Valore Sociale 2,04 %; Valore Istituzionale 57,96 %; "
                       "Valore Economico 40,00 %.").replace(" %", f"{NBSP}%")


def test_hbar_values_sorted_reference_and_italian_ticks(rendered):
    texts = svg_texts(rendered["s-hbar"].svg)
    for text in ("TOSCANA", "MARCHE", "VENETO", "+4,19 %", "+3,94 %", "+1,13 %", "Totale: +1,88 %", "2,0 %"):
        assert text in texts, text
    assert "Linea di riferimento: Totale +1,88" in HBAR.alt


def test_euro_bars_use_a_scale_suffix(rendered):
    texts = svg_texts(rendered["s-bar"].svg)
    assert "€ 6,42 mld" in texts and "€ 9,41 mld" in texts
    assert "Obiettivo" in texts and "Consuntivo" in texts  # a legend when there are several series
    assert "Obiettivo: Accertato € 4.249.834.748,30" in BARS.alt.replace(NBSP, " ")


def test_trend_labels_last_value_and_target(rendered):
    texts = svg_texts(rendered["s-trend"].svg)
    assert "2,29" in texts and "Obiettivo: 1,50" in texts
    assert "da 1,73 (I forecast) a 2,29 (Consuntivo)" in TREND.alt
    assert "obiettivo 1,50" in TREND.alt


def test_stacked_segments(rendered):
    texts = svg_texts(rendered["s-stacked"].svg)
    assert "182" in texts and "160" in texts and "26" in texts
    assert "da 90 a < 100" in texts


def test_same_data_same_bytes_in_any_number_of_processes(rendered):
    again = render_charts(ALL, Theme(), fmt, jobs=2, png=True)
    for chart_id, chart in rendered.items():
        assert again[chart_id].svg == chart.svg
        assert again[chart_id].png == chart.png
    assert b"<dc:date>" not in rendered["s-pie"].svg


def test_data_table_for_accessibility():
    header, rows = HBAR.data_table(fmt)
    assert header == ["", "Scostamento"]
    assert rows[0] == ["TOSCANA", f"+4,19{NBSP}%"]
