"""Chart builders: one function per kind, each (spec, style, fig, target) → a drawn figure.

Every builder uses the bundled font, the report's palette and Italian number formats, and
writes values as text so they stay searchable in the PDF. Nothing is placed where it may
cover data: legends and reference labels go outside the plot, labels are measured once
laid out (:mod:`.layout`) and moved when they collide; a figure is laid out again only when
a fitting step changed it, laying out being most of what a chart costs. A chart is drawn for
where it is shown: ``print`` for the A4 column, ``slide`` for a 16:9 slide's width with text
of 14 pt or more.
SVG and PNG bytes are reproducible: fixed hash salt for ids, no dates or software version in
the metadata.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass, replace
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ..colours import WHITE, readable, text_on  # noqa: E402
from ..content.chartspec import ChartSpec  # noqa: E402
from ..resources import font_path  # noqa: E402
from . import ChartStyle, layout  # noqa: E402
from .axes import AxisFormat  # noqa: E402

FONT = "Titillium Web"


@dataclass(frozen=True)
class Target:
    """Where a chart is shown: its width (inches, per spec size), its usual height and its
    type sizes (points)."""

    widths: dict
    heights: dict
    pie_heights: dict
    text: float  # ticks, legends
    label: float  # value labels
    title: float
    overhead: float  # inches a chart spends outside its bands: title, value axis, legend
    # a chart sized taller than this (inches) is left unfinished once sized: it will be split
    tallest: float = math.inf


TARGETS = {
    # the A4 text column (174 mm) and half of it
    "print": Target({"full": 6.85, "half": 3.35}, {"full": 3.3, "half": 2.9}, {"full": 3.1, "half": 3.6},
                    text=8.5, label=7.5, title=10, overhead=1.0),
    # a slide's text area (306 mm) and half of it; text readable when projected
    "slide": Target({"full": 12.0, "half": 5.9}, {"full": 4.6, "half": 4.6}, {"full": 4.6, "half": 4.6},
                    text=14, label=14, title=17, overhead=1.7),
}
PIE_KINDS = ("pie", "donut")

_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        for style in ("Regular", "SemiBold", "Bold", "Italic"):
            font_manager.fontManager.addfont(str(font_path(style)))
        _fonts_registered = True


def _rc(style: ChartStyle, target: Target) -> dict:
    return {
        "font.family": FONT, "font.size": target.text, "axes.titlesize": target.title, "axes.titleweight": "bold",
        "axes.edgecolor": style.muted, "axes.labelcolor": style.text, "text.color": style.text,
        "xtick.color": style.text, "ytick.color": style.text, "axes.spines.top": False,
        "axes.spines.right": False, "svg.fonttype": "none", "svg.hashsalt": "reportgen",
        "figure.dpi": 100, "savefig.dpi": 200, "legend.frameon": False, "legend.fontsize": target.text,
        "xtick.labelsize": target.text, "ytick.labelsize": target.text,
    }


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)) or label


def _colour(style: ChartStyle, index: int) -> str:
    return style.palette[index % len(style.palette)]


def _on_white(colour: str) -> str:
    """A series colour used for text on the page: darkened just enough to read (4.5:1)."""
    return readable(colour, WHITE)


def _chars(width_in: float, size: float) -> int:
    """About how many characters of ``size`` points fit in ``width_in`` inches."""
    return max(8, int(width_in * 72 / (size * 0.55)))


def _plot(fig):
    """The chart's one plot, made cheaper to lay out. Its axes have no names (the title and
    the legend say what is shown): their empty labels are put anywhere, so that no layout
    measures every tick label again to place them. Its edges are left out of the layout: they
    lie between the plot and its tick labels, inside what the layout holds anyway, and their
    extent is worked out tick by tick."""
    ax = fig.add_subplot(1, 1, 1)
    ax.xaxis.set_label_coords(0.5, 0.0)
    ax.yaxis.set_label_coords(0.0, 0.5)
    for spine in ax.spines.values():
        spine.set_in_layout(False)
    return ax


def _title(ax, spec: ChartSpec, target: Target) -> None:
    width = target.widths[spec.size]
    # ``y`` given: the title stays on the plot's top edge (where matplotlib would put it too,
    # nothing being above the plot), without measuring every tick label to find that out at
    # each layout
    ax.set_title(_wrap(spec.title, _chars(width, target.title)), loc="left", pad=target.title * 0.8, y=1.0)


def _fit_title(fig, spec: ChartSpec, target: Target) -> None:
    """Rewrap the title until it fits the figure's width (measured, not guessed)."""
    ax = fig.axes[0]
    chars = _chars(target.widths[spec.size], target.title)
    for _ in range(8):
        render = layout.renderer(fig)
        title = ax._left_title  # where ``loc="left"`` puts it
        box = title.get_window_extent(render)
        if box.x1 <= fig.bbox.x1 - 2 and box.x0 >= fig.bbox.x0:
            return
        chars = max(8, int(chars * 0.85))
        title.set_text(_wrap(spec.title, chars))


