"""Where a drawn chart's text ended up: every text box measured with the renderer, so that
the builders can move what collides and the tests can prove that nothing does. The builders
measure a figure laid out (:func:`renderer`, run again only when something changed), the
checks measure it drawn (:func:`drawn`).

A label printed on a fill (a slice, a stacked segment) is registered with ``on_fill``: it
must lie inside that fill, and its colour is judged against it; every other text must stay
clear of every bar and slice, of every other text, and of the figure's edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.colors import to_hex
from matplotlib.patches import Wedge
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox, IdentityTransform

_FILL = "_reportgen_fill"
TOLERANCE = 0.5  # points: boxes that merely touch do not collide


def on_fill(text: Text, patch) -> Text:
    """Mark ``text`` as printed on ``patch`` (its colour is then judged against that fill)."""
    setattr(text, _FILL, patch)
    return text


def fill_of(text: Text):
    return getattr(text, _FILL, None)


class Note(Annotation):
    """A label outside the plot's data joined to its point by a leader line (a pie's slice).
    For the layout only its letters count: the line runs from them to a point inside the plot,
    so it never reaches beyond what the layout holds anyway, and working out its path (clipped
    to the letters' box) at every layout is most of what laying out a pie costs."""

    def get_tightbbox(self, renderer=None):
        if not self.get_visible() or not self.get_text():
            return Bbox.null()
        self.update_positions(renderer)
        return Text.get_window_extent(self, renderer)


def note(ax, text: str, xy, xytext, **kwargs) -> Note:
    """``ax.annotate`` drawing a :class:`Note`."""
    made = Note(text, xy, xytext, **kwargs)
    made.set_transform(IdentityTransform())  # as ``Axes.annotate`` does
    ax._add_text(made)
    return made


@dataclass(frozen=True)
class Placed:
    text: Text
    box: Bbox  # display units (pixels at the figure's dpi)
    size: float  # points


_MEASURED = "_reportgen_measured"


def renderer(fig):
    """The figure laid out as a drawing would lay it out, and the renderer that measured it:
    the constrained layout, then what an Axes does before drawing (a pie's equal aspect, the
    title's height). Nothing is drawn (a full draw costs a third more, for nothing measured),
    and a figure in which nothing changed since it was last laid out is not laid out again:
    the builders' fitting steps measure one after the other, most of them changing nothing."""
    state = _state(fig)
    measured = getattr(fig, _MEASURED, None)
    if measured is not None and measured[0] == state:
        return measured[1]
    render = fig.canvas.get_renderer()
    engine = fig.get_layout_engine()
    if engine is not None and fig.axes:
        engine.execute(fig)
    for ax in fig.axes:
        locator = ax.get_axes_locator()
        ax.apply_aspect(locator(ax, render) if locator else None)
        ax._update_title_position(render)
    setattr(fig, _MEASURED, (_state(fig), render))
    return render


def drawn(fig):
    """The figure drawn (without rasterising) and its renderer: every text where the drawing
    puts it, a legend's entries included (which a layout alone leaves unplaced). For the
    checks, which must see what is printed; the builders measure with :func:`renderer`."""
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _text_state(text: Text) -> tuple:
    # the text itself, not its id: the state kept holds it, so that no new text takes its id
    anchor = getattr(text, "xy", None)  # an annotation's point; its text's place is get_position
    return (text, text.get_text(), tuple(text.get_position()), anchor if anchor is None else tuple(anchor),
            text.get_rotation(), text.get_visible(), hash(text.get_fontproperties()), text.get_ha(), text.get_va())


def _state(fig) -> tuple:
    """What the layout and the measured boxes depend on that a builder may change between two
    measures: the figure's size, each plot's limits, artists and texts, the legends."""
    state: list = [tuple(fig.get_size_inches()), fig.dpi, tuple(_text_state(t) for t in fig.texts)]
    for ax in fig.axes:
        state += [ax.get_xlim(), ax.get_ylim(), ax.axison, ax.get_aspect(), len(ax.patches), len(ax.lines),
                  tuple(_text_state(t) for t in (ax.title, ax._left_title, ax._right_title, *ax.texts))]
        legends = ([ax.get_legend()] if ax.get_legend() is not None else [])
        state += [(legend, legend._ncols) for legend in legends]
    state += [(legend, legend._ncols, tuple(t.get_text() for t in legend.get_texts())) for legend in fig.legends]
    return tuple(state)


def texts(fig) -> list[Text]:
    """Every text the figure prints: titles, ticks actually drawn, labels, legends."""
    found: list[Text] = []
    for ax in fig.axes:
        found += [ax.title, ax._left_title, ax._right_title]
        found += list(ax.texts)
        for axis in (ax.xaxis, ax.yaxis):
            found.append(axis.label)
            found += [tick.label1 for tick in axis._update_ticks() if tick.label1.get_visible()]
            found.append(axis.get_offset_text())
        if ax.get_legend() is not None:
            found += ax.get_legend().get_texts()
    for legend in fig.legends:
        found += legend.get_texts()
    found += list(fig.texts)
    return [t for t in found if t.get_visible() and t.get_text().strip()]


def box_of(text: Text, render) -> Bbox:
    """The box of the letters alone (an annotation's own extent includes its leader line)."""
    return Text.get_window_extent(text, render)


def placed(fig, render=None) -> list[Placed]:
    render = render or drawn(fig)
    return [Placed(t, box_of(t, render), t.get_fontsize()) for t in texts(fig)]


def fills(fig) -> list:
    """The bars and slices: what a text must not cover (unless it is printed on it)."""
    return [p for ax in fig.axes for p in ax.patches if p.get_visible() and _area(p) > 0]


def _area(patch) -> float:
    box = patch.get_window_extent()
    return box.width * box.height


def _pad(fig) -> float:
    return TOLERANCE * fig.dpi / 72


def boxes_overlap(a: Bbox, b: Bbox, pad: float = 0.0) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > pad) and (min(a.y1, b.y1) - max(a.y0, b.y0) > pad)


