"""The deck: opens with python-pptx, tables hold the same formatted figures as the PDF,
nothing leaves the slide, the package is reproducible."""

from __future__ import annotations

import dataclasses
import typing
import zipfile

import pytest
from pptx import Presentation

from reportgen.content import build_report, formatter_for
from reportgen.content.model import Block
from reportgen.engine import compute
from reportgen.load import load_project
from reportgen.load.blocks import BLOCK_KINDS
from reportgen.render.deck import DECK_BUILDERS, SLIDE_16_9, UndrawableBlock, render_pptx
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project

pytestmark = pytest.mark.slow  # reads the deck of the sample built once per session

SLIDE_W, SLIDE_H = SLIDE_16_9


@pytest.fixture(scope="module")
def deck(built_sample):
    path = next(p for p in built_sample.outputs if p.suffix == ".pptx")
    return path, Presentation(str(path))


def test_sixteen_by_nine_and_every_section_present(deck, built_sample):
    _, prs = deck
    assert (prs.slide_width, prs.slide_height) == (SLIDE_W, SLIDE_H)
    titles = [s.shapes.title.text_frame.text for s in prs.slides if s.shapes.title is not None]
    for section in built_sample.report.walk():
        assert any(t.startswith(f"{section.number} {section.title}") for t in titles), section.id


def test_no_shape_leaves_the_slide(deck):
    _, prs = deck
    for index, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (index, shape.name)
            assert shape.left + shape.width <= SLIDE_W, (index, shape.name)
            assert shape.top + shape.height <= SLIDE_H, (index, shape.name)


def test_table_cells_equal_the_formatted_figures(deck):
    _, prs = deck
    rows = {}
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    cells = [c.text for c in row.cells]
                    rows[cells[0]] = cells
    # a scostamento also says in a word whether it is better or worse: less interest paid is
    # better, and more was paid than planned
    assert rows["IEEP Accertato"][1:] == ["4.249.834.748,30", "6.418.930.625,60", "+51,04\u00a0% meglio"]
    assert rows["Pagamenti per interessi legali (-)"][-1] == "-158,49\u00a0% peggio"


def test_package_has_fixed_timestamps(deck):
    path, _ = deck
    with zipfile.ZipFile(path) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"


def _titles(prs) -> list[str]:
    return [s.shapes.title.text_frame.text if s.shapes.title is not None else "" for s in prs.slides]


def test_every_section_has_its_slides_and_split_slides_are_numbered(deck, built_sample):
    import re

    _, prs = deck
    titles = _titles(prs)
    for section in built_sample.report.walk():
        own = [t for t in titles if t == f"{section.number} {section.title}"
               or t.startswith(f"{section.number} {section.title} (") or t.startswith(f"{section.number} {section.title} –")]
        assert own, section.id
        numbered = [re.search(r"\((\d+)/(\d+)\)$", t) for t in own]
        series = {}
        for title, match in zip(own, numbered):
            if match:
                series.setdefault(title[: match.start()], []).append((int(match[1]), int(match[2])))
        for parts in series.values():
            count = parts[0][1]
            assert parts == [(i, count) for i in range(1, count + 1)]
    assert len(titles) == len(prs.slides)


def test_chapters_open_with_a_divider_and_notes_help_the_presenter(deck, built_sample):
    from reportgen.render.deck.notes import lead_sentences

    _, prs = deck
    slides = list(prs.slides)
    chapters = [s for s in built_sample.report.walk()
                if s.children or (s.level == 1 and any(b.kind != "text" for b in s.blocks))]  # a report with parts
    assert {"13", "16", "17"} <= {c.number for c in chapters}  # chapters without subsections too
    dividers = [s for s in slides if s.slide_layout.name == "Section Header"]
    assert [d.shapes.title.text_frame.text for d in dividers] == [f"{c.number} {c.title}" for c in chapters]
    titles = _titles(prs)
    for index in range(len(titles) - 1):  # never "(segue)" right after a divider
        if slides[index].slide_layout.name == "Section Header":
            assert "(segue)" not in titles[index + 1], titles[index + 1]
    # the first slide's notes: the key figures and the narrative's first two sentences, not the whole text
    premessa = next(s for s in built_sample.report.walk() if s.id == "premessa")
    slide = next(s for s in slides if s.shapes.title is not None and s.shapes.title.text_frame.text == "1 Premessa")
    notes = slide.notes_slide.notes_text_frame.text
    lead = lead_sentences(premessa)
    assert lead and notes == lead
    whole = " ".join(premessa.blocks[0].narrative.paragraphs)
    assert notes.split(". ")[0] in whole and len(notes) < len(whole) / 2
    # every slide has notes, and no two slides share them
    texts = [s.notes_slide.notes_text_frame.text for s in slides[1:] if s.slide_layout.name != "Section Header"]
    assert all(texts) and len(set(texts)) == len(texts)
    assert max(len(t) for t in texts) < 1500


def test_contents_slide_and_cover_say_what_the_pdfs_say(deck, built_sample):
    _, prs = deck
    slides = list(prs.slides)
    cover = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert built_sample.report.meta.subtitle.split()[0] in cover
    assert " ".join(built_sample.report.meta.subtitle.split()) in " ".join(cover.split())
    contents = slides[1]
    assert contents.shapes.title.text_frame.text == "Indice"
    text = " ".join(sh.text_frame.text for sh in contents.shapes if sh.has_text_frame)
    for section in built_sample.report.sections:
        assert f"{section.number} {section.title}" in text
    assert "Dati aperti." in text and built_sample.report.meta.open_data_license in text