def _legend(fig, handles, labels, target: Target, where: str = "lower center", columns: int | None = None):
    """A legend outside the plot: the constrained layout keeps the plot clear of it. Below the
    plot it takes as many columns as its longest entry allows (measured)."""
    if not handles:
        return None
    width = fig.get_figwidth()
    if columns is None:
        probe = fig.text(0, 0, "", fontsize=target.text)
        render = fig.canvas.get_renderer()
        longest = 0.0
        for label in labels:
            probe.set_text(_wrap(label, _chars(width * 0.9, target.text)))
            longest = max(longest, probe.get_window_extent(render).width / fig.dpi)
        probe.remove()
        entry = longest + target.text * 3.2 / 72  # the handle and the gaps around it
        columns = max(1, min(len(handles), int(width * 0.95 / entry)))
    if where != "right center":  # below the plot: each entry's text wraps within its column
        labels = [_wrap(label, _chars(width * 0.9 / columns - 0.4, target.text)) for label in labels]
    return fig.legend(handles, labels, loc=f"outside {where}", ncols=columns, handlelength=1.4,
                      fontsize=target.text)


def _fit_legends(fig) -> None:
    """Fewer columns for a legend wider than the figure (measured)."""
    for legend in fig.legends:
        for _ in range(6):
            box = legend.get_window_extent(layout.renderer(fig))
            if box.width <= fig.bbox.width - 4 or legend._ncols <= 1:
                break
            legend.set_ncols(legend._ncols - 1)


def _reference_handle(colour: str, text: str):
    return Line2D([], [], color=colour, linestyle="--", linewidth=1.2), text


# -- pie and donut ----------------------------------------------------------------------------

def _pie(spec: ChartSpec, style: ChartStyle, fig, target: Target) -> None:
    ax = _plot(fig)
    series = spec.series[0]
    values = spec.values(series)
    pairs = [(c, v, f) for c, v, f in zip(spec.categories, values, series.figures) if v is not None and v > 0]
    total = sum(v for _, v, _ in pairs) or 1.0
    width = 0.42 if spec.kind == "donut" else 1.0
    colours = [_colour(style, i) for i in range(len(pairs))]
    wedges, _ = ax.pie([v for _, v, _ in pairs], colors=colours, startangle=90, counterclock=False,
                       wedgeprops={"width": width, "edgecolor": "white"})
    fmt = AxisFormat(style.formatter, spec.value_type, values)
    ax.set_aspect("equal")
    names = [_wrap(c, 32) for c, _, _ in pairs]
    _legend(fig, wedges, names, target, "right center" if spec.size == "full" else "lower center",
            columns=1 if spec.size == "full" else None)
    _title(ax, spec, target)
    labels = []
    for wedge, colour, (_category, value, figure) in zip(wedges, colours, pairs):
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        text = fmt.label(figure) if spec.value_type == "percent" else style.formatter.percent(
            Decimal(str(value / total)), 2)  # two decimals, as the text and the tables print shares
        radius = 1 - width / 2 if spec.kind == "donut" else 0.66
        label = ax.text(radius * math.cos(angle), radius * math.sin(angle), text, ha="center", va="center",
                        color=text_on(colour), fontweight="bold", fontsize=target.label)
        labels.append((layout.on_fill(label, wedge), wedge, angle))
    _fit_title(fig, spec, target)
    _move_out_what_does_not_fit(fig, ax, labels, style, target)


