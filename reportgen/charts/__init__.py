"""Stage 4, charts: chart specifications drawn once per build and shared by every output.

``render_charts`` draws every spec of a report as SVG (for the PDF) and PNG, in parallel
worker processes when there are several; the slide PDF has slide-size drawings of its own
(``draw_slide_chart``: split over several slides when too tall for one); the deck draws the
same specs as native PowerPoint charts (:mod:`.native`). Matplotlib is imported only when a report has charts.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from ..colours import accessible_theme
from ..content.chartspec import ChartSpec
from ..formatting import Formatter
from ..load.config import Theme


@dataclass(frozen=True, slots=True)
class RenderedChart:
    spec: ChartSpec
    svg: bytes
    png: bytes | None  # only when asked for
    # drawn for the slides and too tall for one: every part's SVG, in order (``svg`` is the first)
    parts: tuple[bytes, ...] = ()

    @property
    def drawings(self) -> tuple[bytes, ...]:
        """The SVG of every figure that shows the chart: one, or one per slide-size part."""
        return self.parts or (self.svg,)

    @staticmethod
    def for_slides(spec: ChartSpec, drawings: tuple[bytes, ...]) -> RenderedChart:
        return RenderedChart(spec, drawings[0], None, drawings if len(drawings) > 1 else ())


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """What a chart's look depends on besides its data (kept here, not beside matplotlib, so
    that a build whose charts are all cached never imports it)."""

    palette: tuple[str, ...]
    text: str
    muted: str
    primary: str
    formatter: Formatter


def chart_style(theme: Theme, formatter: Formatter) -> ChartStyle:
    theme = accessible_theme(theme)  # labels and axes as readable as the text around them
    return ChartStyle(theme.palette, theme.text, theme.muted, theme.primary, formatter)


def draw_chart(spec: ChartSpec, style, png: bool = False, target: str = "print") -> tuple[bytes, bytes | None]:
    """SVG (and PNG with ``png``) of one chart drawn for ``target`` ("print": the A4 column;
    "slide": a 16:9 slide's width, text of 14 pt or more): a module function, so worker
    processes can run it."""
    from .mpl import render

    return render(spec, style, png, target)


def draw_slide_chart(spec: ChartSpec, style) -> tuple[bytes, ...]:
    """SVG of one chart drawn for a slide: one drawing, or several slide-size parts of a chart
    too tall for one slide at 14 pt (:mod:`.slides`)."""
    from .slides import draw_for_slides

    return draw_for_slides(spec, style)


def render_charts(specs: list[ChartSpec], theme: Theme, formatter: Formatter, jobs: int = 1,
                  png: bool = False, target: str = "print") -> dict[str, RenderedChart]:
    """Draw each chart once for ``target`` (SVG; PNG too with ``png``, for print); ``jobs`` > 1
    draws them in that many processes. The bytes do not depend on ``jobs``. For ``slide``
    a chart too tall for one slide comes in parts (``RenderedChart.drawings``)."""
    if not specs:
        return {}
    style = chart_style(theme, formatter)
    many = len(specs)
    if target == "slide":
        draw, arguments = draw_slide_chart, (specs, [style] * many)
    else:
        draw, arguments = draw_chart, (specs, [style] * many, [png] * many, [target] * many)
    if jobs > 1 and many > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, many)) as pool:
            results = list(pool.map(draw, *arguments))
    else:
        results = [draw(*one) for one in zip(*arguments)]
    if target == "slide":
        return {spec.id: RenderedChart.for_slides(spec, drawings) for spec, drawings in zip(specs, results)}
    return {spec.id: RenderedChart(spec, svg, png) for spec, (svg, png) in zip(specs, results)}
