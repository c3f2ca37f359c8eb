"""One content, every output: per chapter, the A4 PDF, the slide PDF and the deck show the same
texts (titles, table titles, sources, notes and footnotes, headings) and the same figures, as
printed (table cells, key figures, the figures of the narrative).

Chapters start a page (a slide) of their own in every output, so each output's text is cut at
its chapter starts. Whitespace, line breaks and hyphenation are ignored; what each output may
add around the content (charts' axes, slide numbers) is not compared, what it leaves out is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pptx import Presentation

from reportgen.content.model import KpiBlock, TableBlock, TextBlock
from reportgen.render.common import cell_text
from reportgen.render.deck.blocks import table_notes
from tests.conftest import SAMPLE_2024

# a figure as printed: digits with Italian grouping and decimals
FIGURE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+")
_IGNORED = re.compile(r"[\s\u00ad\u2010\ufffe-]+")  # whitespace, hyphens (pdfium marks a hyphenation point U+FFFE)


def _flat(text: str) -> str:
    return _IGNORED.sub("", text)


def _figures(text: str) -> set[str]:
    return set(FIGURE.findall(text))  # whitespace kept: it separates two figures


def _pdf_chapters(path: Path) -> dict[str, str]:
    """Text of each chapter (from its top-level bookmark to the next), by chapter number."""
    pdf = pdfium.PdfDocument(str(path))
    starts = sorted((b.get_dest().get_index(), b.get_title()) for b in pdf.get_toc()
                    if b.level == 0 and b.get_dest() is not None)
    chapters = {}
    for (first, title), (after, _) in zip(starts, starts[1:] + [(len(pdf), "")]):
        chapters[title.split(" ", 1)[0]] = "\n".join(pdf[n].get_textpage().get_text_range() for n in range(first, after))
    return chapters


def _deck_chapters(path: Path, numbers: list[str]) -> dict[str, str]:
    prs = Presentation(str(path))
    chapters: dict[str, list[str]] = {}
    current = None
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        number = title.split(" ", 1)[0]
        if number.split(".")[0] in numbers:
            current = number.split(".")[0]
        if current is None:
            continue
        for shape in slide.shapes:
            if shape.has_text_frame and shape != slide.shapes.title and not shape.text_frame.text.isdigit():
                chapters.setdefault(current, []).append(shape.text_frame.text)
            elif shape.has_table:
                chapters.setdefault(current, []).extend(c.text for row in shape.table.rows for c in row.cells)
            if shape.is_placeholder and shape.has_text_frame and shape == slide.shapes.title:
                chapters.setdefault(current, []).append(shape.text_frame.text)
    return {k: "\n".join(v) for k, v in chapters.items()}


def _expected(section, formatter) -> tuple[list[str], set[str]]:
    """The texts and the figures the chapter prints, from the content tree."""
    texts, figures = [], set()
    for node in section.walk():
        texts.append(node.title)  # a divider may set its number apart
        for block in node.blocks:
            if isinstance(block, TableBlock):
                texts.append(block.title)
                texts.extend(table_notes(block))
                for row in block.rows:
                    for column, figure in zip(block.columns, row.cells):
                        figures |= _figures(cell_text(formatter, column, figure))
            elif isinstance(block, TextBlock):
                texts.extend(text for kind, text in block.narrative.blocks if kind == "heading")
                for _, text in block.narrative.blocks:
                    figures |= _figures(text)
            elif isinstance(block, KpiBlock):
                for item in block.items:
                    texts.append(item.label)
                    figures |= _figures(formatter.figure(item.figure))
    return [t for t in texts if t], figures


@pytest.fixture(scope="module")
def outputs(built_sample):
    paths = {p.name: p for p in built_sample.outputs}
    report = built_sample.report
    name = report.meta.name
    return report, {
        "A4": _pdf_chapters(paths[f"{name}.pdf"]),
        "slide PDF": _pdf_chapters(paths[f"{name}-slides.pdf"]),
        "deck": _deck_chapters(paths[f"{name}.pptx"], [s.number for s in report.sections]),
    }


def test_every_chapter_shows_its_texts_and_figures_in_every_output(outputs):
    from reportgen.project import compile_project

    report, chapters = outputs
    formatter = compile_project(SAMPLE_2024, content=False).formatter
    assert set(chapters["A4"]) == set(chapters["slide PDF"]) == set(chapters["deck"]) == \
        {s.number for s in report.sections}
    missing, compared = [], 0
    for section in report.sections:
        texts, figures = _expected(section, formatter)
        compared += len(figures)
        for name, text in chapters.items():
            shown = text.get(section.number, "")
            flat, printed = _flat(shown), _figures(shown)
            missing += [(section.number, name, t) for t in texts if _flat(t) not in flat]
            missing += [(section.number, name, f) for f in sorted(figures - printed)]
    assert missing == []
    assert compared > 900  # the figures of every table and narrative, not an empty comparison

