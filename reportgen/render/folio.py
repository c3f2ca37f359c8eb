"""Page numbers ("Pagina 3 di 75"), written onto the merged PDF.

The pieces of a document are laid out separately (in parallel, and cached), so no piece
knows on which page it starts or how many pages the document has. The layout leaves the
bottom-right corner empty and the number is drawn there afterwards, in the bundled font,
marked as a pagination artifact so that screen readers skip it (PDF/UA).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import pikepdf

from ..colours import rgb_triplet
from ..resources import font_path
from .common import Folio
from .fonts import _subset, _to_unicode_stream, _w_array, _without_layout_tables

MM = 72 / 25.4
FONT_RESOURCE = pikepdf.Name("/RGfolio")


@dataclass(frozen=True, slots=True)
class _FolioFont:
    program: bytes  # the subset font file
    glyphs: dict[str, int]  # character → glyph id
    widths: dict[int, float]  # glyph id → advance in thousandths of the size
    ascent: float
    descent: float
    cap_height: float
    bbox: tuple[int, int, int, int]
    name: str


@cache
def _font(style: str, characters: str) -> _FolioFont:
    with _without_layout_tables(font_path(style)) as font:  # read lazily from the file: closed once read
        scale = 1000 / font["head"].unitsPerEm
        cmap = font.getBestCmap()
        glyphs = {c: font.getGlyphID(cmap[ord(c)]) for c in characters if ord(c) in cmap}
        widths = {gid: round(font["hmtx"][font.getGlyphName(gid)][0] * scale, 1) for gid in glyphs.values()}
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
        full_name = font["name"].getDebugName(6)
    program = _subset(font_path(style), set(glyphs.values()))
    # a subset's name carries a tag made of six capitals; derived from the content, it is stable
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
    name = f"{tag}+{full_name or 'TitilliumWeb-' + style}"
    return _FolioFont(program, glyphs, widths, hhea.ascent * scale, hhea.descent * scale,
                      getattr(os2, "sCapHeight", hhea.ascent) * scale,
                      tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)), name)


def _font_dictionary(pdf: pikepdf.Pdf, font: _FolioFont) -> pikepdf.Object:
    program = pdf.make_stream(font.program)
    program.Length1 = len(font.program)
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + font.name), Flags=32,
        FontBBox=list(font.bbox), ItalicAngle=0, Ascent=round(font.ascent), Descent=round(font.descent),
        CapHeight=round(font.cap_height), StemV=80, FontFile2=program)
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/" + font.name),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor), W=_w_array(font.widths), CIDToGIDMap=pikepdf.Name.Identity)
    to_unicode = _to_unicode_stream(pdf, {gid: f"{ord(c):04x}".encode() for c, gid in font.glyphs.items()})
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + font.name),
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=to_unicode))


def add_page_numbers(pdf: pikepdf.Pdf, folio: Folio, colour: str, numbers: list[int | None], pages: int) -> None:
    """Write ``folio`` on each page whose number is not None (``pages``: the total printed)."""
    labels = [None if n is None else folio.label(n, pages) for n in numbers]
    characters = "".join(sorted(set("0123456789" + folio.text.replace("{page}", "").replace("{pages}", ""))))
    font = _font(folio.style, characters)
    font_object = _font_dictionary(pdf, font)
    fill = " ".join(f"{channel / 255:.4f}" for channel in rgb_triplet(colour))
    for page, label in zip(pdf.pages, labels):
        if label is None:
            continue
        gids = [font.glyphs[c] for c in label if c in font.glyphs]
        width = sum(font.widths[g] for g in gids) * folio.size / 1000
        left, bottom, right, _ = (float(v) for v in page.mediabox)
        x = right - folio.right_mm * MM - width
        # centred in the bottom margin like a CSS margin box: line box from descent to ascent
        y = bottom + folio.bottom_mm * MM / 2 - (font.ascent + font.descent) / 2 * folio.size / 1000
        text = "".join(f"{g:04x}" for g in gids)
        resources = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = resources = pikepdf.Dictionary()
        if "/Font" not in resources:
            resources.Font = pikepdf.Dictionary()
        resources.Font[FONT_RESOURCE] = font_object
        # the page's own drawing is enclosed in q/Q so that the number is drawn in page space
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(
            (f"Q\nq /Artifact <</Type /Pagination /Subtype /Footer>> BDC BT {FONT_RESOURCE} {folio.size:g} Tf "
             f"{fill} rg {x:.2f} {y:.2f} Td <{text}> Tj ET EMC Q\n").encode("ascii")))
