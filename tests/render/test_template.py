"""A deck built on a corporate template: its size, masters and layouts (chosen by name)."""

from __future__ import annotations

from pptx import Presentation

from reportgen.api import build
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project


def _corporate_template(path):
    prs = Presentation()  # 4:3, like many corporate templates
    by_name = {layout.name: layout for layout in prs.slide_layouts}
    by_name["Title Only"].name = "Solo titolo"  # an Italian template
    prs.slides.add_slide(by_name["Blank"])  # templates often ship with a sample slide
    prs.save(str(path))


def test_deck_uses_the_template_layouts_by_name_and_its_size(tmp_path):
    report = MINI_REPORT.replace("title: Relazione sulla Performance 2024",
                                 "title: Relazione sulla Performance 2024\n    style: {pptx_template: brand.pptx}")
    root = write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                  "text/risultati.md": "Testo della sezione."})
    _corporate_template(root / "brand.pptx")
    result = build(root, out=tmp_path / "out", formats="pptx")
    prs = Presentation(str(result.outputs[0]))
    assert (prs.slide_width, prs.slide_height) == (9144000, 6858000)  # the template's 4:3 is kept
    layouts = [slide.slide_layout.name for slide in prs.slides]
    assert layouts[0] == "Title Slide"
    assert set(layouts[1:]) == {"Solo titolo"}  # the sample slide of the template is gone
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height


def test_template_outside_the_project_is_refused(tmp_path):
    import pytest

    from reportgen.errors import InputErrors
    from reportgen.load import load_project

    report = MINI_REPORT.replace("title: Relazione sulla Performance 2024",
                                 "title: Relazione sulla Performance 2024\n    style: {pptx_template: ../brand.pptx}")
    root = write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                  "text/risultati.md": "x"})
    with pytest.raises(InputErrors, match="is not a file inside the project folder"):
        load_project(root)


def _entries(prs) -> dict[str, bytes]:
    import io
    import zipfile

    out = io.BytesIO()
    prs.save(out)
    with zipfile.ZipFile(out) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_each_deck_gets_its_own_copy_of_the_template_made_once(tmp_path):
    from reportgen.render.deck.template import corporate_template, default_template, fresh_template

    _corporate_template(tmp_path / "brand.pptx")
    for path, made in ((None, default_template), (tmp_path / "brand.pptx", corporate_template)):
        first, shared = fresh_template(path)
        first.slides.add_slide(first.slide_layouts[0])  # what one deck does to its copy…
        first.slide_layouts[0].name = "Changed"
        second, shared_again = fresh_template(path)
        assert shared_again is shared
        # the copy is the template as made, part for part (python-pptx adds a slide list once asked)
        assert _entries(second) == _entries(made(path) if path else made())
        assert len(second.slides) == 0 and second.slide_layouts[0].name != "Changed"  # …the next does not see
