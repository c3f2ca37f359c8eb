"""The merge's work, done where it is cheapest: each piece prepared in the worker that lays it
out (IDs made unique, empty elements dropped, header cells scoped), the fonts subset without
encoding their outlines again. The result is what merging raw pieces gives."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pikepdf
import pytest
from fontTools import subset
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from reportgen.render.common import FOLIOS
from reportgen.render.fonts import LAYOUT_TABLES, _bundled_fonts, _subset
from reportgen.render.merge import PREPARED, merge_pieces, piece_prefix, prepare_piece
from reportgen.render.pdf import render_pdf
from tests.conftest import SAMPLE_2024

# the same structure in both pieces: WeasyPrint gives their header cells the same IDs
HTML = """<html lang="it"><head><title>{title}</title></head><body><main>
<h1 id="s-{title}">{title}</h1><p>Vedi <a href="#s-{title}">sopra</a>.</p><span id="vuoto"></span>
<table><thead><tr><th>Area</th><th>Valore</th></tr></thead>
<tbody><tr><th>Nord</th><td>1</td></tr><tr><th>Sud</th><td>2</td></tr></tbody></table>
</main></body></html>"""


def _elements(root):
    """(element, its Table ancestor or None, inside a THead) in reading order."""
    found, stack = [], [(root.K, None, False)]
    while stack:
        item, table, head = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack += [(kid, table, head) for kid in reversed(list(item))]
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            found.append((item, table, head))
            if "/K" in item:
                stack.append((item.K, item if item.S == "/Table" else table, head or item.S == "/THead"))
    return found


def _attributes(element) -> list:
    attributes = element.get("/A")
    return list(attributes) if isinstance(attributes, pikepdf.Array) else [] if attributes is None else [attributes]


def _kids(element) -> list:
    kids = element.get("/K")
    return [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _structure(data: bytes) -> dict:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        elements = _elements(root)
        tables = {bytes(e.ID): table.objgen for e, table, _ in elements if "/ID" in e}
        headers = [(bytes(h), table.objgen) for e, table, _ in elements for a in _attributes(e)
                   if "/Headers" in a for h in a.Headers]
        return {"types": [str(e.S) for e, _, _ in elements],
                "ids": [bytes(e.ID) for e, _, _ in elements if "/ID" in e],
                "headers_in_their_table": all(tables.get(h) == table for h, table in headers) and bool(headers),
                "scopes": [(str(a.Scope), head) for e, _, head in elements if e.S == "/TH"
                           for a in _attributes(e) if "/Scope" in a],
                "empty": [str(e.S) for e, _, _ in elements if not _kids(e)],
                "marked": PREPARED in root}


@pytest.fixture(scope="module")
def raw_pieces():
    return [render_pdf(HTML.format(title=title), "", SAMPLE_2024) for title in ("uno", "due")]


def test_a_piece_is_prepared_once_where_it_is_laid_out(raw_pieces):
    raw = raw_pieces[0]
    prepared = prepare_piece(raw)
    assert (prepared.pages, prepared.section_pages) == (raw.pages, raw.section_pages) == (1, {"uno": 0})
    before, after = _structure(raw.data), _structure(prepared.data)
    with pikepdf.open(io.BytesIO(raw.data)) as pdf:
        prefix = piece_prefix(pdf, raw.data)
    assert len(before["ids"]) == 4 and after["ids"] == [prefix + i for i in before["ids"]]
    assert after["headers_in_their_table"]
    assert not before["scopes"] and after["scopes"] == [("/Column", True)] * 2 + [("/Row", False)] * 2
    # the empty span (an anchor) is dropped, nothing else
    assert before["empty"] == ["/Span"] and not after["empty"] and len(after["types"]) == len(before["types"]) - 1
    assert after["marked"] and not before["marked"]
    assert prepare_piece(raw).data == prepared.data  # deterministic


def test_merged_prepared_pieces_are_the_merge_of_raw_ones(raw_pieces):
    folio, colour = FOLIOS["pdf"], "#5b6670"
    raw = _structure(merge_pieces(raw_pieces, folio, colour).data)
    prepared = _structure(merge_pieces([prepare_piece(p) for p in raw_pieces], folio, colour).data)
    assert prepared == raw
    assert raw["types"].count("/Table") == 2 and not raw["empty"] and not raw["marked"]
    assert len(set(raw["ids"])) == len(raw["ids"]) == 8 and raw["headers_in_their_table"]
    assert raw["scopes"] == ([("/Column", True)] * 2 + [("/Row", False)] * 2) * 2


def test_a_piece_twice_in_a_document_keeps_its_ids_apart(raw_pieces):
    piece = prepare_piece(raw_pieces[0])
    merged = _structure(merge_pieces([piece, piece], FOLIOS["pdf"], "#5b6670").data)
    assert len(set(merged["ids"])) == len(merged["ids"]) == 8 and merged["headers_in_their_table"]


def _reference_subset(path, gids: set[int]) -> TTFont:
    """fontTools' own subset with every box computed again on saving (every outline encoded again)."""
    options = subset.Options(retain_gids=True, hinting=False, notdef_outline=True, desubroutinize=True,
                             passthrough_tables=True, name_IDs=["*"])
    options.drop_tables += list(LAYOUT_TABLES)
    font = TTFont(path, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(gids))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return TTFont(io.BytesIO(buffer.getvalue()))


