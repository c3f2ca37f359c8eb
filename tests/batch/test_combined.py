"""The combined PDF written from cached pieces: the cards' pages as they are, a bookmark per
card, the same bytes whichever pieces an earlier batch left, and no rewrite when nothing changed."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from reportgen.batch import build_batch, combined
from reportgen.batch.combined import Pieces, combine, make_piece

from .test_batch import edit_row

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "schede-obiettivi-2024"
UNITS = "dc_risorse_umane,dr_abruzzo,dr_basilicata"


def blank_card(tmp_path: Path, name: str, pages: int, inherited_box: bool = False) -> tuple[Path, str]:
    pdf = pikepdf.new()
    for i in range(pages):
        pdf.add_blank_page(page_size=(100 + i, 200))
    if inherited_box:  # the box on the page tree only: the page inherits it
        pdf.Root.Pages.MediaBox = pikepdf.Array([0, 0, 300, 400])
        for page in pdf.pages:
            del page.obj["/MediaBox"]
    path = tmp_path / f"{name}.pdf"
    pdf.save(path, deterministic_id=True)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def pixels(document: pdfium.PdfDocument, index: int) -> bytes:
    return document[index].render(scale=0.5).to_pil().tobytes()


def test_pieces_of_real_cards_make_a_valid_pdf_with_the_same_pages_and_a_bookmark_each(tmp_path):
    out = tmp_path / "out"
    result = build_batch(SAMPLE, out, "pdf", only="dc_risorse_umane,dr_abruzzo", jobs=1, cache=False)
    assert sorted(result.made) == ["dc_risorse_umane", "dr_abruzzo"]
    folder = out / "schede-obiettivi-2024"
    whole = out / "schede-obiettivi-2024.pdf"
    with pikepdf.open(whole) as pdf:
        assert pdf.check_pdf_syntax() == []
        with pdf.open_outline() as outline:
            marks = [(str(item.title), item.destination[0].objgen) for item in outline.root]
        starts = {pdf.pages[i].obj.objgen: i for i in range(len(pdf.pages))}
        total = len(pdf.pages)
    cards = [pdfium.PdfDocument(folder / f"{u}.pdf") for u in ("dc_risorse_umane", "dr_abruzzo")]
    assert total == sum(len(c) for c in cards)
    assert [(title, starts[objgen]) for title, objgen in marks] == [("DC Risorse Umane", 0),
                                                                     ("Direzione regionale Abruzzo", len(cards[0]))]
    document = pdfium.PdfDocument(whole)
    index = 0
    for card in cards:  # every page drawn as in its card (fonts, images, links copied whole)
        for page in range(len(card)):
            assert pixels(document, index) == pixels(card, page), (index, page)
            index += 1


def test_a_piece_numbers_its_objects_from_its_base_and_its_pages_inherit(tmp_path):
    path, _ = blank_card(tmp_path, "a", 3, inherited_box=True)
    piece = make_piece(path.read_bytes(), 1000)
    assert piece.pages == [1000, 1001, 1002]
    assert piece.body.startswith(b"1000 0 obj\n")
    assert [piece.body[o:].split(b" ", 1)[0] for o in piece.offsets] == [str(1000 + i).encode()
                                                                         for i in range(piece.objects)]
    data = combine([("A", 0, path, "x")], 1, Pieces(None))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert [list(p.mediabox) for p in pdf.pages] == [[0, 0, 300, 400]] * 3
        assert pdf.check_pdf_syntax() == []


def test_the_same_bytes_whatever_pieces_an_earlier_batch_left(tmp_path, monkeypatch):
    small, small_sha = blank_card(tmp_path, "small", 2)
    big, big_sha = blank_card(tmp_path, "big", 100)  # more objects than the stride of the small card alone
    made = []
    real = combined.make_piece
    monkeypatch.setattr(combined, "make_piece", lambda card, base: made.append(base) or real(card, base))
    alone = [("Small", 1, small, small_sha)]
    assert combine(alone, 3, Pieces(tmp_path / "pieces")) == combine(alone, 3, Pieces(None))
    assert made == [7 + 64] * 2  # after the catalog, the page tree, the outline and 3 bookmarks; stride 64
    made.clear()
    assert combine(alone, 3, Pieces(tmp_path / "pieces")) == combine(alone, 3, Pieces(None))
    assert made == [7 + 64]  # the cached piece is read back, the uncached one made
    made.clear()
    both = [*alone, ("Big", 2, big, big_sha)]
    assert combine(both, 3, Pieces(tmp_path / "pieces")) == combine(both, 3, Pieces(None))
    stride = combined.stride_for(real(big.read_bytes(), 0).objects)
    assert stride > 64 and made[-2:] == [7 + stride, 7 + 2 * stride]  # a wider stride: the small piece moved
    with pikepdf.open(io.BytesIO(combine(both, 3, Pieces(tmp_path / "pieces")))) as pdf:
        assert len(pdf.pages) == 102 and pdf.check_pdf_syntax() == []
        assert [float(p.mediabox[2]) for p in pdf.pages][:4] == [100, 101, 100, 101]


@pytest.mark.slow
def test_after_one_unit_changed_the_combined_pdf_is_the_one_a_cold_batch_writes(tmp_path, monkeypatch):
    project = Path(shutil.copytree(SAMPLE, tmp_path / "schede"))
    out = tmp_path / "out"
    build_batch(project, out, "pdf", only=UNITS, jobs=1)
    whole = out / "schede-obiettivi-2024.pdf"
    written = whole.stat().st_mtime_ns
    again = build_batch(project, out, "pdf", only=UNITS, jobs=1)
    assert again.made == [] and whole.stat().st_mtime_ns == written  # nothing changed: not rewritten
    edit_row(project / "data" / "ambiti.csv", "dr_abruzzo;", 2, "11%")
    edit_row(project / "data" / "ambiti.csv", "dr_abruzzo;Valore Istituzionale", 2, "29%")
    made = []
    real = combined.make_piece
    monkeypatch.setattr(combined, "make_piece", lambda card, base: made.append(base) or real(card, base))
    changed = build_batch(project, out, "pdf", only=UNITS, jobs=1)
    assert changed.made == ["dr_abruzzo"] and len(made) == 1  # one piece made again, two read back
    cold = build_batch(project, tmp_path / "cold", "pdf", only=UNITS, jobs=1, cache=False)
    assert sorted(cold.made) == sorted(UNITS.split(","))
    assert whole.read_bytes() == (tmp_path / "cold" / "schede-obiettivi-2024.pdf").read_bytes()


def test_references_are_renumbered_and_text_that_looks_like_one_is_not(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    first, second = pdf.pages[0].obj, pdf.pages[1].obj
    note = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                Rect=[0, 0, 10, 10], Contents=pikepdf.String("see 1 0 R (p. 2) \\ 3 0 R"),
                                                Dest=[second, pikepdf.Name.Fit], P=first))
    first.Annots = pikepdf.Array([note])
    path = tmp_path / "links.pdf"
    pdf.save(path)
    data = combine([("Links", 0, path, "x")], 1, Pieces(None))
    with pikepdf.open(io.BytesIO(data)) as combined_pdf:
        assert combined_pdf.check_pdf_syntax() == []
        pages = combined_pdf.pages
        link = pages[0].obj.Annots[0]
        assert str(link.Contents) == "see 1 0 R (p. 2) \\ 3 0 R"
        assert link.Dest[0].objgen == pages[1].obj.objgen and link.P.objgen == pages[0].obj.objgen
        assert pages[0].obj.Parent.objgen == (combined.PAGES, 0)
