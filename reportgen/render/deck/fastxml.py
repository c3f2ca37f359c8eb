"""Faster ways to python-pptx's results, for what a deck does thousands of times.

Each writes the XML python-pptx's own code would write (the same elements in the same order,
so the same bytes), and declines — returns False or stands aside — whenever the element is
not in the state it expects, leaving the work to python-pptx. A test builds a deck with every
one of them turned off and compares the bytes.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

A_P, A_PPR, A_R, A_T = qn("a:p"), qn("a:pPr"), qn("a:r"), qn("a:t")
A_RPR, A_END = qn("a:rPr"), qn("a:endParaRPr")
A_SOLID, A_SRGB, A_LATIN = qn("a:solidFill"), qn("a:srgbClr"), qn("a:latin")


def srgb_val(colour: str) -> str:
    """``#rrggbb`` as the ``val`` of an ``a:srgbClr`` (``RRGGBB``)."""
    return colour.lstrip("#").upper()


def write_run_font(run, size: float | None, bold: bool | None, font: str | None, colour: str | None) -> bool:
    """Size, weight, colour and font of a new run, written as python-pptx's ``run.font`` would
    write them (``sz``, ``b``; ``a:solidFill`` before ``a:latin``) without its per-property
    overhead. False when the run already has properties: python-pptx orders what is there."""
    properties = run._r.get_or_add_rPr()
    if len(properties):
        return False
    if size is not None:
        properties.set("sz", str(Pt(size).centipoints))
    if bold is not None:
        properties.set("b", "1" if bold else "0")
    if colour:
        etree.SubElement(etree.SubElement(properties, A_SOLID), A_SRGB).set("val", srgb_val(colour))
    if font:
        etree.SubElement(properties, A_LATIN).set("typeface", font)
    return True


def write_cell(tc, text: str, right: bool, size: str, bold: bool, font: str | None, colour: str | None,
               fill: str | None, italic: bool = False) -> bool:
    """Fill a new table cell by writing its XML: the same elements python-pptx's ``cell.text``,
    ``paragraph.alignment``, ``run.font`` and ``cell.fill`` would write, at a fraction of the
    cost (a deck has thousands of cells). False, with nothing written, when the cell is not the
    fresh empty one python-pptx makes or the text needs python-pptx's handling (line breaks,
    control characters): :func:`write_cell_pptx` does it then."""
    body, properties = tc.find(qn("a:txBody")), tc.find(qn("a:tcPr"))
    paragraphs = body.findall(A_P) if body is not None else []
    if (properties is None or len(properties) or len(paragraphs) != 1 or len(paragraphs[0])
            or any(ord(ch) < 32 for ch in text)):
        return False
    paragraph = paragraphs[0]
    etree.SubElement(paragraph, A_PPR).set("algn", "r" if right else "l")
    if text:
        run = etree.SubElement(paragraph, A_R)
        run_properties = etree.SubElement(run, A_RPR)
        run_properties.set("sz", size)
        run_properties.set("b", "1" if bold else "0")
        if italic:
            run_properties.set("i", "1")
        if colour:
            etree.SubElement(etree.SubElement(run_properties, A_SOLID), A_SRGB).set("val", colour)
        if font:
            etree.SubElement(run_properties, A_LATIN).set("typeface", font)
        etree.SubElement(run, A_T).text = text
    # an empty cell too: without it a viewer sizes the row for its default 18 pt
    etree.SubElement(paragraph, A_END).set("sz", size)
    if fill:
        etree.SubElement(etree.SubElement(properties, A_SOLID), A_SRGB).set("val", fill)
    return True


class TableCell(NamedTuple):
    """What a table cell shows (``colour`` and ``fill`` as ``RRGGBB``)."""

    text: str
    right: bool
    bold: bool
    colour: str | None
    fill: str | None
    italic: bool


class TableRow(NamedTuple):
    height: int  # EMU
    spans: bool  # its one cell spans the table (python-pptx's merge: gridSpan, then hMerge)
    cells: list[TableCell]


_CONTROL = re.compile("[\x00-\x1f]")  # what python-pptx splits into line breaks or escapes


