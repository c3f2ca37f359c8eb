"""One embedded copy of each font in a merged PDF.

Every piece of a document embeds its own subset of each font it uses. WeasyPrint subsets
with the glyph ids of the original font retained, so the pieces' subsets can be replaced by
one subset of the original (bundled) font holding the union of their glyphs: the file is as
small as a single-pass one and each font appears once in the viewer's font list. Every
bundled font is subset here, even one used by a single piece, by fontTools with the bundled
file's own timestamp: the bytes do not depend on the subsetter WeasyPrint used, nor on the day.
"""

from __future__ import annotations

import io
import re
import struct
from collections import defaultdict
from functools import cache
from pathlib import Path

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from ..resources import assets_dir

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")
# what a PDF viewer never reads in an embedded font: WeasyPrint leaves these out of its subsets too
LAYOUT_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "GDEF", "JSTF", "LTSH", "PCLT", "SVG ")


@cache
def _bundled_fonts() -> dict[str, Path]:
    """PostScript name → bundled font file."""
    fonts = {}
    for path in sorted((assets_dir() / "fonts").glob("*.ttf")):
        with TTFont(path, lazy=True) as font:  # read lazily from the file: closed once read
            name = font["name"].getDebugName(6)
        if name:
            fonts[name] = path
    return fonts


def _program_name(descriptor) -> str | None:
    program = descriptor.get("/FontFile2")
    if program is None:
        return None
    try:
        return TTFont(io.BytesIO(program.read_bytes()), lazy=True)["name"].getDebugName(6)
    except Exception:  # noqa: BLE001 - an unreadable program is simply not merged
        return None


def _widths(w) -> dict[int, object]:
    widths, items, i = {}, list(w), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = width
            i += 2
        else:
            for gid in range(first, int(items[i + 1]) + 1):
                widths[gid] = items[i + 2]
            i += 3
    return widths


def _w_array(widths: dict[int, object]) -> pikepdf.Array:
    """A CID font's /W: each glyph id with its width, in order (the inverse of :func:`_widths`)."""
    flat: list = []
    for gid in sorted(widths):
        flat += [gid, [widths[gid]]]
    return pikepdf.Array(flat)


def _unicode_map(stream) -> dict[int, bytes]:
    data, mapping = stream.read_bytes(), {}
    for block in _BFCHAR.findall(data):
        values = _HEX.findall(block)
        for code, text in zip(values[::2], values[1::2]):
            mapping[int(code, 16)] = text
    for block in _BFRANGE.findall(data):
        values = _HEX.findall(block)
        for low, high, start in zip(values[::3], values[1::3], values[2::3]):
            base = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = f"{base + offset:0{len(start)}x}".encode()
    return mapping


def _to_unicode_stream(pdf: pikepdf.Pdf, mapping: dict[int, bytes]):
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):  # at most 100 entries per block
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (code, text) for code, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return pdf.make_stream(b"\n".join(lines))


def _without_layout_tables(path: Path) -> TTFont:
    # removed before anything reads them: decompiling the kerning (GPOS) alone takes a third of a second;
    # the timestamp in 'head' is kept, or every save would write today's date into the PDF. The
    # boxes are not recomputed on saving (recalcBBoxes): that encodes every kept outline again,
    # three quarters of a subset's time; _set_font_box computes the same boxes without it
    font = TTFont(path, lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    return font


def _subset(path: Path, gids: set[int]) -> bytes:
    # the same choices as WeasyPrint's own subsetting: glyph ids kept, no hinting, no layout tables
    options = subset.Options(retain_gids=True, hinting=False, notdef_outline=True, desubroutinize=True,
                             passthrough_tables=True, name_IDs=["*"])
    options.drop_tables += list(LAYOUT_TABLES)
    with _without_layout_tables(path) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted(gids))
        subsetter.subset(font)
        _set_font_box(font)
        buffer = io.BytesIO()
        font.save(buffer)
    return buffer.getvalue()


