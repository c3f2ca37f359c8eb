"""Chart builders for print: one function per kind, each (spec, style) → matplotlib figure.

Every builder uses the bundled font, the report's palette and Italian number formats, and
writes values as text so they stay searchable in the PDF. SVG and PNG bytes are
reproducible: fixed hash salt for ids, no dates or software version in the metadata.
"""

from __future__ import annotations

import io
import math
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ..content.chartspec import ChartSpec  # noqa: E402
from ..resources import font_path  # noqa: E402
from . import ChartStyle  # noqa: E402
from .axes import AxisFormat  # noqa: E402

FONT = "Titillium Web"
# Figure sizes in inches: the A4 text column (174 mm) and half of it.
SIZES = {"full": (6.85, 3.3), "half": (3.35, 2.9)}
PIE_SIZES = {"full": (6.85, 3.1), "half": (3.35, 3.6)}


_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        for style in ("Regular", "SemiBold", "Bold", "Italic"):
            font_manager.fontManager.addfont(str(font_path(style)))
        _fonts_registered = True


def _rc(style: ChartStyle) -> dict:
    return {
        "font.family": FONT, "font.size": 8.5, "axes.titlesize": 10, "axes.titleweight": "bold",
        "axes.edgecolor": style.muted, "axes.labelcolor": style.text, "text.color": style.text,
        "xtick.color": style.text, "ytick.color": style.text, "axes.spines.top": False,
        "axes.spines.right": False, "svg.fonttype": "none", "svg.hashsalt": "reportgen",
        "figure.dpi": 100, "savefig.dpi": 200, "legend.frameon": False,
    }


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)) or label


def _colour(style: ChartStyle, index: int) -> str:
    return style.palette[index % len(style.palette)]


def _title(ax, spec: ChartSpec) -> None:
    width = (PIE_SIZES if spec.kind in ("pie", "donut") else SIZES)[spec.size][0]
    ax.set_title(_wrap(spec.title, int(width * 11)), loc="left", pad=10)  # ~11 bold characters per inch


def _pie(spec: ChartSpec, style: ChartStyle, fig) -> None:
    ax = fig.add_subplot(1, 1, 1)
    series = spec.series[0]
    values = spec.values(series)
    pairs = [(c, v, f) for c, v, f in zip(spec.categories, values, series.figures) if v is not None and v > 0]
    total = sum(v for _, v, _ in pairs) or 1.0
    width = 0.42 if spec.kind == "donut" else 1.0
    wedges, _ = ax.pie([v for _, v, _ in pairs], colors=[_colour(style, i) for i in range(len(pairs))],
                       startangle=90, counterclock=False, wedgeprops={"width": width, "edgecolor": "white"})
    fmt = AxisFormat(style.formatter, spec.value_type, values)
    inside_from = 0.06 if spec.kind == "pie" and spec.size == "full" else 0.12  # a ring or a small pie has less room
    outside = []
    for wedge, (_category, value, figure) in zip(wedges, pairs):
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        text = fmt.label(figure) if spec.value_type == "percent" else style.formatter.percent(
            _decimal(value / total), 1)
        if value / total >= inside_from:  # big enough: the label sits on the slice
            radius = 1 - width / 2 if spec.kind == "donut" else 0.66
            ax.text(radius * math.cos(angle), radius * math.sin(angle), text, ha="center", va="center",
                    color="white", fontweight="bold", fontsize=8)
        else:
            outside.append((angle, text))
    # small slices: labels outside, moved apart vertically so that they never overlap
    placed: list[float] = []
    for angle, text in sorted(outside, key=lambda a: math.sin(a[0])):
        x, y = math.cos(angle), math.sin(angle)
        ty = 1.18 * y
        for other in placed:
            if abs(ty - other) < 0.16:
                ty = other + 0.16
        placed.append(ty)
        tx = 1.25 if x >= 0 else -1.25
        ax.annotate(text, xy=(x, y), xytext=(tx, ty), ha="left" if x >= 0 else "right", va="center", fontsize=8,
                    arrowprops={"arrowstyle": "-", "color": style.muted, "linewidth": 0.6})
    ax.set_aspect("equal")
    names = [_wrap(c, 32) for c, _, _ in pairs]
    if spec.size == "full":
        ax.legend(wedges, names, loc="center left", bbox_to_anchor=(1.15, 0.5), fontsize=8, handlelength=1.0)
    else:  # half width: the legend goes below, so the chart keeps its size
        ax.legend(wedges, names, loc="upper center", bbox_to_anchor=(0.5, -0.05), fontsize=8, handlelength=1.0)
    _title(ax, spec)


