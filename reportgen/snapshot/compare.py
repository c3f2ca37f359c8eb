"""Comparing two renderings of a page: the share of pixels that differ outside the masks,
an image that shows where, and the box around the changes."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw

# A pixel "differs" when a channel moves by more than this (out of 255). Rendering is
# deterministic, so identical pages differ by 0; at 40 dpi a changed digit in a table moves a
# dozen pixels by 10 to 80, hence a low threshold.
THRESHOLD = 8


@dataclass(slots=True)
class PageDiff:
    match: float  # percent of compared pixels that are the same
    changed_box: tuple[int, int, int, int] | None  # pixels: left, top, right, bottom
    diff: Image.Image | None  # the new page with differences in red (None when identical)


def compare_images(old: Image.Image, new: Image.Image, masks: list[tuple[int, int, int, int]]) -> PageDiff:
    """``masks`` are pixel rectangles (left, top, right, bottom) left out of the comparison."""
    if old.size != new.size:
        return PageDiff(0.0, (0, 0, *new.size), _highlight(new, None, (0, 0, *new.size)))
    delta = ImageChops.difference(old, new).convert("L").point(lambda v: 255 if v > THRESHOLD else 0)
    considered = Image.new("L", new.size, 255)
    draw = ImageDraw.Draw(considered)
    for box in masks:
        draw.rectangle(box, fill=0)
    delta = ImageChops.multiply(delta, considered)
    changed = delta.histogram()[255]
    total = considered.histogram()[255] or 1
    box = delta.getbbox()
    match = 100.0 * (1 - changed / total)
    return PageDiff(match, box, _highlight(new, delta, box) if changed else None)


def _highlight(page: Image.Image, delta: Image.Image | None, box) -> Image.Image:
    base = Image.blend(page.convert("RGB"), Image.new("RGB", page.size, "white"), 0.6)
    if delta is not None:
        base.paste(Image.new("RGB", page.size, (220, 0, 0)), mask=delta)
    if box:
        ImageDraw.Draw(base).rectangle(box, outline=(220, 0, 0), width=2)
    return base