def _move_out_what_does_not_fit(fig, ax, labels, style: ChartStyle, target: Target) -> None:
    """A label that does not fit on its slice, or collides with a neighbour's, goes outside
    with a leader line; outside labels are spread so that none overlaps another. Moving labels
    out shrinks the pie, so the labels left on it are measured again until nothing moves."""
    notes = []
    for _ in range(4):
        render = layout.renderer(fig)
        kept, staying = [], []
        for label, wedge, angle in labels:
            box = label.get_window_extent(render)
            if layout.inside(wedge, box, 2.0) and not any(layout.boxes_overlap(box, k, 0) for k in kept):
                kept.append(box)
                staying.append((label, wedge, angle))
            else:
                notes.append(_outside_label(ax, label, angle, style, target))
        if len(staying) == len(labels) and notes:
            return
        labels = staying
        if not notes:
            return
        _spread(fig, ax, notes)


def _outside_label(ax, label, angle: float, style: ChartStyle, target: Target):
    side = 1 if math.cos(angle) >= 0 else -1
    x, y = math.cos(angle), math.sin(angle)
    label.remove()
    note = layout.note(ax, label.get_text(), (x, y), (1.2 * x + 0.1 * side, 1.2 * y),
                       ha="left" if side > 0 else "right", va="center", fontsize=target.label,
                       color=style.text, arrowprops={"arrowstyle": "-", "color": style.muted, "linewidth": 0.7},
                       annotation_clip=False)  # its point is on the pie: no need to check, at every layout
    return note, angle, side


def _spread(fig, ax, notes) -> None:
    for _ in range(4):  # spreading changes the plot's scale: measured again until it holds
        render = layout.renderer(fig)
        per_unit = ax.bbox.height / (ax.get_ylim()[1] - ax.get_ylim()[0])
        for side in (1, -1):
            group = sorted([n for n in notes if n[2] == side], key=lambda n: math.sin(n[1]))
            heights = [layout.box_of(note, render).height / per_unit * 1.15 for note, _, _ in group]
            ys = [1.2 * math.sin(a) for _, a, _ in group]
            for i in range(1, len(ys)):  # bottom to top: each clears the one below it
                ys[i] = max(ys[i], ys[i - 1] + (heights[i] + heights[i - 1]) / 2)
            top = ax.get_ylim()[1] - (heights[-1] / 2 if heights else 0)
            if ys and ys[-1] > top:  # past the top: top to bottom, each clears the one above it
                ys[-1] = top
                for i in range(len(ys) - 2, -1, -1):
                    ys[i] = min(ys[i], ys[i + 1] - (heights[i] + heights[i + 1]) / 2)
            for (note, angle, _), y, height in zip(group, ys, heights):
                # clear of the circle at the height the label ended up at (its edge nearest the centre)
                near = max(0.0, abs(y) - height / 2)
                x = max(1.2 * abs(math.cos(angle)), math.sqrt(max(0.0, 1.1 ** 2 - near ** 2))) + 0.1
                note.xyann = (side * x, y)
        # the plot grows to hold the outside labels: the title goes above the plot, not above them
        if not _hold_texts(fig, ax):
            return


def _hold_texts(fig, ax) -> bool:
    """Widen a pie's square plot until every label in it lies inside, with the pie centred;
    whether the scale changed."""
    render = layout.renderer(fig)
    area = ax.get_window_extent(render)
    _, centre_y = ax.transData.transform((0, 0))
    reach = 0.0
    for text in ax.texts:
        box = layout.box_of(text, render)
        reach = max(reach, abs(box.y1 - centre_y), abs(box.y0 - centre_y))
    half = area.height / 2
    if reach <= half - 2:
        return False
    grow = (reach + 4) / half
    ax.set_ylim(*(v * grow for v in ax.get_ylim()))
    ax.set_xlim(*(v * grow for v in ax.get_xlim()))
    return True


# -- bars -----------------------------------------------------------------------------------

def all_values(spec: ChartSpec) -> list[float]:
    """What a chart's numbers are formatted for: its values and references (and, for a part
    of a chart split over slides, the whole chart's)."""
    values = [v for s in spec.series for v in spec.values(s) if v is not None]
    refs = [spec.reference] + [s.reference for s in spec.series]
    values += [float(r.number) for r in refs if r is not None and r.number is not None]
    return values + list(getattr(spec, "whole", ()))


