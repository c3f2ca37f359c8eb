"""'Di cui' rows: detail rows printed under their parent, in italics and indented, and left out of
every total; the export marks them."""

from __future__ import annotations

from decimal import Decimal as D

from reportgen.export import table_csvs
from reportgen.project import compile_project
from reportgen.render.html import render_html
from tests.conftest import write_project

REPORT = """\
    administration: Ente
    year: 2024
    title: Relazione
    sections:
      - {id: s, title: Spese, blocks: [{table: spese}]}
"""

SCHEMA = """\
    title: Spese
    key: voce
    columns:
      voce: {type: text, required: true, label: Voce}
      tipo: {type: row_kind, label: Tipo}
      importo: {type: euro, label: Importo}
    derive:
      - op: total
        columns: {importo: sum}
    display:
      columns: [voce, importo]
"""

CSV = """\
    voce;tipo;importo
    Personale;;1.000,00
    Formazione;di cui;200,00
    Beni e servizi;;500,00
"""


def _compiled(tmp_path):
    return compile_project(write_project(tmp_path / "p", REPORT, {"data/spese.schema.yaml": SCHEMA,
                                                                 "data/spese.csv": CSV}))


def test_a_di_cui_row_is_a_detail_in_no_total(tmp_path):
    compiled = _compiled(tmp_path)
    table = compiled.result.tables["spese"]
    assert [r.kind for r in table.rows] == ["data", "detail", "data", "total"]
    assert compiled.result.figure("spese.totale.importo").value == D(1500)


def test_a_detail_row_prints_as_a_detail_of_its_parent(tmp_path):
    compiled = _compiled(tmp_path)
    html, css = render_html(compiled.report, compiled.formatter, compiled.root, layout="pdf")
    detail = html[html.index('<tr class="detail">'):]
    detail = detail[:detail.index("</tr>")]
    assert "<td" in detail and "<th" not in detail and "Formazione" in detail
    assert html.index("Personale") < html.index("Formazione") < html.index("Beni e servizi")
    assert "tr.detail td { font-style: italic; }" in css


def test_the_export_marks_detail_rows(tmp_path):
    compiled = _compiled(tmp_path)
    text = table_csvs(compiled.report)[0].csv.decode("utf-8")
    assert "di cui" in text.splitlines()[2]


IEEP_SCHEMA = """\
    title: IEEP
    key: voce
    label_column: voce
    columns:
      gruppo: {type: text, label: Gruppo}
      voce: {type: text, required: true, label: Voce}
      tipo: {type: row_kind, label: Tipo}
      segno: {type: sign, default: "+", label: Segno}
      importo: {type: euro, label: Importo}
    derive:
      - op: total
        columns: {importo: sum}
        sign: segno
        levels:
          - {label: Totale}
          - {by: gruppo, label: "{gruppo}", position: before}
    display:
      columns: [voce, importo]
      mark_subtracted: true
"""

IEEP_CSV = """\
    gruppo;voce;tipo;segno;importo
    Incassi;Incassi contributivi;;+;5.000,00
    Interessi legali;Interessi previdenziali;;-;300,00
    Interessi legali;di cui arretrati;di cui;-;100,00
    Interessi legali;Interessi assistenziali;;-;200,00
"""


def test_subtracted_rows_print_positive_marked_and_the_total_subtracts_them(tmp_path):
    report = REPORT.replace("table: spese", "table: ieep")
    compiled = compile_project(write_project(tmp_path / "p", report, {"data/ieep.schema.yaml": IEEP_SCHEMA,
                                                                     "data/ieep.csv": IEEP_CSV}))
    result = compiled.result
    assert result.figure("ieep.totale.importo").value == D(4500)  # 5.000 − 300 − 200; the di cui in no total
    subtotal = result.figure("ieep.interessi_legali.importo")
    assert subtotal.value == D(500)  # a subtotal of subtracted rows, printed positive
    assert result.figure("ieep.interessi_legali.segno").value == -1
    rows = {r.id: r for r in compiled.report.sections[0].blocks[0].rows}
    assert rows["interessi_previdenziali"].cells[0].value == "Interessi previdenziali (-)"
    assert rows["interessi_legali"].cells[0].value == "Interessi legali (-)"
    assert rows["incassi_contributivi"].cells[0].value == "Incassi contributivi"
    assert rows["interessi_previdenziali"].cells[1].value == D(300)


def test_the_deck_prints_a_detail_row_in_italics(tmp_path):
    import io

    from pptx import Presentation

    from reportgen.render.deck import render_pptx

    compiled = _compiled(tmp_path)
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    cells = [cell for slide in deck.slides for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for cell in row.cells]
    runs = {c.text: c.text_frame.paragraphs[0].runs[0] for c in cells if c.text}
    assert runs["Formazione"].font.italic is True
    assert runs["Personale"].font.italic is not True


def test_a_filtered_table_keeps_only_the_totals_of_the_rows_it_shows(tmp_path):
    """where on a table block: the subtotal of the group shown stays (before or after its rows),
    the grand total and the other groups' subtotals go (their provenance names rows left out)."""
    report = REPORT.replace("{table: ieep}", "{table: ieep, where: {gruppo: Interessi legali}}").replace(
        "table: spese", "table: ieep, where: {gruppo: Interessi legali}")
    compiled = compile_project(write_project(tmp_path / "p", report, {"data/ieep.schema.yaml": IEEP_SCHEMA,
                                                                     "data/ieep.csv": IEEP_CSV}))
    rows = [r.id for r in compiled.report.sections[0].blocks[0].rows]
    assert rows == ["interessi_legali", "interessi_previdenziali", "di_cui_arretrati", "interessi_assistenziali"]
