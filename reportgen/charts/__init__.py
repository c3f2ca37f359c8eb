"""Stage 4, charts: chart specifications drawn once per build and shared by every output.

``render_charts`` draws every spec of a report as SVG (for the PDF) and PNG, in parallel
worker processes when there are several; the deck draws the same specs as native
PowerPoint charts (:mod:`.native`). Matplotlib is imported only when a report has charts.
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


def render_charts(specs: list[ChartSpec], theme: Theme, formatter: Formatter, jobs: int = 1,
                  png: bool = False, target: str = "print") -> dict[str, RenderedChart]:
    """Draw each chart once for ``target`` (SVG; PNG too with ``png``); ``jobs`` > 1 draws them
    in that many processes. The bytes do not depend on ``jobs``."""
    if not specs:
        return {}
    style = chart_style(theme, formatter)
    if jobs > 1 and len(specs) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(specs))) as pool:
            results = list(pool.map(draw_chart, specs, [style] * len(specs), [png] * len(specs),
                                    [target] * len(specs)))
    else:
        results = [draw_chart(spec, style, png, target) for spec in specs]
    return {spec.id: RenderedChart(spec, svg, png) for spec, (svg, png) in zip(specs, results)}
