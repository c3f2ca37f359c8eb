"""Footnotes and sources: markers in headers, rows and cells, the notes under the table in the
A4 and slide PDFs, on the same slide in the deck, and in the export's description."""

from __future__ import annotations

import io

from pptx import Presentation

from reportgen.export import table_csvs
from reportgen.project import compile_project
from reportgen.render.deck import render_pptx
from reportgen.render.html import render_html
from tests.conftest import write_project

REPORT = """\
    administration: Ente
    year: 2024
    title: Relazione
    sections:
      - {id: s, title: Personale, blocks: [{table: personale}]}
"""

SCHEMA = """\
    title: Personale in servizio
    key: area
    fonte: Direzione centrale Risorse umane
    columns:
      area: {type: text, required: true, label: Area}
      presenti: {type: integer, label: Presenti, note: Al 31 dicembre.}
      nota: {type: note}
    notes:
      - {row: medici, column: presenti, text: Compresi i medici convenzionati.}
    derive:
      - op: total
        columns: {presenti: sum}
"""

CSV = """\
    area;presenti;nota
    Amministrativi;100;
    Medici;20;Dato provvisorio.
"""


def _compiled(tmp_path):
    return compile_project(write_project(tmp_path / "p", REPORT, {"data/personale.schema.yaml": SCHEMA,
                                                                 "data/personale.csv": CSV}))


def test_markers_are_numbered_in_reading_order(tmp_path):
    block = _compiled(tmp_path).report.sections[0].blocks[0]
    assert [c.name for c in block.columns] == ["area", "presenti"]  # the note column is not a column
    assert block.columns[1].marks == ("1",)
    medici = next(r for r in block.rows if r.id == "medici")
    assert medici.marks == (("2",), ("3",))  # the row's note on its label, then the cell's, left to right
    assert [(f.marker, f.text) for f in block.footnotes] == [
        ("1", "Al 31 dicembre."), ("2", "Dato provvisorio."), ("3", "Compresi i medici convenzionati.")]
    assert block.fonte == "Direzione centrale Risorse umane"


def test_the_pdf_pages_print_markers_and_notes_under_the_table(tmp_path):
    compiled = _compiled(tmp_path)
    for layout in ("pdf", "slides"):
        html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout=layout)
        assert 'Presenti<sup class="fn">1</sup>' in html
        assert '<sup>3</sup> Compresi i medici convenzionati.' in html
        assert "Fonte: Direzione centrale Risorse umane" in html
        assert html.index("</table>") < html.index("Dato provvisorio.")


def test_the_deck_prints_the_notes_on_the_slide_of_the_table(tmp_path):
    compiled = _compiled(tmp_path)
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    slide = next(s for s in deck.slides if any(sh.has_table for sh in s.shapes))
    texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "(3) Compresi i medici convenzionati." in texts and "Fonte: Direzione centrale Risorse umane" in texts
    table = next(sh for sh in slide.shapes if sh.has_table).table
    assert table.cell(0, 1).text == "Presenti (1)"
    notes_box = next(sh for sh in slide.shapes if sh.has_text_frame and "Fonte" in sh.text_frame.text)
    table_shape = next(sh for sh in slide.shapes if sh.has_table)
    assert notes_box.top >= table_shape.top + table_shape.height  # under the table, not over it


def test_the_export_keeps_the_notes(tmp_path):
    exported = table_csvs(_compiled(tmp_path).report)[0]
    assert exported.note == ("(1) Al 31 dicembre. (2) Dato provvisorio. (3) Compresi i medici convenzionati. "
                             "Fonte: Direzione centrale Risorse umane")


def test_narrative_footnotes_in_every_output(tmp_path):
    report = REPORT.replace("blocks: [{table: personale}]", "blocks: [{text: text/s.md}]")
    text = "Il personale cresce[^1] come previsto.\n\n[^1]: Dati al 31 dicembre, fonte *NoiPA*.\n"
    compiled = compile_project(write_project(tmp_path / "p", report, {"data/personale.schema.yaml": SCHEMA,
                                                                     "data/personale.csv": CSV, "text/s.md": text}))
    narrative = compiled.report.sections[0].blocks[0].narrative
    assert 'cresce<sup class="fn">1</sup> come' in narrative.html
    assert '<div class="note footnote"><sup>1</sup> <p>Dati al 31 dicembre, fonte <em>NoiPA</em>.</p>' in narrative.html
    assert "href" not in narrative.html and "↩" not in narrative.html
    assert narrative.blocks == (("paragraph", "Il personale cresce (1) come previsto."),
                                ("note", "(1) Dati al 31 dicembre, fonte NoiPA."))
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    texts = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert "(1) Dati al 31 dicembre, fonte NoiPA." in texts


def test_a_heading_footnote(tmp_path):
    report = REPORT.replace("{id: s, title: Personale, blocks: [{table: personale}]}",
                            "{id: s, title: Personale, note: Dati provvisori., blocks: [{table: personale}]}")
    compiled = compile_project(write_project(tmp_path / "p", report, {"data/personale.schema.yaml": SCHEMA,
                                                                     "data/personale.csv": CSV}))
    for layout in ("pdf", "slides"):
        html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout=layout)
        assert 'Personale<sup class="fn">*</sup></h' in html
        assert '<p class="note footnote"><sup>*</sup> Dati provvisori.</p>' in html
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    assert "(*) Dati provvisori." in " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes
                                              if sh.has_text_frame)
