"""Pieces laid out in parallel and merged: the same document as one layout pass, and a cache
that re-renders only what changed."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from reportgen.api import build
from reportgen.content import build_report, formatter_for
from reportgen.engine import compute
from reportgen.load import load_project
from reportgen.pipeline import render_outputs
from reportgen.render.common import FOLIOS
from reportgen.render.html import HtmlRenderer
from reportgen.render.merge import merge_pieces
from reportgen.render.pdf import render_pdf
from tests.conftest import SAMPLE_2024

pytestmark = pytest.mark.slow  # every test lays out the whole sample


def _text(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def _bookmarks(data: bytes) -> list[tuple[str, int, int]]:
    document = pdfium.PdfDocument(data)
    try:
        return [(b.get_title(), b.level, b.get_dest().get_index()) for b in document.get_toc()]
    finally:
        document.close()


def _chapter_tops(data: bytes) -> list[bool]:
    """For each chapter (top-level bookmark), whether it starts at the top of its page."""
    document = pdfium.PdfDocument(data)
    try:
        tops = []
        for bookmark in document.get_toc():
            if bookmark.level == 0:
                page = document[bookmark.get_dest().get_index()]
                top = bookmark.get_dest().get_view()[1][1]
                text = page.get_textpage()
                # nothing of the text area above the chapter's heading (the running head is higher)
                glyphs = [text.get_charbox(i)[3] for i in range(text.count_chars())]
                tops.append(not [y for y in glyphs if top + 1 < y < page.get_size()[1] * 0.94])
        return tops
    finally:
        document.close()


def _structure(data: bytes) -> dict:
    """Structure types in reading order (without the Part grouping, which a single pass
    repeats on every page), links with the page they lead to, and the parent-tree keys."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        roots = [pdf.Root.StructTreeRoot]
        types: list[str] = []

        def walk(item) -> None:
            if isinstance(item, pikepdf.Array):
                for kid in item:
                    walk(kid)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                if item.S != "/Part":
                    types.append(str(item.S))
                if "/K" in item:
                    walk(item.K)

        walk(roots[0].K)
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        destinations = {bytes(names[i]): pages[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        links = [destinations[bytes(a.Dest)] for page in pdf.pages for a in page.obj.get("/Annots", [])
                 if a.get("/Subtype") == "/Link"]
        nums = roots[0].ParentTree.Nums
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        owners = {int(p.obj.StructParents) for p in pdf.pages}
        owners |= {int(a.StructParent) for p in pdf.pages for a in p.obj.get("/Annots", []) if "/StructParent" in a}
        return {"types": types, "links": links, "keys_match": keys == owners, "roots": len(roots),
                "next_key": int(roots[0].ParentTreeNextKey) == max(keys) + 1}


@pytest.fixture(scope="module")
def sample_report():
    loaded = load_project(SAMPLE_2024)
    result = compute(loaded)
    return build_report(loaded, result), formatter_for(loaded.config)


@pytest.mark.parametrize("layout", ["pdf", "slides"])
def test_merged_pieces_equal_one_layout_pass(sample_report, built_sample, layout):
    report, formatter = sample_report
    suffix = "-slides.pdf" if layout == "slides" else ".pdf"
    merged = next(p for p in built_sample.outputs if p.name == f"relazione-2024{suffix}").read_bytes()
    # the reference: the whole report's HTML laid out at once, numbered the same way
    from reportgen.charts import render_charts

    charts = render_charts(report.charts(), report.meta.theme, formatter,
                           target="slide" if layout == "slides" else "print")  # the drawings each layout shows
    renderer = HtmlRenderer(report, formatter, SAMPLE_2024, charts, layout)
    # with the chapters that the build let follow on the page before (style.page_breaks: auto)
    run_on = [section.id for section, top in zip(report.sections, _chapter_tops(merged), strict=True) if not top]
    assert (layout == "pdf") == bool(run_on)
    whole = render_pdf(renderer.document(run_on=run_on), renderer.css(), SAMPLE_2024)
    single = merge_pieces([whole], FOLIOS[layout], report.meta.theme.muted).data

    merged_text, single_text = _text(merged), _text(single)
    assert len(merged_text) == len(single_text) > 20
    for number, (a, b) in enumerate(zip(merged_text, single_text), start=1):
        assert a == b, f"page {number}"
    assert _bookmarks(merged) == _bookmarks(single)
    merged_structure, single_structure = _structure(merged), _structure(single)
    assert merged_structure["types"] == single_structure["types"]
    assert merged_structure["links"] == single_structure["links"] and merged_structure["links"]
    assert merged_structure["keys_match"] and merged_structure["next_key"] and merged_structure["roots"] == 1
    # the contents print the page every section starts on
    total = len(merged_text)
    assert f"Pagina 3 di {total}" in merged_text[2] if layout == "pdf" else merged_text[2].strip().endswith("3")


def test_every_font_is_embedded_once_and_is_bundled(built_sample):
    for path in built_sample.outputs:
        if path.suffix != ".pdf":
            continue
        with pikepdf.open(path) as pdf:
            fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                     and obj.get("/Type") == "/FontDescriptor"]
            names = [str(f.FontName).split("+", 1)[1] for f in fonts]
            assert all("/FontFile2" in f for f in fonts), path.name
            assert all(name.replace("-", "").startswith("TitilliumWeb") for name in names), names
            # each face once, plus the few glyphs of the page numbers
            assert len(names) == len(set(names)), names


@pytest.fixture
def drafts(tmp_path):
    project = tmp_path / "relazione"
    shutil.copytree(SAMPLE_2024, project)
    return project


def test_editing_one_narrative_lays_out_that_section_only(drafts, tmp_path):
    out = tmp_path / "out"
    first = build(drafts, out=out, formats="pdf,slides")
    assert "pdf:front" in first.rendered and "pdf:premessa" in first.rendered
    again = build(drafts, out=out, formats="pdf,slides")
    assert again.up_to_date and again.report is None
    assert [p.read_bytes() for p in again.outputs] == [p.read_bytes() for p in first.outputs]

    narrative = drafts / "text" / "premessa.md"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace(
        "è stata redatta in applicazione", "è stata redatta ai sensi"), encoding="utf-8")
    edited = build(drafts, out=out, formats="pdf,slides")
    assert not edited.up_to_date
    # the run of A4 chapters sharing its pages (the first chapter is not measured alone: it starts
    # a page whatever its length) and its slides; never the contents (their numbers are written in)
    assert set(edited.rendered) == {"pdf:premessa+analisi-dati+fasi-soggetti-tempi", "slides:premessa"}
    assert edited.reused >= len(first.rendered) - 5

    cold = build(drafts, out=tmp_path / "cold", formats="pdf,slides", cache=False)
    assert [p.read_bytes() for p in edited.outputs] == [p.read_bytes() for p in cold.outputs]
    assert "ai sensi" in " ".join(_text(edited.outputs[0].read_bytes()))


