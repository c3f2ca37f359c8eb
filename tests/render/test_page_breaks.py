"""Where the A4 pages break (style.page_breaks, issue 19 item 4), on the three samples: under
`auto` no page is a hole, short chapters share pages; `chapters` is the layout of before."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from reportgen.charts import render_charts
from reportgen.content import build_report, formatter_for
from reportgen.engine import compute
from reportgen.load import load_project
from reportgen.pipeline import render_outputs
from reportgen.proof import check_pdf
from reportgen.render.html import HtmlRenderer
from reportgen.render.pdf import render_pdf
from tests.conftest import SAMPLE_2023, SAMPLE_2024, SAMPLE_NOTA

pytestmark = pytest.mark.slow  # each test lays out a whole sample


def _report(root: Path, breaks: str):
    loaded = load_project(root)
    report = build_report(loaded, compute(loaded))
    theme = dataclasses.replace(report.meta.theme, page_breaks=breaks)
    return dataclasses.replace(report, meta=dataclasses.replace(report.meta, theme=theme)), \
        formatter_for(loaded.config)


def _a4(root: Path, breaks: str, tmp_path: Path) -> Path:
    report, formatter = _report(root, breaks)
    path = tmp_path / f"{root.name}-{breaks}.pdf"
    path.write_bytes(render_outputs(report, formatter, root, ("pdf",), jobs=1).files["pdf"])
    return path


def _chapters(path: Path) -> list[tuple[str, int, bool]]:
    """Each chapter: its title, its page (1-based) and whether it opens the page."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        found = []
        for bookmark in pdf.get_toc():
            if bookmark.level:
                continue
            index, top = bookmark.get_dest().get_index(), bookmark.get_dest().get_view()[1][1]
            page = pdf[index]
            text = page.get_textpage()
            above = [i for i in range(text.count_chars()) if top + 1 < text.get_charbox(i)[3] < page.get_size()[1] * 0.94]
            found.append((bookmark.get_title(), index + 1, not above))
        return found
    finally:
        pdf.close()


def _pages(path: Path) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


@pytest.mark.parametrize("root", [SAMPLE_2024, SAMPLE_2023, SAMPLE_NOTA], ids=lambda root: root.name)
def test_auto_leaves_no_page_under_a_fifth_full_but_a_chapters_last(root, tmp_path):
    path = _a4(root, "auto", tmp_path)
    assert [str(p) for p in check_pdf(path, "a4") if p.kind == "near-empty page"] == []
    chapters = _chapters(path)
    assert len(chapters) >= 10 and chapters[0][2]  # the first chapter opens the page after the contents
    if root != SAMPLE_NOTA:  # the note's short chapters do not fit after the ones before: each opens a page
        assert not all(opens for _, _, opens in chapters)


def test_the_abstract_shares_pages_where_a_chapter_had_one_line_on_its_own(tmp_path):
    auto, chapters = _a4(SAMPLE_2023, "auto", tmp_path), _a4(SAMPLE_2023, "chapters", tmp_path)
    before = {title: (page, opens) for title, page, opens in _chapters(chapters)}
    after = {title: (page, opens) for title, page, opens in _chapters(auto)}
    assert all(opens for _, opens in before.values())
    # "Il Valore pubblico" (one line) had a page to itself: now it follows "Il personale" on its page
    valore = next(title for title in after if "Valore pubblico" in title)
    personale = next(title for title in after if "personale" in title)
    assert before[valore][0] == before[personale][0] + 1 and after[valore] == (after[personale][0] + 1, False)
    assert _pages(auto) == _pages(chapters) - 2
    assert [str(p) for p in check_pdf(auto, "a4")] == []


def test_chapters_is_the_layout_of_one_pass_with_a_page_per_chapter(tmp_path):
    path = _a4(SAMPLE_2023, "chapters", tmp_path)
    report, formatter = _report(SAMPLE_2023, "chapters")
    renderer = HtmlRenderer(report, formatter, SAMPLE_2023, render_charts(report.charts(), report.meta.theme,
                                                                          formatter))
    whole = render_pdf(renderer.document(), renderer.css(), SAMPLE_2023)  # every chapter breaks the page
    assert _pages(path) == whole.pages
    assert all(opens for _, _, opens in _chapters(path))


def test_none_lets_every_chapter_follow_on(tmp_path):
    path = _a4(SAMPLE_2023, "none", tmp_path)
    chapters = _chapters(path)
    assert chapters[0][2] and sum(not opens for _, _, opens in chapters) >= len(chapters) // 2
    assert _pages(path) < _pages(_a4(SAMPLE_2023, "auto", tmp_path))
