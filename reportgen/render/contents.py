"""The contents' page numbers, written into the laid-out contents when the pieces are merged.

The contents are laid out apart from the sections they list, before anyone knows their pages.
Each page number is laid out as a placeholder instead: the index of its section in the report
(``report.walk()``), drawn in a colour no text uses (:data:`~.common.CONTENTS_PLACEHOLDER`).
The numbers are absolutely positioned, so what they say moves nothing else on the page. At the
merge each placeholder's glyphs become the page number's, moved so that the number stays
right-aligned, in the contents' own colour. The text is WeasyPrint's, where it put it, inside
its marked content: tagged, as PDF/UA asks. So the contents are laid out once, at the start of a
build, whatever the numbers become; an edit that moves a section to another page lays nothing
out again for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

from .common import CONTENTS_PLACEHOLDER
from .fonts import _bundled_fonts, _program_name, _to_unicode_stream, _unicode_map, _w_array, _widths

_PLACEHOLDER = tuple(channel / 255 for channel in CONTENTS_PLACEHOLDER)
_TEXT_STATE = {"Tm", "Tf", "TJ", "Tj"}  # what WeasyPrint writes between BT and ET for one line of text


@dataclass(frozen=True)
class _Digits:
    glyphs: dict[str, int]  # digit → glyph id
    widths: dict[int, int]  # glyph id → advance, thousandths of the size


@cache
def _digits(path: Path) -> _Digits:
    with TTFont(path, lazy=True) as font:
        cmap, scale = font.getBestCmap(), 1000 / font["head"].unitsPerEm
        glyphs = {d: font.getGlyphID(cmap[ord(d)]) for d in "0123456789"}
        widths = {gid: round(font["hmtx"][font.getGlyphName(gid)][0] * scale) for gid in glyphs.values()}
    return _Digits(glyphs, widths)


@dataclass
class _Number:
    """One placeholder: where it is in its page's instructions, and what it says."""

    colours: list[int]  # the instructions that set the placeholder colour for it
    position: int  # its Tm
    show: int  # its TJ or Tj
    font: object  # the font dictionary
    digits: _Digits  # of its bundled face
    size: float
    index: int  # the section's index in report.walk()
    advance: float  # its width, in text space


def _same_colour(operands) -> bool:
    try:
        return len(operands) == 3 and all(abs(float(v) - p) < 5e-5 for v, p in zip(operands, _PLACEHOLDER))
    except (TypeError, ValueError):
        return False


