"""Charts on the slide PDF: drawn at a slide's size, shown at that size (never shrunk under
14 pt), and a chart too tall for a slide split over consecutive slides."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from reportgen.charts import chart_style, layout, mpl
from reportgen.charts.slides import TALLEST, slide_figures, split
from reportgen.content import build_report, formatter_for
from reportgen.content.chartspec import ChartSeries, ChartSpec
from reportgen.engine import Figure, compute
from reportgen.formatting import Formatter
from reportgen.load import load_project
from reportgen.load.config import Theme
from reportgen.render.pdf import PdfPiece
from tests.charts.test_layout import CHARTS
from tests.conftest import SAMPLE_2023

MM = 72 / 25.4  # points per millimetre
SPLIT = {"pndd-1", "allegato-2-territoriali-1", "ieep-2"}  # hbar charts with many categories


def _figure(value: float, kind: str = "decimal") -> Figure:
    return Figure(f"t.r{value}.c", Decimal(str(value)), kind)


def test_a_split_keeps_every_category_once_in_order_with_numbered_titles():
    categories = tuple(f"Voce {i}" for i in range(7))
    spec = ChartSpec("c-1", "hbar", "Risultati", categories,
                     (ChartSeries("2024", tuple(_figure(i) for i in range(7))),), "decimal")
    parts = split(spec, 3)
    assert [p.title for p in parts] == ["Risultati (1/3)", "Risultati (2/3)", "Risultati (3/3)"]
    assert [len(p.categories) for p in parts] == [3, 2, 2]
    assert sum((p.categories for p in parts), ()) == categories
    assert [f.number for p in parts for f in p.series[0].figures] == [Decimal(i) for i in range(7)]


def test_every_part_prints_its_numbers_on_the_whole_charts_scale():
    """Billions in one part, millions in the other: both parts write "mld", as the whole does."""
    values = [3.2e9, 2.1e9, 4.5e8, 7.0e7]
    spec = ChartSpec("c-2", "hbar", "Incassi", tuple(f"Voce {i}" for i in range(4)),
                     (ChartSeries("2024", tuple(_figure(v, "euro") for v in values)),), "euro")
    style = chart_style(Theme(), Formatter())
    for one in split(spec, 2):
        fig = mpl.figure(one, style, "slide")
        try:
            printed = [t.text.get_text() for t in layout.placed(fig)]
        finally:
            plt.close(fig)
        amounts = [text for text in printed if text.startswith("€")]
        assert amounts and all(text.endswith("\u00a0mld") for text in amounts), amounts
    assert "\u00a0mln" in mpl.AxisFormat(Formatter(), "euro", values[2:]).label(_figure(values[2], "euro"))


@pytest.fixture(scope="module")
def slide_drawn():
    """{chart id: [(width, height, smallest text, problems, value-axis limits) per part]}."""
    found = {}
    for spec, style in CHARTS:
        parts = []
        for fig in slide_figures(spec, style):
            try:
                boxes = layout.placed(fig)
                parts.append((fig.get_figwidth(), fig.get_figheight(), min(b.size for b in boxes),
                              layout.problems(fig), fig.axes[0].get_xlim()))
            finally:
                plt.close(fig)
        found[spec.id] = parts
    return found


def test_every_slide_chart_fits_the_text_area_at_14_pt(slide_drawn):
    widths = mpl.TARGETS["slide"].widths
    for chart, parts in slide_drawn.items():
        for width, height, smallest, problems, _ in parts:
            assert width in widths.values() and height <= TALLEST, chart
            assert smallest >= 14 and problems == [], chart


def test_only_the_charts_too_tall_for_a_slide_are_split_on_one_scale(slide_drawn):
    assert {chart for chart, parts in slide_drawn.items() if len(parts) > 1} == SPLIT
    for chart in SPLIT:
        assert len({limits for *_, limits in slide_drawn[chart]}) == 1, chart  # one value scale
        # each part as tall as its bands need: a split does not leave a slide mostly empty
        assert all(height > TALLEST / 2 for _, height, *_ in slide_drawn[chart]), chart


@pytest.mark.slow
def test_the_slide_pdf_shows_chart_text_at_14_pt_or_more_inside_the_text_area(built_sample):
    """Measured in the PDF: the font size through every transformation, so a chart shrunk to
    fit would be caught; every text of a chart between the slide's margins."""
    import pypdfium2 as pdfium

    from reportgen.proof.pages import _chart_text

    path = next(p for p in built_sample.outputs if p.name.endswith("-slides.pdf"))
    pdf = pdfium.PdfDocument(str(path))
    sizes, pages, titles = [], [], []
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            width, height = page.get_size()
            texts = _chart_text(page)
            if texts:
                pages.append(number + 1)
            for size, (left, bottom, right, top) in texts:
                sizes.append(size)
                assert 16 * MM - 1 <= left and right <= width - 16 * MM + 1, number + 1
                assert 14 * MM - 1 <= bottom and top <= height - 24 * MM + 1, number + 1
            titles += [line for line in page.get_textpage().get_text_bounded().splitlines()
                       if line.strip().endswith(("(1/2)", "(2/2)"))]
    finally:
        pdf.close()
    assert len(pages) >= 15 and len(sizes) > 200
    assert min(sizes) >= 14 - 0.05  # as drawn: nothing scaled below the drawing's own 14 pt
    assert any(title.startswith("Giudizi sussidiati rispetto all'obiettivo") and title.endswith("(2/2)")
               for title in titles), titles


