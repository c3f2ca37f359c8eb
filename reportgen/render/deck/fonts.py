"""Titillium Web embedded in the deck, so a viewer without it installed lays slides out with
the font they were measured with (a substitute is wider and pushed text into the footer).

python-pptx writes no embedded fonts. PowerPoint's are parts ``/ppt/fonts/fontN.fntdata``
(``application/x-fontdata``), related to the presentation part by the ``font`` relationship
and listed in ``p:embeddedFontLst`` of ``presentation.xml`` (ECMA-376 Part 1, §19.2.1.9–10).
The data of a ``.fntdata`` part is an Embedded OpenType file, the format PowerPoint itself
writes: a header (family, style, weight, PANOSE, Unicode and code-page ranges, copied from
the font's own ``OS/2``, ``head`` and ``name`` tables) followed by the TrueType font,
uncompressed and not XOR-ed (``Flags`` 0). Word's ``.odttf`` GUID obfuscation (§17.8.1) is
a WordprocessingML matter: PowerPoint does not read it. Titillium Web is under the SIL Open
Font License and its ``fsType`` is 0 (installable): embedding it is allowed.
"""

from __future__ import annotations

import io
import struct
from functools import lru_cache

from fontTools.ttLib import TTFont
from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.oxml.ns import qn

from ...resources import font_path
from .template import FONT

FONT_DATA = "application/x-fontdata"
EOT_VERSION = 0x00020001
EOT_MAGIC = 0x504C
# p:embeddedFont's children, in schema order, and the bundled file of each
STYLES = (("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"), ("boldItalic", "BoldItalic"))
# what may follow p:embeddedFontLst in p:presentation (CT_Presentation's sequence)
_AFTER = tuple(qn(f"p:{t}") for t in ("custShowLst", "photoAlbum", "custDataLst", "kinsoku", "defaultTextStyle",
                                       "modifyVerifier", "extLst"))


def _name(font: TTFont, name_id: int) -> bytes:
    return (font["name"].getDebugName(name_id) or "").encode("utf-16-le")


@lru_cache(maxsize=8)
def eot(style: str) -> bytes:
    """The bundled font of ``style`` as an Embedded OpenType file (version 2.1, uncompressed)."""
    data = font_path(style).read_bytes()
    font = TTFont(io.BytesIO(data))
    os2, head = font["OS/2"], font["head"]
    panose = os2.panose
    panose_bytes = bytes([panose.bFamilyType, panose.bSerifStyle, panose.bWeight, panose.bProportion,
                          panose.bContrast, panose.bStrokeVariation, panose.bArmStyle, panose.bLetterForm,
                          panose.bMidline, panose.bXHeight])
    italic = 1 if head.macStyle & 2 else 0
    names = b""
    for name_id in (1, 2, 5, 4):  # family, style, version, full name; each after a zero padding
        text = _name(font, name_id)
        names += struct.pack("<HH", 0, len(text)) + text
    names += struct.pack("<HH", 0, 0)  # padding, no root string
    fixed = struct.pack("<LLLL", 0, len(data), EOT_VERSION, 0) + panose_bytes + struct.pack(
        "<BBLHH", 1, italic, os2.usWeightClass, os2.fsType, EOT_MAGIC) + struct.pack(
        "<LLLLLL", os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3, os2.ulUnicodeRange4,
        os2.ulCodePageRange1, os2.ulCodePageRange2) + struct.pack("<LLLLL", head.checkSumAdjustment, 0, 0, 0, 0)
    header = fixed + names
    size = len(header) + len(data)
    return struct.pack("<L", size) + header[4:] + data


def panose_hex(style: str = "Regular") -> str:
    panose = TTFont(str(font_path(style)))["OS/2"].panose
    return "".join(f"{getattr(panose, f):02X}" for f in (
        "bFamilyType", "bSerifStyle", "bWeight", "bProportion", "bContrast", "bStrokeVariation", "bArmStyle",
        "bLetterForm", "bMidline", "bXHeight"))


def embed_fonts(prs) -> None:
    """Add the four faces of Titillium Web to the deck and list them in presentation.xml."""
    presentation_part = prs.part
    package = presentation_part.package
    entry = etree.Element(qn("p:embeddedFont"))
    face = etree.SubElement(entry, qn("p:font"))
    face.set("typeface", FONT)
    face.set("panose", panose_hex())
    face.set("pitchFamily", "2")
    face.set("charset", "0")
    for tag, style in STYLES:
        part = Part(package.next_partname("/ppt/fonts/font%d.fntdata"), FONT_DATA, package, eot(style))
        rid = presentation_part.relate_to(part, RT.FONT)
        etree.SubElement(entry, qn(f"p:{tag}")).set(qn("r:id"), rid)
    root = presentation_part._element
    listing = etree.Element(qn("p:embeddedFontLst"))
    listing.append(entry)
    follower = next((child for child in root if child.tag in _AFTER), None)
    if follower is not None:
        follower.addprevious(listing)
    else:
        root.append(listing)
    root.set("embedTrueTypeFonts", "1")
    root.attrib.pop("saveSubsetFonts", None)  # the whole font is embedded, not a subset