def _decimal(value: float):
    from decimal import Decimal

    return Decimal(str(value))


def _all_values(spec: ChartSpec) -> list[float]:
    values = [v for s in spec.series for v in spec.values(s) if v is not None]
    refs = [spec.reference] + [s.reference for s in spec.series]
    values += [float(r.number) for r in refs if r is not None and r.number is not None]
    return values


def _bars(spec: ChartSpec, style: ChartStyle, fig, horizontal: bool) -> None:
    ax = fig.add_subplot(1, 1, 1)
    fmt = AxisFormat(style.formatter, spec.value_type, _all_values(spec))
    n_series = len(spec.series)
    positions = list(range(len(spec.categories)))
    if horizontal:
        positions = positions[::-1]  # first category on top
    thickness = 0.8 / n_series
    for index, series in enumerate(spec.series):
        offset = (index - (n_series - 1) / 2) * thickness * (-1 if horizontal else 1)
        where = [p + offset for p in positions]
        values = [v if v is not None else 0.0 for v in spec.values(series)]
        draw = ax.barh if horizontal else ax.bar
        bars = draw(where, values, thickness * 0.92, color=_colour(style, index), label=series.name)
        labels = [fmt.label(f) for f in series.figures]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=7)
    names = [_wrap(c, 34 if horizontal else 14) for c in spec.categories]
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_formatter(FuncFormatter(fmt.tick))
    value_axis.set_major_locator(MaxNLocator(5))
    if horizontal:
        ax.set_yticks(positions, names)
        ax.tick_params(axis="y", length=0)
        ax.margins(x=0.18)
    else:
        ax.set_xticks(positions, names)
        ax.tick_params(axis="x", length=0)
        ax.margins(y=0.15)
    if spec.reference is not None and spec.reference.number is not None:
        value = float(spec.reference.number)
        line = ax.axvline if horizontal else ax.axhline
        line(value, color=style.text, linestyle="--", linewidth=0.9)
        text = f"{spec.reference_label}: {fmt.label(spec.reference)}"
        if horizontal:
            ax.text(value, 1.0, text, transform=ax.get_xaxis_transform(), ha="left", va="bottom", fontsize=7.5)
        else:
            ax.text(1.0, value, text, transform=ax.get_yaxis_transform(), ha="right", va="bottom", fontsize=7.5)
    if n_series > 1:
        ax.legend(loc="lower right" if horizontal else "upper left", fontsize=8, ncols=n_series)
    ax.axvline(0, color=style.muted, linewidth=0.6) if horizontal else ax.axhline(0, color=style.muted,
                                                                                    linewidth=0.6)
    _title(ax, spec)


def _trend(spec: ChartSpec, style: ChartStyle, fig) -> None:
    ax = fig.add_subplot(1, 1, 1)
    fmt = AxisFormat(style.formatter, spec.value_type, _all_values(spec))
    x = list(range(len(spec.categories)))
    for index, series in enumerate(spec.series):
        colour = _colour(style, index)
        points = [(i, v, f) for i, v, f in zip(x, spec.values(series), series.figures) if v is not None]
        if not points:
            continue
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colour, linewidth=1.8,
                markersize=4.5, label=series.name)
        last = points[-1]
        ax.annotate(fmt.label(last[2]), (last[0], last[1]), textcoords="offset points", xytext=(6, 0),
                    va="center", fontsize=8, fontweight="bold", color=colour)
        if series.reference is not None and series.reference.number is not None:
            value = float(series.reference.number)
            ax.axhline(value, color=colour, linestyle="--", linewidth=0.9)
            ax.text(0, value, f"{spec.reference_label}: {fmt.label(series.reference)}", va="bottom",
                    fontsize=7.5, color=colour)
    if spec.reference is not None and spec.reference.number is not None:
        value = float(spec.reference.number)
        ax.axhline(value, color=style.text, linestyle="--", linewidth=0.9)
        ax.text(0, value, f"{spec.reference_label}: {fmt.label(spec.reference)}", va="bottom", fontsize=7.5)
    per_label = 14 if spec.size == "full" else 9  # half-width charts: narrower labels, wrapped
    ax.set_xticks(x, [_wrap(c, per_label) for c in spec.categories])
    ax.set_xlim(-0.3, len(x) - 0.4)
    ax.yaxis.set_major_formatter(FuncFormatter(fmt.tick))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.margins(y=0.2)
    ax.grid(axis="y", color="#d9dee3", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(spec.series) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=min(3, len(spec.series)), fontsize=8)
    _title(ax, spec)