def _contents_pages(data: bytes) -> dict[str, int]:
    """Title → page number, as the contents print them (the lines ending with a number)."""
    found = {}
    for page in _text(data)[1:4]:
        for line in page.splitlines():
            title, _, number = line.rpartition(" ")
            if number.isdigit() and title:
                found[title] = int(number)
    return found


def test_an_edit_that_moves_the_pages_after_it_renumbers_the_contents_laid_out_before(drafts, tmp_path):
    out = tmp_path / "out"
    first = build(drafts, out=out, formats="pdf")
    before = _contents_pages(first.outputs[0].read_bytes())
    narrative = drafts / "text" / "premessa.md"
    longer = "\n\n".join(["Un paragrafo aggiunto alla premessa per allungarla di qualche pagina, "
                           "con abbastanza parole da occupare tre righe della colonna del testo."] * 60)
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n\n" + longer + "\n", encoding="utf-8")
    edited = build(drafts, out=out, formats="pdf")
    assert not any(name.startswith("pdf:front") for name in edited.rendered)
    after = _contents_pages(edited.outputs[0].read_bytes())
    assert after.keys() == before.keys() and len(after) > 20
    moved = {title: after[title] - before[title] for title in after}
    premessa = next(title for title in after if title.endswith("Premessa"))
    # the chapters after it start pages later (the running head, "… 2024", stays where it is)
    assert moved[premessa] == 0 and sum(1 for v in moved.values() if v >= 2) > 20
    cold = build(drafts, out=tmp_path / "cold", formats="pdf", cache=False)
    assert edited.outputs[0].read_bytes() == cold.outputs[0].read_bytes()


def test_one_worker_and_a_damaged_cache_give_the_same_files(drafts, tmp_path):
    out = tmp_path / "out"
    parallel = build(drafts, out=out, formats="pdf", section="ieep")
    for entry in (out / ".reportgen" / "cache").rglob("*.bin"):
        entry.write_bytes(entry.read_bytes()[:100])  # truncated: must be ignored, not trusted
    (drafts / "text" / "ieep.md").write_text((drafts / "text" / "ieep.md").read_text(encoding="utf-8") + "\n",
                                             encoding="utf-8")  # not up to date any more, same content
    alone = build(drafts, out=out, formats="pdf", section="ieep", jobs=1)
    assert alone.rendered and not alone.reused
    assert alone.outputs[0].read_bytes() == parallel.outputs[0].read_bytes()


def test_render_outputs_is_callable_without_a_cache(sample_report):
    report, formatter = sample_report
    rendered = render_outputs(report, formatter, Path(SAMPLE_2024), ("pdf",), jobs=1, section=None)
    assert rendered.files["pdf"].startswith(b"%PDF") and rendered.layouts["pdf"]["front"] >= 2
    assert set(rendered.layouts["pdf"]["sections"]) == {s.id for s in report.walk()}


def _png(colour: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_replacing_a_narrative_image_lays_out_its_section_again(mini_project, tmp_path):
    (mini_project / "img").mkdir()
    (mini_project / "img" / "org chart.png").write_bytes(_png("red"))
    narrative = mini_project / "text" / "risultati.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n![Organigramma](img/org%20chart.png)\n",
                         encoding="utf-8")
    out = tmp_path / "out"
    first = build(mini_project, out=out, formats="pdf").outputs[0].read_bytes()
    (mini_project / "img" / "org chart.png").write_bytes(_png("blue"))  # same name, same text
    again = build(mini_project, out=out, formats="pdf")
    assert "pdf:risultati" in again.rendered
    cold = build(mini_project, out=tmp_path / "cold", formats="pdf", cache=False).outputs[0].read_bytes()
    assert again.outputs[0].read_bytes() == cold != first