def _samples(box: Bbox, pad: float, steps: int = 6) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box.x0 + pad, box.y0 + pad, box.x1 - pad, box.y1 - pad
    if x1 <= x0 or y1 <= y0:
        return []
    return [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * j / steps) for i in range(steps + 1)
            for j in range(steps + 1)]


def covers(patch, box: Bbox, pad: float = 0.0) -> bool:
    """Whether ``patch`` (a bar or a slice) and the text box ``box`` share any area."""
    outline = patch.get_window_extent()
    if not boxes_overlap(outline, box, pad):
        return False
    if not isinstance(patch, Wedge):
        return True  # a bar is its own box
    path = patch.get_path().transformed(patch.get_transform())
    points = _samples(box, pad)
    if any(path.contains_point(p) for p in points):
        return True
    inner = Bbox.from_extents(box.x0 + pad, box.y0 + pad, box.x1 - pad, box.y1 - pad)
    return any(inner.contains(x, y) for x, y in path.vertices)


def inside(patch, box: Bbox, pad: float = 0.0) -> bool:
    """Whether the text box lies wholly on ``patch``."""
    if not isinstance(patch, Wedge):
        outline = patch.get_window_extent()
        return (box.x0 >= outline.x0 - pad and box.x1 <= outline.x1 + pad
                and box.y0 >= outline.y0 - pad and box.y1 <= outline.y1 + pad)
    path = patch.get_path().transformed(patch.get_transform())
    return all(path.contains_point(p) for p in _samples(box, -pad))


def problems(fig) -> list[str]:
    """What collides in a drawn figure, one line each; empty when the chart reads cleanly."""
    render = drawn(fig)
    pad = _pad(fig)
    boxes = placed(fig, render)
    patches = fills(fig)
    frame = fig.bbox
    found = []
    for index, one in enumerate(boxes):
        name = repr(one.text.get_text())
        box = one.box
        if box.x0 < frame.x0 - pad or box.y0 < frame.y0 - pad or box.x1 > frame.x1 + pad or box.y1 > frame.y1 + pad:
            found.append(f"{name} runs outside the figure")
        for other in boxes[index + 1:]:
            if boxes_overlap(box, other.box, pad):
                found.append(f"{name} overlaps {other.text.get_text()!r}")
        own = fill_of(one.text)
        if own is not None and not inside(own, box, pad):
            found.append(f"{name} does not fit on its fill")
        for patch in patches:
            if patch is not own and covers(patch, box, pad):
                found.append(f"{name} covers a bar or slice")
                break
    return found


def colour_pairs(fig) -> list[tuple[str, str, str]]:
    """(text, its colour, the colour under it) for every text: a fill's colour for labels
    printed on one, the figure's background for the others."""
    background = to_hex(fig.get_facecolor())
    pairs = []
    for text in texts(fig):
        fill = fill_of(text)
        under = to_hex(fill.get_facecolor()) if fill is not None else background
        pairs.append((text.get_text(), to_hex(text.get_color()), under))
    return pairs