def _stacked(spec: ChartSpec, style: ChartStyle, fig) -> None:
    ax = fig.add_subplot(1, 1, 1)
    fmt = AxisFormat(style.formatter, spec.value_type, _all_values(spec))
    positions = list(range(len(spec.categories)))[::-1]
    left = [0.0] * len(spec.categories)
    totals = [sum(v or 0.0 for v in col) for col in zip(*(spec.values(s) for s in spec.series))]
    for index, series in enumerate(spec.series):
        values = [v or 0.0 for v in spec.values(series)]
        bars = ax.barh(positions, values, 0.6, left=left, color=_colour(style, index), label=series.name,
                       edgecolor="white", linewidth=0.6)
        labels = [fmt.label(f) if v and total and v / total >= 0.07 else ""
                  for f, v, total in zip(series.figures, values, totals)]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=7, color="white", fontweight="bold")
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(positions, [_wrap(c, 28) for c in spec.categories])
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(FuncFormatter(fmt.tick))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.1), ncols=min(4, len(spec.series)), fontsize=8)
    _title(ax, spec)


BUILDERS = {
    "pie": _pie, "donut": _pie,
    "bar": lambda spec, style, fig: _bars(spec, style, fig, horizontal=False),
    "hbar": lambda spec, style, fig: _bars(spec, style, fig, horizontal=True),
    "trend": _trend, "stacked": _stacked,
}


def _height(spec: ChartSpec) -> float:
    width, height = (PIE_SIZES if spec.kind in ("pie", "donut") else SIZES)[spec.size]
    if spec.kind in ("hbar", "stacked"):  # one band per category, tall enough for its wrapped label
        per_band = 0.2 + 0.12 * max(0, len(spec.series) - 1)
        bands = sum(max(per_band, 0.15 * _wrap(c, 34).count("\n") + 0.17) for c in spec.categories)
        height = max(height * 0.7, 0.9 + bands)
    return height


def figure(spec: ChartSpec, style: ChartStyle):
    _register_fonts()
    width = (PIE_SIZES if spec.kind in ("pie", "donut") else SIZES)[spec.size][0]
    with plt.rc_context(_rc(style)):
        fig = plt.figure(figsize=(width, _height(spec)), layout="constrained")
        values = [v for s in spec.series for v in spec.values(s) if v is not None]
        if not values or spec.kind in ("pie", "donut") and not any(v > 0 for v in values):
            ax = fig.add_subplot(1, 1, 1)  # a draft's chart before its data: said, not drawn empty
            _title(ax, spec)
            ax.set_axis_off()
            ax.text(0.5, 0.5, "n.d. – dati non ancora disponibili", ha="center", va="center", transform=ax.transAxes)
        else:
            BUILDERS[spec.kind](spec, style, fig)
    return fig


def render(spec: ChartSpec, style: ChartStyle, png: bool = False) -> tuple[bytes, bytes | None]:
    """SVG (and, when asked, PNG) bytes of one chart; the same spec always gives the same bytes."""
    fig = figure(spec, style)
    try:
        with plt.rc_context(_rc(style)):
            svg = io.BytesIO()
            fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "reportgen"})
            raster = None
            if png:  # a 200 dpi raster costs more than the SVG; only exports and previews want it
                buffer = io.BytesIO()
                fig.savefig(buffer, format="png", metadata={"Software": None})
                raster = buffer.getvalue()
    finally:
        plt.close(fig)
    return svg.getvalue(), raster
