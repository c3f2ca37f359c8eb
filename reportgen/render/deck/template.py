"""The deck's template and what is read from it: slide layouts by role, the geometry of a
content slide, the colours.

The deck starts from the project's corporate ``.pptx`` (``style.pptx_template``) or from
python-pptx's default made 16:9. Slides use the template's layouts, chosen by name with
fallbacks (:data:`SLIDE_LAYOUTS`), so a corporate look carries over; geometry is read from the
template, never assumed.
"""

from __future__ import annotations

import copy
import hashlib
import io
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import XmlPart
from pptx.opc.packuri import PACKAGE_URI
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.package import Package
from pptx.util import Emu

from ...content.model import Report
from ..common import TABLE_GROUP, TABLE_TOTAL, WHITE, accessible_theme, on_fill, readable, status_colour, tint

SLIDE_16_9 = (Emu(12192000), Emu(6858000))  # 13,333 × 7,5 in
FONT = "Titillium Web"
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
# python-pptx's tables use the built-in "Medium Style 2 – Accent 1": body rows banded with the
# theme's accent 1 at these tints (band1H, wholeTbl), the background of unfilled cells.
TABLE_STYLE_TINTS = (0.4, 0.2)

# Slide layouts by role: the first name the template has is used (English and Italian names
# of the standard Office layouts); without any, a layout with a title placeholder.
SLIDE_LAYOUTS = {
    "title": ("Title Slide", "Diapositiva titolo", "Titolo diapositiva"),
    "section": ("Section Header", "Intestazione sezione"),
    "content": ("Title Only", "Solo titolo", "Title and Content", "Titolo e contenuto"),
}


def to_points(emu: int) -> float:
    return emu / 12700


def to_emu(points: float) -> Emu:
    return Emu(int(points * 12700))


def rgb_color(hex_color: str) -> RGBColor:
    """``#rrggbb`` as python-pptx's colour value."""
    return RGBColor.from_string(hex_color.lstrip("#"))


def find_layout(prs, role: str):
    by_name = {layout.name: layout for layout in prs.slide_layouts}
    for name in SLIDE_LAYOUTS[role]:
        if name in by_name:
            return by_name[name]
    if role == "section":
        return find_layout(prs, "content")
    titled = [layout for layout in prs.slide_layouts
              if any(ph.placeholder_format.type in TITLES for ph in layout.placeholders)]
    return titled[0] if titled else prs.slide_layouts[0]


def _place(shape, left, top, width, height) -> None:
    # A placeholder given only some coordinates gets zeros for the others: set all four.
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def default_template():
    """python-pptx's default template, made 16:9 with its placeholders moved to fit."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_16_9
    width, margin = prs.slide_width, Emu(457200)
    body = width - 2 * margin
    for layout in prs.slide_layouts:
        placeholders = {ph.placeholder_format.idx: ph for ph in layout.placeholders}
        if layout.name == "Title Slide":
            _place(placeholders[0], margin, Emu(1600000), body, Emu(1900000))
            _place(placeholders[1], margin, Emu(3700000), body, Emu(1600000))
        elif layout.name == "Title Only":
            _place(placeholders[0], margin, Emu(300000), body, Emu(700000))
        elif layout.name == "Section Header":
            _place(placeholders[0], margin, Emu(2300000), body, Emu(1400000))
            _place(placeholders[1], margin, Emu(3800000), body, Emu(900000))
    return prs


def corporate_template(path: Path | io.BytesIO):
    prs = Presentation(path if isinstance(path, io.BytesIO) else str(path))
    slide_ids = prs.slides._sldIdLst  # a template may come with slides of its own: start empty
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return prs


# the templates made in this process: the package each saves to, and what the decks made on it share
_SAVED: dict[str | None, tuple[bytes, dict]] = {}


def fresh_template(path: Path | None) -> tuple[object, dict]:
    """The deck's template, as :func:`corporate_template` (``path``) or :func:`default_template`
    (None) make it, read from the package it was saved to the first time in this process (a deck
    made of parts starts one per part, and making the template was most of a small part's cost),
    with a dict that the decks made on the same template share (:attr:`.state.Deck.copies`).
    Saving and reading back gives the same parts, so the same bytes (tests/build/test_deck_parts.py).
    A few templates are kept, by the corporate file's content."""
    data = None if path is None else Path(path).read_bytes()
    key = None if data is None else hashlib.sha256(data).hexdigest()
    saved = _SAVED.get(key)
    if saved is None:
        prs = default_template() if data is None else corporate_template(io.BytesIO(data))
        out = io.BytesIO()
        prs.save(out)
        stored = io.BytesIO()  # read back once per part: not deflated, that is a fifth of the reading
        with zipfile.ZipFile(out) as source, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info))
        if len(_SAVED) >= 4:
            _SAVED.clear()
        saved = _SAVED[key] = (stored.getvalue(), {})
    return _copy(key, saved[0]), saved[1]