def _codes(operands) -> tuple[list[int], float] | None:
    """The glyph ids a TJ/Tj shows and the sum of its adjustments; None for anything else."""
    items = list(operands[0]) if isinstance(operands[0], pikepdf.Array) else [operands[0]]
    gids, adjust = [], 0.0
    for item in items:
        if isinstance(item, pikepdf.String):
            data = bytes(item)
            if len(data) % 2:
                return None
            gids += [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
        else:
            adjust += float(item)
    return gids, adjust


def _font_digits(font) -> _Digits | None:
    """The digits of a font dictionary's bundled face (a font not bundled: None)."""
    try:
        descriptor = font.DescendantFonts[0].FontDescriptor
    except (AttributeError, IndexError, KeyError, TypeError):
        return None
    path = _bundled_fonts().get(_program_name(descriptor) or "")
    return _digits(path) if path is not None else None


def _page_numbers(page, instructions: list) -> list[_Number] | None:
    """The placeholders of one page; None when one is not drawn the way this module can fill."""
    found: list[_Number] = []
    fonts = (page.obj.get("/Resources") or {}).get("/Font") or {}
    faces: dict[str, _Digits | None] = {}  # resource name → digits: the font program read once per page
    fill, saved, colours = None, [], []  # what sets the current fill colour, with q/Q
    text: list[int] | None = None
    for at, instruction in enumerate(instructions):
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            saved.append((fill, list(colours)))
        elif op == "Q" and saved:
            fill, colours = saved.pop()
        elif op in ("rg", "g", "k", "sc", "scn", "cs"):
            fill = "placeholder" if op == "rg" and _same_colour(operands) else op
            colours = [at] if fill == "placeholder" else []
        elif op == "BT":
            text = []
        elif op == "ET":
            if text is not None and fill == "placeholder":
                number = _number(instructions, text, fonts, faces, colours)
                if number is None:
                    return None
                found.append(number)
            text = None
        elif text is not None:
            text.append(at)
    return found


def _number(instructions: list, text: list[int], fonts, faces: dict, colours: list[int]) -> _Number | None:
    ops = {str(instructions[at].operator): at for at in text}
    if set(ops) - _TEXT_STATE or len(text) != 3 or len(ops) != 3:
        return None  # one Tm, one Tf, one TJ or Tj: the way WeasyPrint draws one line of text
    show = ops.get("TJ", ops.get("Tj"))
    if show is None or "Tm" not in ops or "Tf" not in ops:
        return None
    name, size = instructions[ops["Tf"]].operands
    font = fonts.get(str(name)) if isinstance(name, pikepdf.Name) else None
    if font is not None and str(name) not in faces:
        faces[str(name)] = _font_digits(font)
    digits = faces.get(str(name))  # None for no font
    codes = _codes(instructions[show].operands)
    matrix = [float(v) for v in instructions[ops["Tm"]].operands]
    if digits is None or codes is None or len(matrix) != 6 or matrix[1] or matrix[2]:
        return None
    gids, adjust = codes
    characters = {gid: digit for digit, gid in digits.glyphs.items()}
    if not gids or any(gid not in characters for gid in gids):
        return None
    index = int("".join(characters[gid] for gid in gids))
    advance = (sum(digits.widths[gid] for gid in gids) - adjust) / 1000 * float(size) * matrix[0]
    return _Number(colours, ops["Tm"], show, font, digits, float(size), index, advance)


def placeholders(pdf: pikepdf.Pdf) -> tuple[int, ...] | None:
    """The section indices the placeholders of ``pdf`` stand for, in the order drawn; None when
    one cannot be filled (drawn in a font that is not bundled, or otherwise than WeasyPrint draws a line)."""
    found = []
    for page in pdf.pages:
        numbers = _page_numbers(page, pikepdf.parse_content_stream(page))
        if numbers is None:
            return None
        found += [n.index for n in numbers]
    return tuple(found)


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def fill_contents(pdf: pikepdf.Pdf, pages: dict[int, str], colour: tuple[int, int, int]) -> None:
    """Write ``pages`` (section index → the page number printed) over the placeholders of
    ``pdf``, in ``colour`` (0–255 channels)."""
    glyphs = {}  # font dictionary → its digits and the glyphs added to it
    rgb = [_decimal(channel / 255) for channel in colour]
    for page in pdf.pages:
        instructions = pikepdf.parse_content_stream(page)
        numbers = _page_numbers(page, instructions) or []
        if not numbers:
            continue
        edited = [[i.operands, i.operator] if isinstance(i, pikepdf.ContentStreamInstruction) else i
                  for i in instructions]
        for found in numbers:
            text = pages.get(found.index)
            if text is None:
                continue
            digits = found.digits
            gids = [digits.glyphs[d] for d in text if d in digits.glyphs]
            advance = sum(digits.widths[g] for g in gids) / 1000 * found.size
            matrix = [float(v) for v in edited[found.position][0]]
            matrix[4] += found.advance - advance * matrix[0]  # right-aligned, as the layout put the placeholder
            edited[found.position][0] = [_decimal(v) for v in matrix]
            edited[found.show] = [[pikepdf.String(b"".join(g.to_bytes(2, "big") for g in gids))], pikepdf.Operator("Tj")]
            for at in found.colours:
                edited[at][0] = list(rgb)
            glyphs.setdefault(found.font.objgen, (found.font, digits, {}))[2].update(
                {g: d for d, g in digits.glyphs.items() if g in gids})
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(
            [tuple(i) if isinstance(i, list) else i for i in edited]))
    for font, digits, added in glyphs.values():
        _declare(pdf, font, digits, added)


def _declare(pdf: pikepdf.Pdf, font, digits: _Digits, added: dict[int, str]) -> None:
    """The font's widths and text (ToUnicode) of the glyphs the numbers added: what the merge
    reads to subset the font and what a reader copies."""
    descendant = font.DescendantFonts[0]
    widths = _widths(descendant.get("/W", []))
    for gid in added:
        widths.setdefault(gid, digits.widths[gid])
    descendant.W = _w_array(widths)
    unicode = _unicode_map(font.ToUnicode) if "/ToUnicode" in font else {}
    for gid, digit in added.items():
        unicode.setdefault(gid, f"{ord(digit):04x}".encode())
    font.ToUnicode = _to_unicode_stream(pdf, unicode)