def test_bullets_are_real_paragraphs_with_a_hanging_indent(deck):
    from pptx.oxml.ns import qn

    _, prs = deck
    bullets = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                assert not paragraph.text.startswith("•"), paragraph.text
                properties = paragraph._p.pPr
                if properties is not None and properties.find(qn("a:buChar")) is not None:
                    bullets += 1
                    assert int(properties.get("marL")) == -int(properties.get("indent")) > 0
    assert bullets > 50


def test_no_header_word_and_no_figure_is_broken(deck):
    """Every word of a column header fits its column at the table's size (measured with the
    bundled font and the allowance for the widest substitute), so no viewer breaks it."""
    from pptx.enum.text import PP_ALIGN

    from reportgen.render.deck.paginate import CELL_SIDE_PT, UNBROKEN_ALLOWANCE
    from reportgen.render.measure import TextMeasure

    _, prs = deck
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            size = next(r.font.size.pt for c in shape.table.rows[0].cells for p in c.text_frame.paragraphs
                        for r in p.runs)
            measure = TextMeasure(size, bold=True, allowance=UNBROKEN_ALLOWANCE)
            for column, cell in zip(shape.table.columns, shape.table.rows[0].cells):
                for word in cell.text.split():
                    assert measure.width(word) + CELL_SIDE_PT <= column.width.pt + 0.01, (word, column.width.pt)
            # nor a figure: "€ 4.249.834.748,3" / "0" was an amount broken in two
            figures = TextMeasure(size, allowance=UNBROKEN_ALLOWANCE)
            for row in list(shape.table.rows)[1:]:
                for column, cell in zip(shape.table.columns, row.cells):
                    if cell.text_frame.paragraphs[0].alignment == PP_ALIGN.RIGHT:
                        for word in cell.text.split(" "):  # NBSP keeps "9,56 %" one word
                            assert figures.width(word) + CELL_SIDE_PT <= column.width.pt + 0.01, word


def test_a_total_row_never_stands_alone_on_a_slide(deck):
    _, prs = deck
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                body = [row.cells[0].text for row in list(shape.table.rows)[1:]]
                assert not (len(body) == 1 and body[0].lower().startswith(("totale", "ieep"))), body


def test_table_rows_are_as_tall_as_a_viewer_draws_them(deck):
    """Viewers size a cell's line by the font's ascent and descent (1,52 em for Titillium Web)
    and an empty cell by its paragraph-end size: a row estimated shorter pushes the table
    into the footer (seen in LibreOffice before these rows were measured so)."""
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    _, prs = deck
    tables = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            tables += 1
            sizes = {run.font.size for row in shape.table.rows for cell in row.cells
                     for p in cell.text_frame.paragraphs for run in p.runs}
            [size] = sizes  # one size per table
            for row in shape.table.rows:
                assert row.height >= Pt(size.pt * 1.52 + 7.2) - 1
                for tc in row._tr.tc_lst:
                    if tc.get("hMerge"):
                        continue  # covered by the cell it is merged into
                    for p in tc.txBody.findall(qn("a:p")):
                        assert p.find(qn("a:endParaRPr")).get("sz") == str(size.centipoints)
            assert shape.top + shape.height <= prs.slide_height - Pt(27)  # above the slide number
    assert tables > 50


def test_every_kind_of_block_has_a_deck_builder():
    kinds = {cls.__dataclass_fields__["kind"].default for cls in typing.get_args(Block)}
    assert kinds == set(BLOCK_KINDS)  # every kind declared at load has a content class
    assert set(DECK_BUILDERS) == kinds


@dataclasses.dataclass(frozen=True)
class _MapBlock:
    kind: str = "map"


def test_a_block_the_deck_cannot_draw_is_an_error_not_left_out(tmp_path):
    root = write_project(tmp_path / "p", MINI_REPORT, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                        "text/risultati.md": "Testo della sezione."})
    loaded = load_project(root)
    report = build_report(loaded, compute(loaded))
    formatter = formatter_for(loaded.config)
    assert render_pptx(report, formatter, root)  # the project itself is drawn
    first = report.sections[0]
    odd = dataclasses.replace(report, sections=(dataclasses.replace(first, blocks=(*first.blocks, _MapBlock())),
                                                *report.sections[1:]))
    with pytest.raises(UndrawableBlock, match=r"kind 'map' \(section «" + first.number):
        render_pptx(odd, formatter, root)


def test_fewer_fuller_slides(deck, built_sample):
    """Things share a slide while they fit, and a narrative never leaves a few lines alone on
    its last slide (it steps down a point or two instead): 197 slides before, 45 of them a third
    used, 15 with one line."""
    import re

    _, prs = deck
    assert len(prs.slides) < 190
    shared = 0
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        boxes = [s for s in slide.shapes if s != slide.shapes.title and not (s.has_text_frame and s.text_frame.text.isdigit())]
        shared += len(boxes) > 1
        continued = re.search(r"\((\d+)/\d+\)$", title)
        narrative = all(s.has_text_frame and s.width > prs.slide_width * 0.8 for s in boxes)  # not key-figure boxes
        if continued and int(continued[1]) > 1 and narrative:
            assert sum(len(s.text_frame.text) for s in boxes) >= 150, title
    assert shared > 40
