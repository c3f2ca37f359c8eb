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
