"""Every chart of both samples, drawn for print and for slides, measured from the drawn
artists: no two text boxes overlap, no text covers a bar or a slice it is not printed on,
no text leaves the figure, every text reaches 4,5:1 on what is under it, and slide charts
print nothing under 14 pt."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import matplotlib.pyplot as plt
import pytest

from reportgen.charts import chart_style, layout, mpl
from reportgen.content import build_report, formatter_for
from reportgen.content.chartspec import ChartSeries, ChartSpec
from reportgen.engine import Figure, compute
from reportgen.load import load_project
from reportgen.load.config import Theme
from reportgen.render.common import contrast_ratio
from tests.conftest import SAMPLE_2023, SAMPLE_2024


def _sample_charts():
    charts = []
    for root in (SAMPLE_2024, SAMPLE_2023):
        loaded = load_project(root)
        report = build_report(loaded, compute(loaded))
        style = chart_style(report.meta.theme, formatter_for(loaded.config))
        charts += [(spec, style) for spec in report.charts()]
    return charts


CHARTS = _sample_charts()


@pytest.fixture(scope="module", params=["print", "slide"])
def drawn(request):
    """{chart id: (problems, colour pairs, smallest text size)} for one target."""
    found = {}
    for spec, style in CHARTS:
        fig = mpl.figure(spec, style, request.param)
        try:
            boxes = layout.placed(fig)
            found[spec.id] = (layout.problems(fig), layout.colour_pairs(fig), min(b.size for b in boxes),
                              [b.text.get_text() for b in boxes])
        finally:
            plt.close(fig)
    return request.param, found


def test_both_samples_have_every_kind_of_chart():
    kinds = {spec.kind for spec, _ in CHARTS}
    assert kinds == {"pie", "donut", "bar", "hbar", "trend", "stacked"}
    assert len(CHARTS) == 15


def test_no_text_collides_or_leaves_the_figure(drawn):
    target, found = drawn
    collisions = {chart: problems for chart, (problems, *_rest) in found.items() if problems}
    assert collisions == {}, target


def test_every_text_reaches_4_5_to_1_on_what_is_under_it(drawn):
    target, found = drawn
    weak = [(chart, text, colour, under, round(contrast_ratio(colour, under), 2))
            for chart, (_, pairs, *_rest) in found.items() for text, colour, under in pairs
            if contrast_ratio(colour, under) < 4.5]
    assert weak == [], target


def test_slide_charts_print_nothing_under_14_pt(drawn):
    target, found = drawn
    smallest = {chart: size for chart, (_, _, size, _) in found.items()}
    if target == "slide":
        assert min(smallest.values()) >= 14
    else:  # the A4 column keeps the type of its footnotes
        assert min(smallest.values()) >= 7.5


def test_reference_label_is_a_legend_entry_not_a_text_over_the_bars(drawn):
    _, found = drawn
    texts = found["pndd-1"][3]
    assert "Totale: +1,88\u00a0%" in texts
    assert "FRIULI VENEZIA GIULIA" in texts  # whole, inside the figure (no text leaves it)


# -- the checks can fail: a figure drawn badly on purpose is caught ------------------------

def _figure_with(draw):
    fig = plt.figure(figsize=(3, 2))
    ax = fig.add_subplot(1, 1, 1)
    draw(fig, ax)
    return fig


def test_the_measure_finds_overlapping_texts_and_covered_bars():
    def draw(fig, ax):
        ax.bar([0, 1], [10, 8], color="#0072B2")
        ax.text(0, 5, "sopra la barra", ha="center")
        ax.text(0.05, 5, "sopra la barra", ha="center")

    fig = _figure_with(draw)
    try:
        found = layout.problems(fig)
    finally:
        plt.close(fig)
    assert "'sopra la barra' overlaps 'sopra la barra'" in found
    assert "'sopra la barra' covers a bar or slice" in found


def test_the_measure_finds_text_outside_the_figure_and_weak_contrast():
    def draw(fig, ax):
        bars = ax.bar([0], [10], color="#E69F00")
        layout.on_fill(ax.text(0, 5, "9,5", color="#ffffff", ha="center"), bars.patches[0])
        ax.text(-3, 5, "FRIULI VENEZIA GIULIA", ha="right")

    fig = _figure_with(draw)
    try:
        found = layout.problems(fig)
        pairs = layout.colour_pairs(fig)
    finally:
        plt.close(fig)
    assert "'FRIULI VENEZIA GIULIA' runs outside the figure" in found
    assert ("9,5", "#ffffff", "#e69f00") in pairs
    assert contrast_ratio("#ffffff", "#e69f00") < 4.5


# -- cases the samples do not have --------------------------------------------------------

def _fig(value: str, kind: str = "percent") -> Figure:
    return Figure(f"t.{value}.c", Decimal(value), kind)


def test_many_small_slices_are_moved_out_and_spread():
    shares = ["0.62", "0.2", "0.05", "0.04", "0.03", "0.02", "0.02", "0.01", "0.01"]
    spec = ChartSpec("d-1", "donut", "Anello con molte fette piccole", tuple(f"Voce {i}" for i in range(len(shares))),
                     (ChartSeries("Quota", tuple(_fig(s) for s in shares)),), "percent", size="half")
    style = chart_style(Theme(), formatter_for_default())
    for target in ("print", "slide"):
        fig = mpl.figure(spec, style, target)
        try:
            assert layout.problems(fig) == []
            texts = [t.get_text() for t in layout.texts(fig)]
        finally:
            plt.close(fig)
        assert texts.count("1,00\u00a0%") == 2  # every share printed, none dropped


def test_many_close_columns_turn_their_labels():
    values = [str(1_234_567_890 + 1000 * i) for i in range(12)]
    spec = ChartSpec("b-1", "bar", "Colonne fitte", tuple(f"Anno {2013 + i}" for i in range(12)),
                     (ChartSeries("Importo", tuple(_fig(v, "euro") for v in values)),), "euro")
    fig = mpl.figure(spec, chart_style(Theme(), formatter_for_default()))
    try:
        assert layout.problems(fig) == []
    finally:
        plt.close(fig)


def formatter_for_default():
    from reportgen.formatting import Formatter

    return Formatter()


def test_a_long_title_is_wrapped_inside_the_figure():
    spec = replace(CHARTS[0][0], title="Un titolo molto lungo " * 8, size="half")
    fig = mpl.figure(spec, CHARTS[0][1], "slide")
    try:
        assert layout.problems(fig) == []
        assert "\n" in fig.axes[0].get_title(loc="left")
    finally:
        plt.close(fig)


# -- measuring: laid out again only when something changed, where a drawing puts things ----

def _counting_layouts(fig) -> list:
    engine = fig.get_layout_engine()
    calls, execute = [], engine.execute
    engine.execute = lambda figure: calls.append(figure) or execute(figure)
    return calls


def test_a_figure_is_laid_out_again_only_when_something_changed():
    spec, style = next((s, st) for s, st in CHARTS if s.kind == "hbar")
    fig = mpl.figure(spec, style)
    try:
        calls = _counting_layouts(fig)
        ax = fig.axes[0]
        first = layout.renderer(fig)  # as the builders last measured it
        assert layout.renderer(fig) is first and calls == []
        low, high = ax.get_xlim()
        ax.set_xlim(low, high * 2)
        layout.renderer(fig)
        ax.texts[0].set_text(ax.texts[0].get_text() + " in più")
        layout.renderer(fig)
        fig.set_figheight(fig.get_figheight() + 1)
        layout.renderer(fig)
        assert len(calls) == 3
    finally:
        plt.close(fig)


def test_the_builders_measure_the_texts_where_the_drawing_puts_them():
    for spec, style in CHARTS:
        fig = mpl.figure(spec, style)
        try:
            ax = fig.axes[0]
            shown = [ax._left_title, *ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels()]
            shown = [t for t in shown if t.get_visible() and t.get_text()]
            laid_out = layout.renderer(fig)
            measured = [v for t in shown for v in layout.box_of(t, laid_out).bounds]
            drawn = layout.drawn(fig)
            assert measured == pytest.approx([v for t in shown for v in layout.box_of(t, drawn).bounds],
                                             abs=0.01), spec.id
        finally:
            plt.close(fig)


def test_a_label_outside_a_pie_counts_for_the_layout_by_its_letters():
    spec, style = next((s, st) for s, st in CHARTS if s.id == "lavoro-distanza-dati-1")
    fig = mpl.figure(spec, style)
    try:
        render = layout.drawn(fig)
        notes = [t for t in fig.axes[0].texts if isinstance(t, layout.Note)]
        assert notes
        for note in notes:
            letters = layout.box_of(note, render)
            assert note.get_tightbbox(render).bounds == pytest.approx(letters.bounds)
            assert note.get_window_extent(render).width > letters.width  # with its leader line
    finally:
        plt.close(fig)