def _cell_xml(cell: TableCell, size: str, font: str | None, span: str) -> str:
    """A cell as :func:`write_cell` writes it into the empty cell python-pptx makes."""
    run = ""
    if cell.text:
        fill = f'<a:solidFill><a:srgbClr val="{cell.colour}"/></a:solidFill>' if cell.colour else ""
        latin = f'<a:latin typeface={quoteattr(font)}/>' if font else ""
        italic = ' i="1"' if cell.italic else ""
        run = (f'<a:r><a:rPr sz="{size}" b="{"1" if cell.bold else "0"}"{italic}>{fill}{latin}</a:rPr>'
               f'<a:t>{escape(cell.text)}</a:t></a:r>')
    fill = f'<a:solidFill><a:srgbClr val="{cell.fill}"/></a:solidFill>' if cell.fill else ""
    return (f'<a:tc{span}><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr algn="{"r" if cell.right else "l"}"/>'
            f'{run}<a:endParaRPr sz="{size}"/></a:p></a:txBody><a:tcPr>{fill}</a:tcPr></a:tc>')


_SPANNED = "<a:tc hMerge=\"1\"><a:txBody><a:bodyPr/><a:lstStyle/><a:p/></a:txBody><a:tcPr/></a:tc>"


_TABLE_FRAME = (f"<p:graphicFrame {nsdecls('a', 'p')}><p:nvGraphicFramePr><p:cNvPr id=\"0\" name=\"\"/>"
                "<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/>"
                "</p:nvGraphicFramePr><p:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></p:xfrm>"
                "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">"
                # python-pptx's table style: Medium Style 2 - Accent 1
                "<a:tbl><a:tblPr firstRow=\"1\" bandRow=\"1\"><a:tableStyleId>{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}"
                "</a:tableStyleId>"
                "</a:tblPr><a:tblGrid>{}</a:tblGrid>{}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>")


def add_table(slide, left: int, top: int, widths: list[int], rows: list[TableRow], size: float, font: str | None):
    """A table of ``rows`` at (``left``, ``top``: EMU) with columns ``widths`` wide, its frame as
    wide and tall as its columns and rows; returns its shape. python-pptx makes a table cell by
    cell (an XML parse each) before :func:`write_cell` fills them: here the frame, python-pptx's
    (its id, name, table style), and the cells as :func:`write_cell` fills them are written as
    text and parsed at once. False, with nothing added, for a text :func:`write_cell` leaves to
    python-pptx (control characters) or for another python-pptx."""
    if any(_CONTROL.search(cell.text) for row in rows for cell in row.cells):
        return False
    centipoints = str(Pt(size).centipoints)
    xml = []
    for row in rows:
        xml.append(f'<a:tr h="{row.height}">')
        if row.spans:
            xml.append(_cell_xml(row.cells[0], centipoints, font, f' gridSpan="{len(widths)}"'))
            xml.extend([_SPANNED] * (len(widths) - 1))
        else:
            xml.extend(_cell_xml(cell, centipoints, font, "") for cell in row.cells)
        xml.append("</a:tr>")
    grid = "".join(f'<a:gridCol w="{width}"/>' for width in widths)
    frame = _insert_shape(slide, _TABLE_FRAME.format(int(left), int(top), sum(widths),
                                                     sum(row.height for row in rows), grid, "".join(xml)), "Table")
    return False if frame is None else slide.shapes._shape_factory(frame)


def _insert_shape(slide, xml: str, name: str):
    """``xml`` added to ``slide`` as its next shape, numbered and named as python-pptx does;
    None, with nothing added, for a character XML refuses or another python-pptx."""
    try:
        element = parse_xml(xml.encode("utf-8"))
        shapes = slide.shapes
        tree = shapes._spTree
        shape_id = shapes._next_shape_id  # taken last: nothing may fail once it is
    except (AttributeError, TypeError, etree.XMLSyntaxError):
        return None
    properties = element[0][0]  # the shape's own properties: p:nvSpPr/p:cNvPr, p:nvGraphicFramePr/p:cNvPr
    properties.set("id", str(shape_id))
    properties.set("name", f"{name} {shape_id - 1}")
    tree.insert_element_before(element, "p:extLst")
    return element


class TextPara(NamedTuple):
    """A paragraph of a text box: its text in one run of the deck's font (``size`` points,
    ``bold``, ``colour`` as ``#rrggbb``), the space after it (EMU), a bullet hanging by
    ``bullet`` EMU, the alignment (``"r"``)."""

    text: str
    size: float | None = None
    bold: bool | None = None
    colour: str | None = None
    space_after: int | None = None
    bullet: int | None = None
    align: str | None = None


