"""The A4 PDF: golden figures as a reader sees them, bundled fonts, the safe fetcher."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from reportgen.render.pdf import render_pdf


def _pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


@pytest.fixture(scope="module")
def pdf_text(built_sample):
    pdf = next(p for p in built_sample.outputs if p.suffix == ".pdf")
    return _pages(pdf)


@pytest.mark.parametrize("figure", ["124,04", "6.418.930.625,60", "+51,04", "9.407.787.684,63", "+18,63",
                                    "-158,49", "101,54", "121,30", "26.712", "25.343", "12.710"])
def test_golden_figures_are_printed(pdf_text, figure):
    assert any(figure in page for page in pdf_text), figure


def test_running_footer_and_cover(pdf_text):
    assert "Relazione sulla Performance 2024" in " ".join(pdf_text[0].split())
    total = len(pdf_text)
    assert f"Pagina 3 di {total}" in pdf_text[2]


def test_fetcher_refuses_files_outside_the_project_and_the_network(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    project = tmp_path / "project"
    project.mkdir()
    html = (f'<img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
            '<img src="file:///etc/passwd"><p>testo</p>')
    pdf, warnings = render_pdf(html, "", project)
    assert pdf.startswith(b"%PDF")
    joined = "\n".join(warnings)
    assert "outside the project folder" in joined
    assert "only files inside the project can be used, not http://127.0.0.1:9/x.png" in joined


def test_no_text_leaves_the_page(built_sample):
    """Every character of every page lies inside the page: no table or label overflows."""
    pdf = next(p for p in built_sample.outputs if p.suffix == ".pdf")
    document = pdfium.PdfDocument(str(pdf))
    try:
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            text = page.get_textpage()
            for index in range(text.count_chars()):
                left, bottom, right, top = text.get_charbox(index)
                if right - left <= 0:
                    continue  # spaces and control characters have no box
                assert left >= 0 and right <= width and bottom >= 0 and top <= height, (
                    f"page {number}: '{text.get_text_range(index, 1)}' at x={right:.0f} outside {width:.0f}")
    finally:
        document.close()
