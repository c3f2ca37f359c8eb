"""Charts drawn for the slides: at 14 pt a bar chart with many categories is taller than a
slide, and shrinking it would bring its text back under 14 pt. It is split instead: several
slide-size charts, each with a run of the categories, titled "(1/2)", "(2/2)"…, shown on
consecutive slides, on one value scale so that the parts read as one chart.
"""

from __future__ import annotations

import dataclasses
import math

import matplotlib.pyplot as plt

from ..content.chartspec import ChartSpec
from . import ChartStyle, mpl

# inches a chart may take on a slide: the slide PDF's text area (152,5 mm) less its title and
# the figure's margin (templates/slides/style.css.j2); a taller chart is split
TALLEST = 5.75
SPLITTABLE = ("hbar", "stacked")  # one band per category: their height grows with the categories


@dataclasses.dataclass(frozen=True, slots=True)
class ChartPart(ChartSpec):
    """A run of a chart's categories, drawn as a chart of its own."""

    # every value of the whole chart: its numbers are formatted alike on every part (one scale
    # suffix, one number of decimals)
    whole: tuple[float, ...] = ()


def part(spec: ChartSpec, start: int, stop: int, number: int, count: int) -> ChartPart:
    """Categories ``start:stop`` of ``spec``, as part ``number`` of ``count``."""
    series = tuple(dataclasses.replace(s, figures=s.figures[start:stop]) for s in spec.series)
    fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(ChartSpec)}
    fields.update(title=f"{spec.title} ({number}/{count})", categories=spec.categories[start:stop], series=series)
    return ChartPart(**fields, whole=tuple(mpl.all_values(spec)))


def split(spec: ChartSpec, count: int) -> list[ChartSpec]:
    """``spec`` as ``count`` charts of consecutive categories, as even as they come (the
    first ones one longer)."""
    size, extra = divmod(len(spec.categories), count)
    parts, start = [], 0
    for number in range(count):
        stop = start + size + (1 if number < extra else 0)
        parts.append(part(spec, start, stop, number + 1, count))
        start = stop
    return parts


def _close(figures) -> None:
    for fig in figures:
        plt.close(fig)


def _one_scale(figures) -> None:
    """The value axis of every part spans all the parts' values (bars of the same length mean
    the same amount on every slide)."""
    axes = [fig.axes[0] for fig in figures]
    low = min(ax.get_xlim()[0] for ax in axes)
    high = max(ax.get_xlim()[1] for ax in axes)
    for fig, ax in zip(figures, axes):
        ax.set_xlim(low, high)
        mpl._room_for_labels(fig, ax, list(ax.texts), horizontal=True)  # the ticks may have moved the plot


def _unfinished_past(spec: ChartSpec, count: int) -> float:
    """How tall a drawing of ``spec`` in ``count`` parts may be before it is given up as soon
    as sized (it will be split again: fitting its labels would be wasted)."""
    return TALLEST if spec.kind in SPLITTABLE and count < len(spec.categories) else math.inf


def slide_figures(spec: ChartSpec, style: ChartStyle) -> list:
    """The figures of ``spec`` drawn for the slides: one, or the parts of a chart split so
    that each is no taller than :data:`TALLEST`."""
    figures = [mpl.figure(spec, style, "slide", _unfinished_past(spec, 1))]
    count = 1
    while spec.kind in SPLITTABLE and count < len(spec.categories) \
            and any(fig.get_figheight() > TALLEST for fig in figures):
        _close(figures)
        count += 1
        figures = [mpl.figure(one, style, "slide", _unfinished_past(spec, count)) for one in split(spec, count)]
    if len(figures) > 1:
        _one_scale(figures)
    return figures


def draw_for_slides(spec: ChartSpec, style: ChartStyle) -> tuple[bytes, ...]:
    """SVG bytes of ``spec`` drawn for the slides: one drawing, or one per part."""
    figures = slide_figures(spec, style)
    try:
        return tuple(mpl.save(fig, style, target="slide")[0] for fig in figures)
    finally:
        _close(figures)