_TEXTBOX = (f"<p:sp {nsdecls('a', 'p')}><p:nvSpPr><p:cNvPr id=\"{{}}\" name=\"{{}}\"/><p:cNvSpPr txBox=\"1\"/><p:nvPr/>"
            "</p:nvSpPr><p:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm>"
            "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody>"
            "<a:bodyPr wrap=\"{}\"><a:spAutoFit/></a:bodyPr><a:lstStyle/>{}</p:txBody></p:sp>")


def _paragraph_xml(para: TextPara, font: str | None, coloured: bool, run_properties: bool = True) -> str:
    """A paragraph as python-pptx's ``paragraph.text``, ``space_after`` and ``alignment``, then
    :func:`write_run_font` on its run (unless not ``run_properties``) and the deck's bullet, write it."""
    attributes = f' marL="{para.bullet}" indent="{-para.bullet}"' if para.bullet is not None else ""
    if para.align:
        attributes += f' algn="{para.align}"'
    inner = f'<a:spcAft><a:spcPts val="{Emu(para.space_after).centipoints}"/></a:spcAft>' \
        if para.space_after is not None else ""
    if para.bullet is not None:
        inner += '<a:buFont typeface="Arial"/><a:buChar char="\u2022"/>'
    properties = f"<a:pPr{attributes}>{inner}</a:pPr>" if attributes or inner else ""
    run = ""
    if para.text:
        run_attributes = f' sz="{Pt(para.size).centipoints}"' if para.size is not None else ""
        if para.bold is not None:
            run_attributes += f' b="{"1" if para.bold else "0"}"'
        run_inner = f'<a:solidFill><a:srgbClr val="{srgb_val(para.colour)}"/></a:solidFill>' \
            if para.colour and coloured else ""
        if font:
            run_inner += f"<a:latin typeface={quoteattr(font)}/>"
        run_properties_xml = f"<a:rPr{run_attributes}>{run_inner}</a:rPr>" if run_properties else ""
        run = f"<a:r>{run_properties_xml}<a:t>{escape(para.text)}</a:t></a:r>"
    return f"<a:p>{properties}{run}</a:p>"


_A_BODY_PR, _P_TX_BODY = qn("a:bodyPr"), qn("p:txBody")


def write_title(shape, para: TextPara, font: str | None, styled: bool) -> bool:
    """The title placeholder ``shape`` says ``para``, words wrapped: what python-pptx's
    ``text_frame.text``, ``word_wrap`` and, in the deck's own look (``styled``),
    :func:`write_run_font` on its run write. False, with nothing written, for a text python-pptx
    would split or escape, or a placeholder without its text body."""
    body = shape._element.find(_P_TX_BODY)
    properties = body.find(_A_BODY_PR) if body is not None else None
    if properties is None or _CONTROL.search(para.text):
        return False
    paragraph = _paragraph_xml(para, font, styled, run_properties=styled)
    try:
        element = parse_xml(f"<a:p {nsdecls('a')}{paragraph[4:]}".encode())
    except etree.XMLSyntaxError:  # a character XML refuses
        return False
    for old in body.findall(A_P):
        body.remove(old)
    body.append(element)
    properties.set("wrap", "square")
    return True


def add_textbox(slide, frame: tuple[int, int, int, int], paragraphs: list[TextPara], wrap: bool,
                font: str | None, coloured: bool) -> bool:
    """A text box at ``frame`` (left, top, width, height: EMU) holding ``paragraphs``, words
    wrapped if ``wrap``, in ``font`` (None: the template's), coloured if ``coloured``: the XML
    python-pptx's ``add_textbox``, ``word_wrap`` and paragraph setters write, parsed at once.
    False, with nothing added, for a text python-pptx would split or escape (control characters)
    or for another python-pptx."""
    if any(_CONTROL.search(para.text) for para in paragraphs):
        return False
    body = "".join(_paragraph_xml(p, font, coloured) for p in paragraphs) or "<a:p/>"
    xml = _TEXTBOX.format(0, "", *(int(v) for v in frame), "square" if wrap else "none", body)
    return _insert_shape(slide, xml, "TextBox") is not None


def write_cell_pptx(cell, text: str, right: bool, size: float, bold: bool, font: str | None,
                    colour: str | None, fill: str | None, italic: bool = False) -> None:
    """:func:`write_cell` the way python-pptx does it (``colour`` and ``fill`` as ``RRGGBB``)."""
    cell.text = text
    for paragraph in cell.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            if italic:
                run.font.italic = True
            if font:
                run.font.name = font
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)
        paragraph._p.get_or_add_endParaRPr().set("sz", str(round(size * 100)))
    if fill:
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(fill)


