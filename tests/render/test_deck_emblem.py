"""The deck's title slide shows the cover's pictures as the PDFs do: the logo above the title
at the left, the emblem at the right, each with the PDFs' alt text."""

from __future__ import annotations

import io

from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from reportgen.project import compile_project
from reportgen.render.deck import render_pptx
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project


def _png(size: tuple[int, int], colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _title_slide(tmp_path, style: str):
    report = MINI_REPORT.replace("    sections:\n", f"    style: {style}\n    sections:\n", 1)
    assert report != MINI_REPORT
    root = write_project(tmp_path / "p", report, {
        "data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV, "text/risultati.md": "Testo.",
        "img/logo.png": _png((300, 100), "#0b4f8a"), "img/emblema.png": _png((90, 100), "#2d6a2d")})
    compiled = compile_project(root)
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    return compiled.report, deck, deck.slides[0]


def _pictures(slide) -> dict[str, object]:
    return {shape._element.nvPicPr.cNvPr.get("descr"): shape for shape in slide.shapes
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE}


def test_the_title_slide_shows_the_emblem_at_the_right_beside_the_logo(tmp_path):
    report, deck, slide = _title_slide(tmp_path, "{logo: img/logo.png, emblem: img/emblema.png}")
    pictures = _pictures(slide)
    assert set(pictures) == {report.meta.administration, "Emblema"}
    logo, emblem = pictures[report.meta.administration], pictures["Emblema"]
    title = slide.shapes.title
    assert emblem.top + emblem.height <= title.top  # above the title, not over it
    assert logo.left + logo.width < emblem.left  # side by side, the logo at the left
    margin = deck.slide_width - (emblem.left + emblem.width)
    assert margin == logo.left > 0  # at the right edge, as far in as the logo is from the left
    assert abs(emblem.width / emblem.height - 0.9) < 0.02  # not distorted
    # the slides after the title slide have no emblem
    assert all(not _pictures(other) for other in list(deck.slides)[1:])


def test_without_an_emblem_the_title_slide_has_the_logo_only(tmp_path):
    report, _, slide = _title_slide(tmp_path, "{logo: img/logo.png}")
    assert set(_pictures(slide)) == {report.meta.administration}