def _set_font_box(font: TTFont) -> None:
    """The glyph boxes and the font's box ('head') as fontTools computes them when it
    recalculates on saving, without encoding any outline again: each glyph is decoded aside
    and its box written into its bytes (the bundled italics store some boxes a unit off their
    outlines: the subset keeps the boxes fontTools always wrote). A glyph fontTools has
    already expanded (a composite's component) gets its box computed in place. The other
    values recomputed on saving (maxp's maxima, hhea's extremes) stay the whole font's:
    bounds that still hold."""
    glyf, boxes = font["glyf"], []
    for name in font.getGlyphOrder():
        glyph = glyf.glyphs.get(name)
        data = getattr(glyph, "data", None)
        if data is not None:
            if len(data) < 10 or not struct.unpack(">h", data[:2])[0]:
                continue
            decoded = Glyph(data)
            decoded.expand(glyf)
            decoded.recalcBounds(glyf)
            box = (decoded.xMin, decoded.yMin, decoded.xMax, decoded.yMax)
            glyph.data = data[:2] + struct.pack(">hhhh", *box) + data[10:]
        elif glyph is not None and getattr(glyph, "numberOfContours", 0):
            glyph.recalcBounds(glyf)
            box = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)
        else:
            continue
        boxes.append(box)
    if boxes:
        head = font["head"]
        head.xMin, head.yMin = min(b[0] for b in boxes), min(b[1] for b in boxes)
        head.xMax, head.yMax = max(b[2] for b in boxes), max(b[3] for b in boxes)


def _font_resources(pdf: pikepdf.Pdf) -> list:
    """Every /Font resource dictionary reachable from the pages (forms and patterns included)."""
    found, seen = [], set()

    def visit(resources) -> None:
        if resources is None or not isinstance(resources, pikepdf.Dictionary):
            return
        key = resources.objgen if resources.is_indirect else id(resources)
        if key in seen:
            return
        seen.add(key)
        if "/Font" in resources:
            found.append(resources.Font)
        for category in ("/XObject", "/Pattern"):
            for item in (resources.get(category) or {}).values():
                if isinstance(item, pikepdf.Stream | pikepdf.Dictionary):
                    visit(item.get("/Resources"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    return found


def merge_fonts(pdf: pikepdf.Pdf) -> None:
    """Make every resource use one font object per bundled font face."""
    resources = _font_resources(pdf)
    groups: dict[str, dict[tuple[int, int], object]] = defaultdict(dict)
    for fonts in resources:
        for font in fonts.values():
            if font.get("/Subtype") == "/Type0" and "/DescendantFonts" in font:
                groups[str(font.BaseFont)][font.objgen] = font
    replacement: dict[tuple[int, int], object] = {}
    for fonts in groups.values():
        # a font used by one piece only is made again too: the subset WeasyPrint wrote depends
        # on the subsetter it found (HarfBuzz, or fontTools, which dates it with the clock)
        members = list(fonts.values())
        descendants = [member.DescendantFonts[0] for member in members]
        source = _bundled_fonts().get(_program_name(descendants[0].FontDescriptor) or "")
        if source is None:
            continue  # not one of ours: left as it is
        widths: dict[int, object] = {}
        unicode: dict[int, bytes] = {}
        for member, descendant in zip(members, descendants):
            widths.update(_widths(descendant.get("/W", [])))
            if "/ToUnicode" in member:
                unicode.update(_unicode_map(member.ToUnicode))
        keep, cid_font = members[0], descendants[0]
        program = _subset(source, set(widths))
        descriptor = cid_font.FontDescriptor
        descriptor.FontFile2 = pdf.make_stream(program)
        descriptor.FontFile2.Length1 = len(program)
        if "/CIDSet" in descriptor:
            del descriptor.CIDSet  # optional, and would describe one piece's subset only
        cid_font.W = _w_array(widths)
        keep.ToUnicode = _to_unicode_stream(pdf, unicode)
        for member in members[1:]:
            replacement[member.objgen] = keep
    if not replacement:
        return
    for fonts in resources:
        for name, font in list(fonts.items()):
            if font.is_indirect and font.objgen in replacement:
                fonts[name] = replacement[font.objgen]