def clone_notes_slide(slide, template: bytes):
    """Give ``slide`` a notes slide copied from ``template``, the XML of the first notes slide
    python-pptx made, as it was before any text; returns its element. python-pptx makes each notes slide by cloning
    the notes master's placeholders one by one, the same shapes every time: a copy of the first
    is the same bytes, in a part related as python-pptx relates it. False, with nothing
    related, should python-pptx's parts have changed: it makes the notes slide itself then."""
    try:
        package = slide.part.package
        master = package.presentation_part.notes_master_part
        part = NotesSlidePart(package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
                              CT.PML_NOTES_SLIDE, package, parse_xml(template))
        part.relate_to(master, RT.NOTES_MASTER)
        part.relate_to(slide.part, RT.SLIDE)
        slide.part.relate_to(part, RT.NOTES_SLIDE)
    except (AttributeError, TypeError, KeyError):  # another python-pptx
        return False
    return part._element


_NOTES_BODY = etree.XPath("p:cSld/p:spTree/*[*[1]/p:nvPr/p:ph[@type='body']][1]/p:txBody",
                          namespaces={"p": "http://schemas.openxmlformats.org/presentationml/2006/main"})


def write_notes(notes, text: str) -> bool:
    """The speaker notes ``text`` in the notes slide ``notes`` (its element), as python-pptx's
    ``notes_slide.notes_text_frame.text`` writes it, without its search of the placeholders
    through a proxy per shape. False, with nothing written, when the first body placeholder has
    no text body yet (python-pptx adds one)."""
    bodies = _NOTES_BODY(notes)
    if not bodies:
        return False
    TextFrame(bodies[0], None).text = text
    return True


def clone_slide(prs, layout, template: bytes):
    """A new slide of ``layout`` whose XML is a copy of ``template``, the first slide python-pptx
    made of that layout, as it was once its unused placeholders were removed and before any
    text. python-pptx makes each slide by cloning the layout's placeholders one by one
    (``clone_layout_placeholders``: a search of the shape tree for each id, name and type), the
    same shapes every time; here the part is named, related and listed as python-pptx's
    ``Slides.add_slide`` does it. False, with nothing added, should python-pptx's parts have
    changed: it makes the slide itself then."""
    try:
        presentation = prs.part
        slide_ids = prs.slides._sldIdLst
        partname = PackURI(f"/ppt/slides/slide{len(slide_ids) + 1}.xml")
        part = SlidePart(partname, CT.PML_SLIDE, presentation.package, parse_xml(template))
        part.relate_to(layout.part, RT.SLIDE_LAYOUT)
        slide_ids.add_sldId(presentation.relate_to(part, RT.SLIDE))
    except (AttributeError, TypeError, KeyError):  # another python-pptx
        return False
    return part.slide


@contextmanager
def indexed_partnames(package):
    """Speed up python-pptx's ``OpcPackage.next_partname`` while the deck is built.

    python-pptx finds the next free ``slideN.xml`` (``notesSlideN.xml``, ``chartN.xml``…) by
    walking every relationship of the package on each new part: quadratic in the slides, a
    third of a large deck's time. Here each name pattern's used names are collected by that
    same walk once, then kept up to date, and the name is chosen by python-pptx's own rule
    (the highest free number up to count + 1), so the names, and the bytes, are the same. It
    holds because, while the deck is built, every name given becomes a part of the package
    and no part is removed. Installed on the package object only, for this build, and only
    if python-pptx still has the method (``>=1.0.2,<2``); otherwise python-pptx's own runs.
    """
    original = getattr(package, "next_partname", None)
    if original is None or not callable(original):
        yield
        return
    used: dict[str, set[str]] = {}

    def next_partname(tmpl: str) -> PackURI:
        prefix = tmpl[: (tmpl % 42).find("42")]
        names = used.get(prefix)
        if names is None:
            names = used[prefix] = {str(p.partname) for p in package.iter_parts()
                                    if p.partname.startswith(prefix)}
        for n in range(len(names) + 1, 0, -1):
            candidate = tmpl % n
            if candidate not in names:
                names.add(candidate)
                return PackURI(candidate)
        return original(tmpl)  # pragma: no cover - python-pptx raises here too

    package.next_partname = next_partname
    try:
        yield
    finally:
        del package.next_partname