# -- the build: each paged output shows the drawings made for it ------------------------------

@dataclass
class _Merged:
    data: bytes
    pages: int
    section_pages: dict


def _html_as_piece(html: str, css: str, root: Path, variant: str | None, numbers: int = 0) -> PdfPiece:
    return PdfPiece(html.encode(), 2, {}, (), ())  # the piece "is" its HTML: the test reads it back


def _joined(pieces, folio, colour, first, total, archival, attachments, date, contents=None) -> _Merged:
    return _Merged(b"\n".join(piece.data for piece in pieces), sum(p.pages for p in pieces), {})


def _failing(*_args):
    raise AssertionError("drawn again: the cache was not used")


def test_each_output_shows_its_own_drawings_and_the_parts_come_back_from_the_cache(monkeypatch, tmp_path):
    from reportgen.cache import BuildCache
    from reportgen.pipeline import render_outputs, run, tasks
    from reportgen.pipeline.workers import Workers

    loaded = load_project(SAMPLE_2023)
    report, formatter = build_report(loaded, compute(loaded)), formatter_for(loaded.config)
    chart = report.charts()[0].id
    monkeypatch.setattr(tasks, "lay_out", _html_as_piece)
    monkeypatch.setattr(tasks, "merge", _joined)
    monkeypatch.setattr(run, "draw_chart", lambda spec, style: (b"<svg>A4</svg>", None))
    monkeypatch.setattr(run, "draw_slide_chart", lambda spec, style: (b"<svg>part 1</svg>", b"<svg>part 2</svg>"))
    cache = tmp_path / "cache"
    out = render_outputs(report, formatter, SAMPLE_2023, ("pdf", "slides"), workers=Workers(1),
                         cache=BuildCache(cache))
    a4, slides = out.files["pdf"].decode(), out.files["slides"].decode()
    printed, one, two = (base64.b64encode(svg).decode() for svg in (b"<svg>A4</svg>", b"<svg>part 1</svg>",
                                                                   b"<svg>part 2</svg>"))
    assert printed in a4 and one not in a4 and two not in a4
    assert printed not in slides and slides.index(one) < slides.index(two)
    assert slides.count('class="chart full part"') == 2 and f'id="c-{chart}-2"' in slides
    assert {f"chart:{chart}", f"chart:{chart}:slide"} <= set(out.rendered)
    # again from the cache: nothing drawn, the same two parts in the same order
    monkeypatch.setattr(run, "draw_chart", _failing)
    monkeypatch.setattr(run, "draw_slide_chart", _failing)
    again = render_outputs(report, formatter, SAMPLE_2023, ("slides",), workers=Workers(1), cache=BuildCache(cache))
    assert again.files["slides"] == out.files["slides"]
    assert not [name for name in again.rendered if name.startswith("chart:")]