def _bars(spec: ChartSpec, style: ChartStyle, fig, target: Target, horizontal: bool) -> None:
    ax = _plot(fig)
    fmt = AxisFormat(style.formatter, spec.value_type, all_values(spec))
    n_series = len(spec.series)
    positions = list(range(len(spec.categories)))
    if horizontal:
        positions = positions[::-1]  # first category on top
    thickness = 0.8 / n_series
    handles, names, value_labels = [], [], []
    for index, series in enumerate(spec.series):
        offset = (index - (n_series - 1) / 2) * thickness * (-1 if horizontal else 1)
        where = [p + offset for p in positions]
        values = [v if v is not None else 0.0 for v in spec.values(series)]
        draw = ax.barh if horizontal else ax.bar
        bars = draw(where, values, thickness * 0.92, color=_colour(style, index), label=series.name)
        labels = [fmt.label(f) for f in series.figures]
        value_labels += ax.bar_label(bars, labels=labels, padding=3, fontsize=target.label, color=style.text,
                                     annotation_clip=False)  # a bar's end is in the plot: not checked
        handles.append(bars)
        names.append(series.name)
    if n_series == 1:
        handles, names = [], []  # the title names the only series
    width = target.widths[spec.size]
    names_axis = [_wrap(c, _chars(width * 0.3, target.text) if horizontal else
                        _chars(width * 0.8 / max(1, len(spec.categories)), target.text)) for c in spec.categories]
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_formatter(FuncFormatter(fmt.tick))
    value_axis.set_major_locator(MaxNLocator(5))
    if horizontal:
        ax.set_yticks(positions, names_axis)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(min(positions) - 0.6, max(positions) + 0.6)
    else:
        ax.set_xticks(positions, names_axis)
        ax.tick_params(axis="x", length=0)
    if spec.reference is not None and spec.reference.number is not None:
        # the line is drawn across the bars; its label goes in the legend, where it covers nothing
        line = ax.axvline if horizontal else ax.axhline
        line(float(spec.reference.number), color=style.text, linestyle="--", linewidth=1.0)
        handle, text = _reference_handle(style.text, f"{spec.reference_label}: {fmt.label(spec.reference)}")
        handles.append(handle)
        names.append(text)
    zero = ax.axvline if horizontal else ax.axhline
    zero(0, color=style.muted, linewidth=0.6)
    _legend(fig, handles, names, target)
    _title(ax, spec, target)
    _fit_title(fig, spec, target)
    if horizontal:
        # one series: a label only meets the next band's label (a full band away); several: the
        # labels of one band are a bar apart, and each must stay clear of the bar beside its own
        _tall_enough(fig, ax, value_labels, 0.95 if n_series == 1 else 0.8 / n_series,
                     target.heights[spec.size] * 0.6)
        if fig.get_figheight() > target.tallest:
            return
    else:
        _upright_or_turned(fig, value_labels)
    _room_for_labels(fig, ax, value_labels, horizontal)


def _tall_enough(fig, ax, labels, bar: float, shortest: float) -> None:
    """Fit the figure's height to its bands: ``bar`` category units as tall as a value label,
    each category band as tall as its wrapped name, measured; no air beyond that, so that a
    slide holds as many bands as it can (never under ``shortest`` inches)."""
    for _ in range(5):
        render = layout.renderer(fig)
        low, high = ax.get_ylim()
        axes_height = ax.get_window_extent(render).height
        per_unit = axes_height / (high - low)
        label = max((t.get_window_extent(render).height for t in labels if t.get_text()), default=0.0)
        names = max((t.get_window_extent(render).height for t in ax.get_yticklabels() if t.get_text()),
                    default=0.0)
        needed = max(label * 1.1 / bar, names * 1.1)  # pixels per category unit
        if needed <= per_unit <= needed * 1.04:
            return
        height = max(shortest, fig.get_figheight() + axes_height * (needed / per_unit - 1) / fig.dpi + 0.02)
        if abs(height - fig.get_figheight()) < 0.01:
            return
        fig.set_figheight(height)