_READ = threading.local()  # per thread: the templates read, each copied for every deck


class _Read:
    """A template package read once: its parts and their relationships, to be copied. Reading
    a package parses every part (a dozen layouts, the master, the theme); copying their
    elements is a tenth of that."""

    def __init__(self, data: bytes):
        package = Presentation(io.BytesIO(data)).part.package
        self.parts = list(package.iter_parts())
        self.rels = {part.partname: parse_xml(part.rels.xml) for part in self.parts}
        self.package_rels = parse_xml(package._rels.xml)

    def copy(self):
        """A Presentation as python-pptx reads the package: the same parts (copies of the
        elements, the same bytes of the others) related the same way."""
        package = Package(None)
        parts = {}
        for part in self.parts:
            if isinstance(part, XmlPart):
                parts[part.partname] = type(part)(part.partname, part.content_type, package,
                                                  copy.deepcopy(part._element))
            else:
                parts[part.partname] = type(part).load(part.partname, part.content_type, package, part.blob)
        for partname, made in parts.items():
            made.load_rels_from_xml(self.rels[partname], parts)
        package._rels.load_from_xml(PACKAGE_URI, self.package_rels, parts)
        return package.presentation_part.presentation


def _copy(key: str | None, data: bytes):
    """The saved template ``data`` as a python-pptx Presentation: a copy of the one read in this
    thread (``key`` names it), or read from ``data`` should python-pptx's package differ."""
    read = _READ.__dict__.setdefault("templates", {})
    try:
        if key not in read:
            if len(read) >= 4:
                read.clear()
            read[key] = _Read(data)
        return read[key].copy()
    except (AttributeError, TypeError, KeyError, ValueError):  # another python-pptx
        return Presentation(io.BytesIO(data))


@dataclass
class Geometry:
    """The content area of a slide, below the content layout's title."""

    width: int
    height: int
    left: int
    top: int
    body_width: int
    body_height: int
    footer: int

    @classmethod
    def of(cls, prs, content_layout) -> Geometry:
        width, height = prs.slide_width, prs.slide_height
        margin = int(width * 0.0375)
        title = next((ph for ph in content_layout.placeholders if ph.placeholder_format.type in TITLES), None)
        title_bottom = (title.top + title.height) if title is not None and title.height else int(height * 0.15)
        top = title_bottom + int(height * 0.02)
        footer = int(height * 0.05)
        return cls(width, height, margin, top, width - 2 * margin, height - top - footer - int(height * 0.015), footer)


def theme_accent(prs) -> str:
    """The template theme's accent 1 (``#rrggbb``), which python-pptx's table style tints."""
    try:
        theme_part = prs.slide_masters[0].part.part_related_by(RT.THEME)
        scheme = etree.fromstring(theme_part.blob).find(".//" + qn("a:accent1"))
        colour = scheme[0]
        value = colour.get("val") if colour.tag == qn("a:srgbClr") else colour.get("lastClr")
        if value and len(value) == 6:
            return f"#{value}"
    except (KeyError, IndexError, TypeError, AttributeError, etree.XMLSyntaxError):
        pass
    return "#4f81bd"  # Office's default accent 1


@dataclass
class Colours:
    """The text colours of the deck, each readable (4.5:1) on the surfaces it is printed on."""

    primary: str  # titles and headings on white; the fill under white text (title slide, dividers, table header)
    on_primary: str  # text on the primary fill
    total: str  # text of subtotal, total and group rows, on their fills
    better: str  # figures better than their target, on any table surface
    worse: str

    @classmethod
    def of(cls, report: Report, prs, accent: str | None = None) -> Colours:
        """The report's colours on ``prs``, whose theme's accent 1 is ``accent`` if known."""
        theme = accessible_theme(report.meta.theme)
        accent = accent or theme_accent(prs)
        surfaces = (WHITE, TABLE_TOTAL, TABLE_GROUP, *(tint(accent, t) for t in TABLE_STYLE_TINTS))
        return cls(theme.primary, on_fill(theme.primary), readable(theme.text, TABLE_TOTAL, TABLE_GROUP),
                   status_colour("better", theme, *surfaces), status_colour("worse", theme, *surfaces))
