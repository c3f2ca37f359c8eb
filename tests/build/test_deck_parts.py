"""The deck made of cached parts is the deck built whole, byte for byte, after any edit."""

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

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "abstract-2023"

pytestmark = pytest.mark.slow


def _build(root: Path, cache: BuildCache):
    compiled = compile_project(root)
    out = render_outputs(compiled.report, compiled.formatter, compiled.root, ("pptx",), jobs=1, cache=cache)
    whole = render_pptx(compiled.report, compiled.formatter, compiled.root)  # python-pptx, in one go
    return compiled.report, out, whole


def _edit_sections(root: Path, change) -> None:
    path = root / "report.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document["sections"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture()
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    return root


def _titles(data: bytes) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in Presentation(io.BytesIO(data)).slides
            if slide.shapes.title is not None]


def test_a_cold_deck_of_parts_is_the_deck_built_whole(project):
    report, out, whole = _build(project, BuildCache(None))
    assert out.files["pptx"] == whole
    assert out.rendered == ["pptx:title", *(f"pptx:{s.id}" for s in report.sections), "pptx"]


def test_an_edited_narrative_makes_again_only_its_section(project, tmp_path):
    cache = BuildCache(tmp_path / "cache")
    _build(project, cache)
    text = project / "text" / "prestazioni.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n\nUn paragrafo aggiunto dopo la prima bozza.\n",
                    encoding="utf-8")
    report, out, whole = _build(project, cache)
    assert out.rendered == ["pptx:prestazioni", "pptx"]
    assert out.files["pptx"] == whole
    assert out.files["pptx"] == _build(project, BuildCache(None))[1].files["pptx"]  # and a cold build of parts


def test_a_section_added_with_a_title_already_used_and_one_removed(project, tmp_path):
    cache = BuildCache(tmp_path / "cache")
    report, _, _ = _build(project, cache)
    (project / "text" / "nuova.md").write_text("Una sezione nuova, con un titolo già usato.\n", encoding="utf-8")
    added = [{"id": name, "title": "Nota", "numbered": False, "blocks": [{"text": "text/nuova.md"}]}
             for name in ("nota", "altra-nota")]
    _edit_sections(project, lambda sections: sections.extend(added))  # at the end: no section is renumbered
    report, out, whole = _build(project, cache)
    assert out.rendered == ["pptx:nota", "pptx:altra-nota", "pptx"]
    assert out.files["pptx"] == whole
    # titles are unique across the deck, as the assembly makes them: the second "Nota" continues the first
    assert _titles(whole)[-2:] == ["Nota", "Nota (segue)"]

    _edit_sections(project, lambda sections: sections.pop(0))  # every later one is numbered anew
    report, out, whole = _build(project, cache)
    assert out.files["pptx"] == whole
    # and the deck of the first build but the new section: every part was kept
    _edit_sections(project, lambda sections: [sections.pop(), sections.pop()])
    report, out, whole = _build(project, cache)
    assert "nota" not in {s.id for s in report.sections}
    assert out.rendered == ["pptx"]
    assert out.files["pptx"] == whole


def _mini(tmp_path, style: str) -> Path:
    from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project

    report = MINI_REPORT.replace("title: Relazione sulla Performance 2024",
                                 f"title: Relazione sulla Performance 2024\n    style: {style}")
    report += ("      - id: altri\n        title: Altri risultati\n        blocks:\n"
               "          - text: text/altri.md\n          - table: kpi\n")
    return write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                  "text/risultati.md": "Testo della sezione.",
                                                  "text/altri.md": "Altro testo."})


@pytest.mark.parametrize("style", ["{logo: logo.png}", "{pptx_template: brand.pptx}"])
def test_a_deck_of_parts_with_a_logo_or_a_corporate_template_is_the_deck_built_whole(tmp_path, style):
    from PIL import Image

    root = _mini(tmp_path, style)
    Image.new("RGB", (40, 20), (200, 30, 30)).save(root / "logo.png")
    brand = Presentation()
    brand.slides.add_slide(brand.slide_layouts[6])  # a template's sample slide: dropped
    brand.save(str(root / "brand.pptx"))
    report, out, whole = _build(root, BuildCache(None))
    assert out.files["pptx"] == whole
    media = [n for n in zipfile.ZipFile(io.BytesIO(whole)).namelist() if n.startswith("ppt/media/")]
    assert media == (["ppt/media/image1.png"] if "logo" in style else [])  # the logo on the title slide