def _upright_or_turned(fig, labels) -> None:
    """Column labels wider than their column turn upright, so that neighbours never touch."""
    render = layout.renderer(fig)
    boxes = [t.get_window_extent(render) for t in labels if t.get_text()]
    near = -3.0  # pixels: neighbours closer than this would touch once another program sets the text
    if any(layout.boxes_overlap(a, b, near) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
        for text in labels:
            text.set_rotation(90)


def _room_for_labels(fig, ax, labels, horizontal: bool) -> None:
    """Widen the value axis until every value label sits inside the plot, clear of the edge
    (measured: a label's length depends on its text and the font, not on its value)."""
    for _ in range(6):
        render = layout.renderer(fig)
        area = ax.get_window_extent(render)
        low, high = ax.get_xlim() if horizontal else ax.get_ylim()
        span = area.width if horizontal else area.height
        per_pixel = (high - low) / span
        over_high = over_low = 0.0
        for text in labels:
            if not text.get_text():
                continue
            box = text.get_window_extent(render)
            if horizontal:
                over_high = max(over_high, box.x1 - area.x1)
                over_low = max(over_low, area.x0 - box.x0)
            else:
                over_high = max(over_high, box.y1 - area.y1)
                over_low = max(over_low, area.y0 - box.y0)
        if over_high <= 0 and over_low <= 0:
            return
        grow_high = (over_high + 4) * per_pixel * 1.3 if over_high > 0 else 0.0
        grow_low = (over_low + 4) * per_pixel * 1.3 if over_low > 0 else 0.0
        limits = (low - grow_low, high + grow_high)
        ax.set_xlim(*limits) if horizontal else ax.set_ylim(*limits)


# -- trend ----------------------------------------------------------------------------------

def _trend(spec: ChartSpec, style: ChartStyle, fig, target: Target) -> None:
    ax = _plot(fig)
    fmt = AxisFormat(style.formatter, spec.value_type, all_values(spec))
    x = list(range(len(spec.categories)))
    handles, names, ends = [], [], []
    for index, series in enumerate(spec.series):
        colour = _colour(style, index)
        points = [(i, v, f) for i, v, f in zip(x, spec.values(series), series.figures) if v is not None]
        if not points:
            continue
        (line,) = ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colour,
                          linewidth=1.8, markersize=4.5 * target.text / 8.5, label=series.name)
        handles.append(line)
        names.append(series.name)
        last = points[-1]
        ends.append(ax.annotate(fmt.label(last[2]), (last[0], last[1]), textcoords="offset points",
                                xytext=(6, 0), va="center", fontsize=target.label, fontweight="bold",
                                color=_on_white(colour), annotation_clip=False))  # a point of the line
        if series.reference is not None and series.reference.number is not None:
            ax.axhline(float(series.reference.number), color=colour, linestyle="--", linewidth=1.0)
            handle, text = _reference_handle(colour, f"{spec.reference_label}: {fmt.label(series.reference)}")
            handles.append(handle)
            names.append(text if len(spec.series) == 1 else f"{text} ({series.name})")
    if spec.reference is not None and spec.reference.number is not None:
        ax.axhline(float(spec.reference.number), color=style.text, linestyle="--", linewidth=1.0)
        handle, text = _reference_handle(style.text, f"{spec.reference_label}: {fmt.label(spec.reference)}")
        handles.append(handle)
        names.append(text)
    width = target.widths[spec.size]
    ax.set_xticks(x, [_wrap(c, _chars(width * 0.85 / max(1, len(x)), target.text)) for c in spec.categories])
    ax.set_xlim(-0.3, len(x) - 0.4)
    ax.yaxis.set_major_formatter(FuncFormatter(fmt.tick))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.margins(y=0.2)
    ax.grid(axis="y", color="#d9dee3", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(handles) > 1:
        _legend(fig, handles, names, target)
    _title(ax, spec, target)
    _fit_title(fig, spec, target)
    _apart(fig, ends)
    _room_for_labels(fig, ax, ends, horizontal=True)


def _apart(fig, labels) -> None:
    """Last-value labels of lines ending close together: moved apart vertically."""
    render = layout.renderer(fig)
    order = sorted(labels, key=lambda t: t.get_window_extent(render).y0)
    for below, above in zip(order, order[1:]):
        low, high = below.get_window_extent(render), above.get_window_extent(render)
        if layout.boxes_overlap(low, high, 0):
            shift = (low.y1 - high.y0 + 2) * 72 / fig.dpi
            x, y = above.xyann
            above.xyann = (x, y + shift)


# -- stacked bars ---------------------------------------------------------------------------

def _stacked(spec: ChartSpec, style: ChartStyle, fig, target: Target) -> None:
    ax = _plot(fig)
    fmt = AxisFormat(style.formatter, spec.value_type, all_values(spec))
    positions = list(range(len(spec.categories)))[::-1]
    left = [0.0] * len(spec.categories)
    segments = []
    handles = []
    for index, series in enumerate(spec.series):
        colour = _colour(style, index)
        values = [v or 0.0 for v in spec.values(series)]
        bars = ax.barh(positions, values, 0.6, left=left, color=colour, label=series.name,
                       edgecolor="white", linewidth=0.6)
        handles.append(bars)
        labels = ax.bar_label(bars, labels=[fmt.label(f) if v else "" for f, v in zip(series.figures, values)],
                              label_type="center", fontsize=target.label, color=text_on(colour), fontweight="bold",
                              annotation_clip=False)  # on its segment, in the plot
        segments += [(layout.on_fill(t, bar), bar) for t, bar in zip(labels, bars.patches)]
        left = [a + b for a, b in zip(left, values)]
    width = target.widths[spec.size]
    ax.set_yticks(positions, [_wrap(c, _chars(width * 0.3, target.text)) for c in spec.categories])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(min(positions) - 0.6, max(positions) + 0.6)
    ax.xaxis.set_major_formatter(FuncFormatter(fmt.tick))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    _legend(fig, handles, [s.name for s in spec.series], target)
    _title(ax, spec, target)
    _fit_title(fig, spec, target)
    _tall_enough(fig, ax, [t for t, _ in segments], 0.6, target.heights[spec.size] * 0.6)
    if fig.get_figheight() > target.tallest:
        return
    # a segment too short for its figure shows none (the data table under the chart has it)
    render = layout.renderer(fig)
    for text, bar in segments:
        if text.get_text() and not layout.inside(bar, text.get_window_extent(render), -1.0):
            text.set_text("")


BUILDERS = {
    "pie": _pie, "donut": _pie,
    "bar": lambda spec, style, fig, target: _bars(spec, style, fig, target, horizontal=False),
    "hbar": lambda spec, style, fig, target: _bars(spec, style, fig, target, horizontal=True),
    "trend": _trend, "stacked": _stacked,
}


def _line(size: float) -> float:
    return size * 1.3 / 72  # inches of one line of text


def _height(spec: ChartSpec, target: Target) -> float:
    height = (target.pie_heights if spec.kind in PIE_KINDS else target.heights)[spec.size]
    if spec.kind in ("hbar", "stacked"):  # one band per category, tall enough for its labels
        width = target.widths[spec.size]
        series = len(spec.series) if spec.kind == "hbar" else 1
        bands = 0.0
        for category in spec.categories:
            lines = _wrap(category, _chars(width * 0.3, target.text)).count("\n") + 1
            bands += max(series * _line(target.label) / 0.8, lines * _line(target.text), _line(target.text) * 1.3)
        height = max(height * 0.7, target.overhead + bands)
    return height


def figure(spec: ChartSpec, style: ChartStyle, target: str = "print", tallest: float = math.inf):
    """``spec`` drawn for ``target``; a chart of bands sized taller than ``tallest`` inches is
    left unfinished (its labels not fitted): the slides split it, only its height is of use."""
    _register_fonts()
    drawn_for = replace(TARGETS[target], tallest=tallest)
    width = drawn_for.widths[spec.size]
    with plt.rc_context(_rc(style, drawn_for)):
        fig = plt.figure(figsize=(width, _height(spec, drawn_for)), layout="constrained")
        values = [v for s in spec.series for v in spec.values(s) if v is not None]
        if not values or spec.kind in ("pie", "donut") and not any(v > 0 for v in values):
            ax = _plot(fig)  # a draft's chart before its data: said, not drawn empty
            _title(ax, spec, drawn_for)
            ax.set_axis_off()
            ax.text(0.5, 0.5, "n.d. – dati non ancora disponibili", ha="center", va="center", transform=ax.transAxes)
        else:
            BUILDERS[spec.kind](spec, style, fig, drawn_for)
            if fig.get_figheight() <= tallest:
                _fit_legends(fig)
    return fig


def render(spec: ChartSpec, style: ChartStyle, png: bool = False, target: str = "print") -> tuple[bytes, bytes | None]:
    """SVG (and, when asked, PNG) bytes of one chart; the same spec always gives the same bytes."""
    return save(figure(spec, style, target), style, png, target)


def save(fig, style: ChartStyle, png: bool = False, target: str = "print") -> tuple[bytes, bytes | None]:
    """SVG (and PNG with ``png``) bytes of a drawn figure, which is closed."""
    try:
        with plt.rc_context(_rc(style, TARGETS[target])):
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
