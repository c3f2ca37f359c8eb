"""The deck made of cached parts is the deck built whole, byte for byte, cold and after any edit;
an edit makes again only the parts it touches."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from pptx import Presentation

from reportgen.cache import BuildCache
from reportgen.pipeline import render_outputs
from reportgen.project import compile_project
from reportgen.render.deck import render_pptx
from reportgen.render.deck.slides import has_divider

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE = SAMPLES / "abstract-2023"

pytestmark = pytest.mark.slow


def _build(root: Path, cache: BuildCache, section: str | None = None):
    compiled = compile_project(root, section)
    out = render_outputs(compiled.report, compiled.formatter, compiled.root, ("pptx",), jobs=1, cache=cache)
    whole = render_pptx(compiled.report, compiled.formatter, compiled.root)  # python-pptx, in one go
    return compiled.report, out, whole


def _cold(root: Path) -> bytes:
    return _build(root, BuildCache(None))[1].files["pptx"]


def _edit(root: Path, change) -> None:
    path = root / "report.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _edit_sections(root: Path, change) -> None:
    _edit(root, lambda document: change(document["sections"]))


@pytest.fixture()
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    return root


def _deck(data: bytes):
    return Presentation(io.BytesIO(data))


def _titles(data: bytes) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in _deck(data).slides if slide.shapes.title is not None]


def _fonts(data: bytes) -> list[str]:
    return sorted(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("ppt/fonts/"))


def _all_parts(report) -> list[str]:
    return ["pptx:title", *(f"pptx:{s.id}" for s in report.sections), "pptx"]


@pytest.mark.parametrize("sample", ["abstract-2023", "relazione-2024", "nota-preliminare-2024"])
def test_a_cold_deck_of_parts_is_the_deck_built_whole(sample):
    report, out, whole = _build(SAMPLES / sample, BuildCache(None))
    assert out.files["pptx"] == whole
    assert out.rendered == _all_parts(report)
    # what the parts cannot know on their own is there: the contents after the title, the fonts
    assert _titles(whole)[:2] == [report.meta.title, "Indice"]
    assert _fonts(whole) == [f"ppt/fonts/font{n}.fntdata" for n in (1, 2, 3, 4)]


def test_a_section_built_alone_is_the_deck_built_whole():
    report, out, whole = _build(SAMPLES / "relazione-2024", BuildCache(None), section="contesto")
    assert report.partial and out.files["pptx"] == whole
    assert out.rendered == ["pptx:contesto", "pptx"]  # no title part: no title slide, no contents
    assert _titles(whole)[0] == report.sections[0].heading  # the chapter's divider


def test_an_edited_narrative_makes_again_only_its_section(project, tmp_path):
    cache = BuildCache(tmp_path / "cache")
    _build(project, cache)
    text = project / "text" / "prestazioni.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n\nUn paragrafo aggiunto dopo la prima bozza.\n",
                    encoding="utf-8")
    report, out, whole = _build(project, cache)
    assert out.rendered == ["pptx:prestazioni", "pptx"]
    assert out.reused == len(report.sections)  # the title part and every other section's
    assert out.files["pptx"] == whole
    assert out.files["pptx"] == _cold(project)
    assert "Un paragrafo aggiunto dopo la prima bozza." in b"".join(
        zipfile.ZipFile(io.BytesIO(whole)).read(n) for n in zipfile.ZipFile(io.BytesIO(whole)).namelist()
        if n.startswith("ppt/slides/slide")).decode()
    _, again, _ = _build(project, cache)  # nothing changed: the whole deck from the cache
    assert again.rendered == [] and again.files["pptx"] == whole


def test_a_new_heading_makes_again_its_section_and_the_contents(project, tmp_path):
    cache = BuildCache(tmp_path / "cache")
    _build(project, cache)
    _edit_sections(project, lambda sections: sections[2].update(title="Le persone dell'Istituto"))
    report, out, whole = _build(project, cache)
    assert out.rendered == ["pptx:title", "pptx:personale", "pptx"]
    assert out.files["pptx"] == whole == _cold(project)
    contents = _deck(whole).slides[1]
    assert any("Le persone dell'Istituto" in shape.text_frame.text for shape in contents.shapes
               if shape.has_text_frame and shape != contents.shapes.title)


def test_a_section_added_with_a_title_already_used_and_one_removed(project, tmp_path):
    cache = BuildCache(tmp_path / "cache")
    first, _, first_deck = _build(project, cache)
    (project / "text" / "nuova.md").write_text("Una sezione nuova, con un titolo già usato.\n", encoding="utf-8")
    added = [{"id": name, "title": "Nota", "numbered": False, "blocks": [{"text": "text/nuova.md"}]}
             for name in ("nota", "altra-nota")]
    _edit_sections(project, lambda sections: sections.extend(added))  # at the end: no section is renumbered
    report, out, whole = _build(project, cache)
    # the contents list them (the title part), and each is made; every other part is kept
    assert out.rendered == ["pptx:title", "pptx:nota", "pptx:altra-nota", "pptx"]
    assert out.files["pptx"] == whole == _cold(project)
    # titles are unique across the deck, as the assembly makes them: the second "Nota" continues the first
    assert _titles(whole)[-2:] == ["Nota", "Nota (segue)"]
    assert len(_deck(whole).slides) == len(_deck(first_deck).slides) + 2

    _edit_sections(project, lambda sections: sections.pop(0))  # every later one is numbered anew
    report, out, whole = _build(project, cache)
    assert out.files["pptx"] == whole == _cold(project)
    assert first.sections[0].heading not in _titles(whole)

    # without the new sections: the title part of the first build's headings but the first one is new,
    # every section's part is kept (the sections after the first were numbered anew just before)
    _edit_sections(project, lambda sections: [sections.pop(), sections.pop()])
    report, out, whole = _build(project, cache)
    assert out.rendered == ["pptx:title", "pptx"]
    assert out.files["pptx"] == whole == _cold(project)

    # back to the first build's sections: the whole deck of the first build, from the cache
    _edit_sections(project, lambda sections: sections.insert(0, yaml.safe_load(
        (SAMPLE / "report.yaml").read_text(encoding="utf-8"))["sections"][0]))
    report, out, whole = _build(project, cache)
    assert [s.id for s in report.sections] == [s.id for s in first.sections]
    assert out.rendered == []
    assert out.files["pptx"] == whole == first_deck


def _dividers(data: bytes) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in _deck(data).slides
            if slide.slide_layout.name == "Section Header"]


def test_a_subsection_added_gives_the_chapters_their_dividers(project, tmp_path):
    # the abstract's chapters have no subsections, so none opens with a divider; once one has
    # a subsection, every chapter showing more than a text does (slides.has_divider)
    cache = BuildCache(tmp_path / "cache")
    _, _, first_deck = _build(project, cache)
    assert _dividers(first_deck) == []
    (project / "text" / "dettaglio.md").write_text("Un dettaglio del personale.\n", encoding="utf-8")
    _edit_sections(project, lambda sections: sections[2].setdefault("sections", []).append(
        {"id": "dettaglio", "title": "Dettaglio", "blocks": [{"text": "text/dettaglio.md"}]}))
    report, out, whole = _build(project, cache)
    assert out.rendered == _all_parts(report)[1:]  # the contents list chapters only: the title part is kept
    assert out.files["pptx"] == whole == _cold(project)
    expected = [s.heading for s in report.sections if has_divider(s, report)]
    assert _dividers(whole) == expected
    assert report.sections[1].heading in expected  # a chapter not edited, of a text and a table
    assert report.sections[3].heading not in expected  # of a text only


def _mini(tmp_path, style: str) -> Path:
    from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project

    report = MINI_REPORT.replace("title: Relazione sulla Performance 2024",
                                 f"title: Relazione sulla Performance 2024\n    style: {style}")
    report += ("      - id: altri\n        title: Altri risultati\n        blocks:\n"
               "          - text: text/altri.md\n          - table: kpi\n")
    return write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                  "text/risultati.md": "Testo della sezione.",
                                                  "text/altri.md": "Altro testo."})


def _brand(path: Path, notes: bool = False) -> None:
    brand = Presentation()
    sample = brand.slides.add_slide(brand.slide_layouts[6])  # a template's sample slide: dropped
    if notes:  # and with it a notes master, which stays
        sample.notes_slide.notes_text_frame.text = "Note del modello"
    brand.save(str(path))


def _notes_master(data: bytes) -> str:
    rels = zipfile.ZipFile(io.BytesIO(data)).read("ppt/_rels/presentation.xml.rels").decode()
    return rels[:rels.index("notesMaster1.xml")].rsplit('Id="', 1)[1].split('"')[0]


@pytest.mark.parametrize("style", ["{logo: logo.png}", "{pptx_template: brand.pptx}", "{pptx_template: notes.pptx}"])
def test_a_deck_of_parts_with_a_logo_or_a_corporate_template_is_the_deck_built_whole(tmp_path, style):
    from PIL import Image

    root = _mini(tmp_path, style)
    Image.new("RGB", (40, 20), (200, 30, 30)).save(root / "logo.png")
    _brand(root / "brand.pptx")
    _brand(root / "notes.pptx", notes=True)
    report, out, whole = _build(root, BuildCache(None))
    assert out.files["pptx"] == whole
    media = [n for n in zipfile.ZipFile(io.BytesIO(whole)).namelist() if n.startswith("ppt/media/")]
    assert media == (["ppt/media/image1.png"] if "logo" in style else [])  # the logo on the title slide
    assert _fonts(whole) == ([] if "template" in style else [f"ppt/fonts/font{n}.fntdata" for n in (1, 2, 3, 4)])
    # the notes master where the whole deck has it: the template's, or made with the contents' notes
    assert _notes_master(whole) == ("rId8" if "notes" in style else "rId9")  # the template's after its slide


def test_a_sample_on_a_corporate_template_edited(project, tmp_path):
    # a template brings its own fonts (none embedded), layouts and geometry; the parts follow it
    _brand(project / "brand.pptx")
    _edit(project, lambda document: document.setdefault("style", {}).update(pptx_template="brand.pptx"))
    cache = BuildCache(tmp_path / "cache")
    report, out, whole = _build(project, cache)
    assert out.files["pptx"] == whole
    assert out.rendered == _all_parts(report)
    assert _fonts(whole) == []
    assert _deck(whole).slide_width == Presentation().slide_width  # the template's 4:3, not our 16:9
    text = project / "text" / "utenza.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n\nUna riga in più.\n", encoding="utf-8")
    report, out, whole = _build(project, cache)
    assert out.rendered == ["pptx:utenza", "pptx"]
    assert out.files["pptx"] == whole == _cold(project)
