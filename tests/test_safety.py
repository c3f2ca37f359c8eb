"""Untrusted text stays text; the renderer reads only the project and the bundled assets; an
interrupted build loses nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pypdfium2 as pdfium
import pytest

from reportgen.api import build
from reportgen.errors import InputError, InputErrors
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project


def _project(tmp_path, narrative: str, csv: str = MINI_CSV, extra: dict | None = None):
    return write_project(tmp_path / "p", MINI_REPORT, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": csv,
                                                       "text/risultati.md": narrative, **(extra or {})})


def _pdf_text(path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        return " ".join(" ".join(p.get_textpage().get_text_bounded().split()) for p in document)
    finally:
        document.close()


HOSTILE = [
    '<img src="file:///etc/passwd">',
    "<script>alert(1)</script>",
    "[clic](http://example.org/phish)",
    "<http://example.org/x>",
    "![x](file:///etc/passwd)",  # markdown-it refuses file: and javascript: URLs: literal text
    "![y](javascript:alert(3))",
]


def test_hostile_narrative_and_data_are_printed_as_text(tmp_path):
    csv = MINI_CSV.replace("Indice di deflusso", "<script>alert(2)</script>")
    root = _project(tmp_path, "\n\n".join(HOSTILE) + "\n\n{{ kpi.deflusso.indicatore }}\n", csv)
    result = build(root, out=tmp_path / "out", formats="pdf,pptx")
    text = _pdf_text(result.outputs[0])
    for hostile in [*HOSTILE, "<script>alert(2)</script>"]:
        assert hostile in text
    pdf = result.outputs[0].read_bytes()
    assert b"/URI" not in pdf  # no live link to anywhere
    assert not result.warnings


@pytest.mark.parametrize("image", ["![x](http://example.org/a.png)", "![x](/etc/passwd)", "![x](../../a.png)"])
def test_images_outside_the_project_are_refused(tmp_path, image):
    root = _project(tmp_path, f"Testo.\n\n{image}\n")
    with pytest.raises(InputErrors) as info:
        build(root, out=tmp_path / "out", formats="pdf")
    assert "only images inside the project folder can be shown" in str(info.value)
    assert str(info.value).startswith("text/risultati.md, line 3: image")


def test_an_image_inside_the_project_is_shown(tmp_path):
    from PIL import Image

    root = _project(tmp_path, "![Organigramma](assets/organigramma.png)\n")
    (root / "assets").mkdir()
    Image.new("RGB", (40, 20), "navy").save(root / "assets" / "organigramma.png")
    result = build(root, out=tmp_path / "out", formats="pdf")
    assert not result.warnings
    assert b"/Subtype /Image" in result.outputs[0].read_bytes() or b"/Image" in result.outputs[0].read_bytes()


@pytest.mark.parametrize("template, message", [
    ("{{ ''.__class__.__mro__ }}", "template error"),
    ("{% include '/etc/passwd' %}", "template error"),
])
def test_project_templates_are_sandboxed(tmp_path, template, message):
    root = _project(tmp_path, "Testo.", extra={"templates/pdf/section.html.j2": template})
    with pytest.raises(InputError, match=message):
        build(root, out=tmp_path / "out", formats="pdf")


def test_titles_are_escaped_in_css(tmp_path):
    report = MINI_REPORT.replace("title: Relazione sulla Performance 2024",
                                 'title: "Relazione \\"2024\\" } @page { size: 1mm }"')
    root = write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                  "text/risultati.md": "Testo."})
    pdf = build(root, out=tmp_path / "out", formats="pdf").outputs[0]
    document = pdfium.PdfDocument(str(pdf))
    width, _ = document[0].get_size()
    text = document[2].get_textpage().get_text_bounded()
    document.close()
    assert round(width) == 595  # still A4: the title did not become CSS
    assert 'Relazione "2024" } @page { size: 1mm }' in text


@pytest.mark.slow
def test_a_build_interrupted_midway_leaves_earlier_outputs_intact(sample_copy, tmp_path):
    out = tmp_path / "out"
    earlier = build(sample_copy, out=out, formats="pptx").outputs[0]
    before = earlier.read_bytes()
    (sample_copy / "text" / "premessa.md").write_text("Una nuova premessa.\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(sample_copy), "--out", str(out),
                                "--format", "pdf,pptx", "--quiet"], stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # well into the rendering of the PDF
    assert process.poll() is None, process.stderr.read()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert earlier.read_bytes() == before
    # no partial or temporary file; the state folder keeps only complete cache entries
    assert sorted(p.name for p in out.iterdir()) == [".reportgen", "relazione-2024.pptx"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".reportgen-tmp")]
    assert process.stderr is None or "Traceback" not in stderr


def test_temporary_files_of_a_killed_build_are_removed_by_the_next(mini_project, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".mini.pdf.abc123.reportgen-tmp"  # what SIGKILL during a write would leave
    stale.write_bytes(b"%PDF-partial")
    build(mini_project, out=out, formats="pdf")
    assert not stale.exists()
    assert sorted(p.name for p in out.iterdir()) == [".reportgen", "mini.pdf"]
