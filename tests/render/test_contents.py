"""The contents' page numbers written in at the merge over placeholders laid out beforehand: the
page reads, looks and is tagged as when WeasyPrint lays the numbers out itself."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest

from reportgen.content import build_report, formatter_for
from reportgen.engine import compute
from reportgen.load import load_project
from reportgen.render.common import CONTENTS_PLACEHOLDER, FOLIOS, Contents, accessible_theme
from reportgen.render.contents import placeholders
from reportgen.render.html import HtmlRenderer
from reportgen.render.merge import merge_pieces, prepare_piece
from reportgen.render.pdf import render_pdf
from tests.conftest import write_project

CHAPTERS = """\
    administration: Comune di Esempio
    year: 2024
    title: Relazione sulla Performance 2024
    sections:
""" + "".join(f"""      - id: c{n}
        title: Capitolo {n}
        blocks:
          - text: text/c.md
        sections:
          - id: c{n}-a
            title: Paragrafo {n}.1
            blocks:
              - text: text/c.md
""" for n in range(1, 8))
# what the numbers will be: one, two and three digits, narrower and wider than the placeholders
PAGES = [3, 4, 9, 10, 11, 12, 57, 58, 99, 100, 101, 118, 230, 231]


@pytest.fixture(scope="module", params=["pdf", "slides"])
def contents(request, tmp_path_factory):
    """(layout, report, renderer, the contents laid out with placeholders, the project)."""
    root = write_project(tmp_path_factory.mktemp("contents") / "p", CHAPTERS, {"text/c.md": "Testo.\n"})
    loaded = load_project(root)
    report = build_report(loaded, compute(loaded))
    renderer = HtmlRenderer(report, formatter_for(loaded.config), root, {}, request.param)
    html = renderer.document(front=True, sections=[], toc_pages={s.id: i for i, s in enumerate(report.walk())},
                             toc_placeholders=True)
    piece = prepare_piece(render_pdf(html, renderer.css(), root), html.count(' data-page="'))
    return request.param, report, renderer, piece, root


def _merged(layout: str, report, piece, pages: dict[int, str]) -> bytes:
    text = accessible_theme(report.meta.theme).text
    return merge_pieces([piece], FOLIOS[layout], "#000000", contents=Contents(pages, text)).data


def _characters(data: bytes) -> list[list[tuple[str, float, float, float]]]:
    """Each page's characters with their box (left, bottom, right), in reading position."""
    pages = []
    document = pdfium.PdfDocument(data)
    try:
        for page in document:
            text = page.get_textpage()
            boxes = [(text.get_text_range(i, 1), *text.get_charbox(i)[:3]) for i in range(text.count_chars())]
            # by line, then along it (a tenth of a point apart is one place: both sides are compared within that)
            pages.append(sorted(((c, left, bottom, right) for c, left, bottom, right in boxes if not c.isspace()),
                                key=lambda b: (round(b[2], 1), round(b[1], 1), b[0])))
    finally:
        document.close()
    return pages


def test_every_placeholder_is_found_with_the_section_it_stands_for(contents):
    layout, report, _, piece, _ = contents
    listed = [i for i, s in enumerate(report.walk()) if layout == "pdf" or s.level == 1]
    assert sorted(piece.contents) == listed


def test_the_numbers_written_in_read_and_sit_where_the_layout_puts_them(contents):
    layout, report, renderer, piece, root = contents
    walk = list(report.walk())
    printed = {s.id: PAGES[i % len(PAGES)] for i, s in enumerate(walk)}
    merged = _merged(layout, report, piece, {i: str(printed[s.id]) for i, s in enumerate(walk)})
    # the same contents laid out by WeasyPrint with the numbers in them
    html = renderer.document(front=True, sections=[], toc_pages=printed)
    laid_out = merge_pieces([render_pdf(html, renderer.css(), root)], FOLIOS[layout], "#000000").data

    def lines(data: bytes) -> list[str]:
        document = pdfium.PdfDocument(data)
        try:
            return [line for page in document for line in page.get_textpage().get_text_bounded().splitlines()]
        finally:
            document.close()

    assert lines(merged) == lines(laid_out)
    assert any(line.endswith(" 230") for line in lines(merged))  # three digits where the placeholder had two
    ours, theirs = _characters(merged), _characters(laid_out)
    assert [[c for c, *_ in page] for page in ours] == [[c for c, *_ in page] for page in theirs]
    for page, other in zip(ours, theirs):  # every character where WeasyPrint puts it: right-aligned numbers
        for (char, *box), (_, *expected) in zip(page, other):
            assert box == pytest.approx(expected, abs=0.02), char


def test_the_numbers_are_drawn_in_the_contents_colour_and_stay_tagged(contents):
    layout, report, _, piece, _ = contents
    merged = _merged(layout, report, piece, {i: "12" for i in set(piece.contents)})
    sentinel = [f"{c / 255:.6f}" for c in CONTENTS_PLACEHOLDER]
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        for page in pdf.pages:
            marked, numbers = 0, 0
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                if operator == "rg":
                    assert [f"{float(v):.6f}" for v in instruction.operands] != sentinel
                marked += {"BDC": 1, "BMC": 1, "EMC": -1}.get(operator, 0)
                if operator in ("Tj", "TJ"):
                    numbers += 1
                    assert marked > 0  # inside marked content: part of the structure tree
            assert numbers


def test_a_piece_whose_numbers_are_not_all_found_cannot_have_them_written_in(contents):
    layout, report, renderer, piece, root = contents
    # one number more than the contents draw: something else, not known to the merge, prints it
    html = renderer.document(front=True, sections=[], toc_pages={s.id: i for i, s in enumerate(report.walk())},
                             toc_placeholders=True)
    other = prepare_piece(render_pdf(html, renderer.css(), root), len(piece.contents) + 1)
    assert other.contents == ()
    # laid out without placeholders: none to find
    html = renderer.document(front=True, sections=[], toc_pages={s.id: 5 for s in report.walk()})
    with pikepdf.open(io.BytesIO(render_pdf(html, renderer.css(), root).data)) as pdf:
        assert placeholders(pdf) == ()
