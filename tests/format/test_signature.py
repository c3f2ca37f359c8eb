"""A signature block (place, date, signatories) closes a document in every output: a new kind of
block added through the registries alone."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from reportgen.errors import InputErrors
from reportgen.export import table_csvs
from reportgen.project import compile_project
from reportgen.render.deck import render_pptx
from reportgen.render.html import render_html
from tests.conftest import write_project

REPORT = """\
    administration: Ente
    year: 2024
    title: Nota
    sections:
      - id: chiusura
        title: Chiusura
        blocks:
          - signature:
              place: Roma
              date: 2024-02-23
              signatories:
                - {role: Il Commissario straordinario, name: Mario Rossi}
                - {role: Il Direttore generale}
"""


def test_a_signature_prints_in_the_pdfs_and_the_deck(tmp_path):
    compiled = compile_project(write_project(tmp_path / "p", REPORT, {}))
    block = compiled.report.sections[0].blocks[0]
    assert block.kind == "signature" and [s.name for s in block.signatories] == ["Mario Rossi", None]
    for layout in ("pdf", "slides"):
        html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout=layout)
        assert "Roma, 23 febbraio 2024" in html
        assert '<p class="role">Il Commissario straordinario</p><p class="name">Mario Rossi</p>' in html
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert "Roma, 23 febbraio 2024" in text and "Il Commissario straordinario – Mario Rossi" in text
    assert table_csvs(compiled.report) == []


def test_a_signature_without_signatories_is_an_input_error(tmp_path):
    report = REPORT.split("              signatories:")[0] + "              signatories: []\n"
    with pytest.raises(InputErrors) as caught:
        compile_project(write_project(tmp_path / "p", report, {}))
    assert "signatories: at least one signatory" in str(caught.value)


def test_the_protocol_number_is_on_the_cover_the_title_slide_and_in_the_metadata(tmp_path):
    compiled = compile_project(write_project(tmp_path / "p", REPORT.replace("title: Nota\n", "title: Nota\n"
                                                                             "    protocol: INPS.0001.2024.0012345\n"), {}))
    for layout in ("pdf", "slides"):
        html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout=layout)
        assert '<p class="protocol">Prot. n. INPS.0001.2024.0012345</p>' in html
    html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout="pdf")
    assert '<meta name="keywords" content="Protocollo INPS.0001.2024.0012345">' in html
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    assert "Prot. n. INPS.0001.2024.0012345" in " ".join(
        sh.text_frame.text for sh in deck.slides[0].shapes if sh.has_text_frame)


def test_the_cover_shows_the_emblem_beside_the_logo(tmp_path):
    import base64

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    report = REPORT.replace("title: Nota\n", "title: Nota\n    style: {logo: img/logo.png, emblem: img/emblema.png}\n")
    compiled = compile_project(write_project(tmp_path / "p", report, {"img/logo.png": png, "img/emblema.png": png}))
    for layout in ("pdf", "slides"):
        html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout=layout)
        assert '<img class="emblem" src="file://' in html and 'emblema.png" alt="Emblema">' in html
        assert '<img class="logo"' in html
