"""The A4 PDF: golden figures as a reader sees them, bundled fonts, the safe fetcher."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from reportgen.render.pdf import render_pdf

pytestmark = pytest.mark.slow  # reads the sample built once per session


def _pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def a4_pdf(built_sample) -> Path:
    return next(p for p in built_sample.outputs if p.suffix == ".pdf" and not p.name.endswith("-slides.pdf"))


@pytest.fixture(scope="module")
def pdf_text(built_sample):
    return _pages(a4_pdf(built_sample))


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
    rendered = render_pdf(html, "", project, variant=None)
    assert rendered.data.startswith(b"%PDF")
    joined = "\n".join(rendered.warnings)
    assert "outside the project folder" in joined
    assert "only files inside the project can be used, not http://127.0.0.1:9/x.png" in joined


@pytest.mark.parametrize("suffix", [".pdf", "-slides.pdf"])
def test_no_text_leaves_the_page(built_sample, suffix):
    """Every character of every page lies inside the page: no table or label overflows."""
    pdf = next(p for p in built_sample.outputs if p.name.endswith(suffix) and
               (suffix != ".pdf" or not p.name.endswith("-slides.pdf")))
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


def _document(built_sample):
    return pdfium.PdfDocument(str(a4_pdf(built_sample)))


def _section_pages(document) -> dict[str, range]:
    """Pages of each section, from the PDF's bookmarks (title → page range)."""
    marks = [(b.get_title(), b.get_dest().get_index()) for b in document.get_toc()]
    ranges = {}
    for index, (title, start) in enumerate(marks):
        following = [page for _, page in marks[index + 1:] if page >= start]
        end = following[0] if following else len(document) - 1
        ranges[title] = range(start, max(end, start) + 1)
    return ranges


@pytest.mark.parametrize("section, figures", [
    ("9.1 Il risultato del Valore Pubblico del 2024", ["124,04"]),
    ("11.9 Indicatore di Efficacia Economico-Finanziaria della Produzione",
     ["6.418.930.625,60", "+51,04", "9.407.787.684,63", "+18,63", "-158,49"]),
    ("10.3 Obiettivi Generali di Ente", ["101,54", "121,30"]),
    ("12.2 Piano Nazionale di Difesa a Distanza", ["12.475", "12.710", "+1,88"]),
])
def test_golden_figures_on_the_pages_of_their_section(built_sample, section, figures):
    document = _document(built_sample)
    try:
        pages = _section_pages(document)[section]
        text = " ".join(document[i].get_textpage().get_text_bounded() for i in pages)
    finally:
        document.close()
    for figure in figures:
        assert figure in text, (section, figure)


def test_bookmarks_mirror_the_section_tree(built_sample):
    document = _document(built_sample)
    try:
        marks = [(b.get_title(), b.level) for b in document.get_toc()]
    finally:
        document.close()
    assert marks == [(f"{s.number} {s.title}", s.level - 1) for s in built_sample.report.walk()]


def test_tagged_with_language_title_and_author(built_sample):
    import ctypes

    import pypdfium2.raw as raw

    document = _document(built_sample)
    try:
        assert raw.FPDFCatalog_IsTagged(document.raw)
        size = raw.FPDFCatalog_GetLanguage(document.raw, None, 0)
        buffer = (ctypes.c_ushort * (size // 2))()
        raw.FPDFCatalog_GetLanguage(document.raw, buffer, size)
        assert bytes(buffer).decode("utf-16-le").rstrip("\x00") == "it-IT"
        meta = document.get_metadata_dict()
    finally:
        document.close()
    assert meta["Title"] == "Relazione sulla Performance 2024"
    assert meta["Author"] == "Istituto Nazionale della Previdenza Sociale"
    assert meta["CreationDate"] == "D:20250605000000Z"  # from the approval date: reproducible


def test_a_section_built_alone_has_its_page_numbers_in_the_full_report(built_sample, tmp_path):
    import shutil

    from reportgen.api import build
    from tests.conftest import SAMPLE_2024

    out = built_sample.outputs[0].parent
    section_out = tmp_path / "out"
    shutil.copytree(out / ".reportgen", section_out / ".reportgen")
    result = build(SAMPLE_2024, out=section_out, formats="pdf", section="ieep")
    document = pdfium.PdfDocument(str(result.outputs[0]))
    try:
        first = document[0].get_textpage().get_text_bounded()
        count = len(document)
    finally:
        document.close()
    full = _document(built_sample)
    try:
        start = _section_pages(full)["11.9 Indicatore di Efficacia Economico-Finanziaria della Produzione"].start + 1
        total = len(full)
    finally:
        full.close()
    assert f"Pagina {start} di {total}" in first
    assert count < total
