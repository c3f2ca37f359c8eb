"""The slide-format PDF: 16:9 pages from the same content as the A4 PDF and the deck."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

pytestmark = pytest.mark.slow  # reads the sample built once per session


@pytest.fixture(scope="module")
def slides(built_sample):
    path = next(p for p in built_sample.outputs if p.name.endswith("-slides.pdf"))
    document = pdfium.PdfDocument(str(path))
    yield document
    document.close()


def test_pages_are_sixteen_by_nine(slides):
    width, height = slides[0].get_size()
    assert round(width / height, 3) == round(16 / 9, 3)
    assert {tuple(round(v) for v in page.get_size()) for page in slides} == {(round(width), round(height))}


def test_bookmarks_mirror_the_sections_and_figures_are_there(slides, built_sample):
    marks = [b.get_title() for b in slides.get_toc()]
    assert marks == [f"{s.number} {s.title}" for s in built_sample.report.walk()]
    text = " ".join(page.get_textpage().get_text_bounded() for page in slides)
    for figure in ("124,04", "6.418.930.625,60", "+51,04", "-158,49", "101,54"):
        assert figure in text


def test_continuation_slides_repeat_the_title(slides):
    texts = [page.get_textpage().get_text_bounded() for page in slides]
    assert any("18.1 Risultati progetti locali delle strutture territoriali (segue)" in t for t in texts)