BOX = ("xMin", "yMin", "xMax", "yMax")


def _font(face: str) -> Path:
    if face == "DejaVuSans":  # hinted, with composite glyphs (its accented letters): the bundled fonts have none
        return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return _bundled_fonts()[face]


@pytest.mark.parametrize("face", ["TitilliumWeb-Italic", "TitilliumWeb-Regular", "DejaVuSans"])
def test_a_subset_has_the_boxes_fonttools_computes_without_encoding_outlines_again(face):
    path = _font(face)
    with TTFont(path) as font:
        cmap = font.getBestCmap()
        gids = {font.getGlyphID(cmap[ord(c)]) for c in "Perché «città» æ œ º ª @ ¢ 12,5 % Àò" if ord(c) in cmap}
        glyf = font["glyf"]
        composites = [g for g in gids if glyf[font.getGlyphName(g)].isComposite()]
        stored = {font.getGlyphName(g): tuple(getattr(glyf[font.getGlyphName(g)], k) for k in BOX) for g in gids
                  if glyf[font.getGlyphName(g)].numberOfContours > 0}
    made, reference = TTFont(io.BytesIO(_subset(path, gids))), _reference_subset(path, gids)
    assert bool(composites) == (face == "DejaVuSans")
    assert made.getGlyphOrder() == reference.getGlyphOrder()
    glyphs, drawn = made.getGlyphSet(), reference.getGlyphSet()
    recomputed = 0
    for name in reference.getGlyphOrder():
        ours, theirs = RecordingPen(), RecordingPen()
        glyphs[name].draw(ours)
        drawn[name].draw(theirs)
        assert ours.value == theirs.value, name
        assert made["hmtx"][name] == reference["hmtx"][name]
        box = tuple(getattr(reference["glyf"][name], k, None) for k in BOX)
        assert tuple(getattr(made["glyf"][name], k, None) for k in BOX) == box, name
        recomputed += name in stored and stored[name] != box
        assert not getattr(made["glyf"][name], "program", None) or not made["glyf"][name].program.getBytecode()
    assert len(made.getGlyphOrder()) > len(gids) > 20
    assert tuple(getattr(made["head"], k) for k in BOX) == tuple(getattr(reference["head"], k) for k in BOX)
    assert made["head"].modified == reference["head"].modified
    if face == "TitilliumWeb-Italic":  # a box the font file stores differs from the one computed
        assert recomputed
