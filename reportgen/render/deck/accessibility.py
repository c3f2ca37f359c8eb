"""Accessibility passes over the finished deck (EN 301 549 / WCAG 2.1 AA, as AgID requires of
published documents): unique slide titles, every run tagged with the report's language, shapes
stored in reading order.

The rest is done as the slides are made: titles in the title placeholder, alt text (``descr``)
on charts, tables and pictures, text colours reaching 4.5:1 on their backgrounds
(:func:`..common.readable`), a figure coloured as better or worse also saying it in words
(:func:`..common.tone`).
"""

from __future__ import annotations

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn

from .fastxml import A_END, A_RPR
from .state import CONTINUED, Deck, retitle

_SHAPE_TAGS = frozenset(qn(t) for t in ("p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic", "p:contentPart"))
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_A_DEF = qn("a:defRPr")


def _unique_titles(deck: Deck) -> None:
    """Whatever the sections are called, no two slides share a title (WCAG 2.4.2): a title
    seen before gets "(segue)", then "(segue 2)"…"""
    seen: set[str] = set()
    for entry in deck.titles:
        if entry.shape is None:
            continue
        title = entry.shape.text_frame.text
        candidate, n = title, 1
        while candidate in seen:
            candidate = f"{title} {CONTINUED}" if n == 1 else f"{title} (segue {n})"
            n += 1
        if candidate != title:
            retitle(entry, candidate)
        seen.add(candidate)


_UNTAGGED_RUNS = etree.XPath(".//a:r[not(a:rPr)] | .//a:fld[not(a:rPr)]", namespaces={"a": _A})
_UNENDED = etree.XPath(".//a:p[not(a:endParaRPr)]", namespaces={"a": _A})


def _tag_language(root, lang: str) -> None:
    """``lang`` on every run (``a:rPr``), paragraph end and text default under ``root``, so
    that screen readers and spelling checkers use the report's language. A run or a paragraph
    without its properties gets them (``a:rPr`` first in a run, ``a:endParaRPr`` last in a
    paragraph); ``a:rPr`` only ever belongs to runs, fields and line breaks, all in paragraphs."""
    for run in _UNTAGGED_RUNS(root):
        run.insert(0, run.makeelement(A_RPR))
    for paragraph in _UNENDED(root):
        etree.SubElement(paragraph, A_END)
    for properties in root.iter(A_RPR, A_END, _A_DEF):
        properties.set("lang", lang)


def _tag_chart_language(chart_space, lang: str) -> None:
    _tag_language(chart_space, lang)
    element = chart_space.find(qn("c:lang"))
    if element is None:  # c:lang comes right after c:date1904, the first child
        element = parse_xml(f'<c:lang {nsdecls("c")} val="{lang}"/>')
        date = chart_space.find(qn("c:date1904"))
        if date is not None:
            date.addnext(element)
        else:
            chart_space.insert(0, element)
    element.set("val", lang)


_OFFSETS = (f"{qn('p:spPr')}/{qn('a:xfrm')}/{qn('a:off')}", f"{qn('p:xfrm')}/{qn('a:off')}",
            f"{qn('p:grpSpPr')}/{qn('a:xfrm')}/{qn('a:off')}")
_TITLE_TYPES = ("title", "ctrTitle")


def _position(element, slide) -> tuple[int, int, int]:
    """(0 for the title, top, left) of a shape element, from its XML; a placeholder that
    inherits its position from the layout is asked through python-pptx."""
    ph = element.find(f"./*[1]/{qn('p:nvPr')}/{qn('p:ph')}")
    if ph is not None and ph.get("type") in _TITLE_TYPES:
        return (0, 0, 0)
    for path in _OFFSETS:
        offset = element.find(path)
        if offset is not None:
            return (1, int(offset.get("y", 0)), int(offset.get("x", 0)))
    shape = next((s for s in slide.shapes if s._element is element), None)
    return (1, (shape.top or 0) if shape is not None else 0, (shape.left or 0) if shape is not None else 0)


def _reading_order(slide) -> None:
    """Store the shapes in reading order (screen readers follow the XML, not the layout):
    the title first, then top to bottom, left to right."""
    tree = slide.shapes._spTree
    elements = [e for e in tree if e.tag in _SHAPE_TAGS]
    ordered = sorted(elements, key=lambda e: _position(e, slide))  # stable: ties keep their order
    if ordered == elements:
        return
    anchor = tree.find(qn("p:grpSpPr"))
    for element in ordered:
        anchor.addnext(element)
        anchor = element


def make_accessible(deck: Deck) -> None:
    lang = deck.report.meta.locale.replace("_", "-")
    _unique_titles(deck)
    for slide in deck.prs.slides:
        _reading_order(slide)
        _tag_language(slide._element, lang)
        if slide.part.has_notes_slide:
            _tag_language(slide.notes_slide._element, lang)
        for element in slide._element.iter(qn("p:graphicFrame")):
            for chart_ref in element.iter(qn("c:chart")):
                chart_part = slide.part.related_part(chart_ref.get(qn("r:id")))
                _tag_chart_language(chart_part._element, lang)
    # the default for text added later in PowerPoint
    for defaults in deck.prs.part._element.iter(_A_DEF):
        defaults.set("lang", lang)
