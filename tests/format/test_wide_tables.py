"""Wide tables: a two-level header, a table split by column groups with its label column repeated,
a table transposed; in the PDFs, the deck and the export."""

from __future__ import annotations

import io

from pptx import Presentation

from reportgen.export import table_csvs
from reportgen.project import compile_project
from reportgen.render.deck import render_pptx
from reportgen.render.html import render_html
from tests.conftest import write_project

SCHEMA = """\
    title: Produzione per anno
    key: regione
    columns:
      regione: {type: text, required: true, label: Regione}
      ob_2023: {type: integer, label: Obiettivo, group: "2023"}
      co_2023: {type: integer, label: Consuntivo, group: "2023"}
      ob_2024: {type: integer, label: Obiettivo, group: "2024"}
      co_2024: {type: integer, label: Consuntivo, group: "2024"}
"""

CSV = """\
    regione;ob_2023;co_2023;ob_2024;co_2024
    Lazio;100;110;120;130
    Umbria;10;11;12;13
"""


def _compiled(tmp_path, block: str):
    report = f"""\
        administration: Ente
        year: 2024
        title: Relazione
        sections:
          - {{id: s, title: Produzione, blocks: [{block}]}}
    """
    return compile_project(write_project(tmp_path / "p", report, {"data/prod.schema.yaml": SCHEMA,
                                                                 "data/prod.csv": CSV}))


def test_a_two_level_header(tmp_path):
    compiled = _compiled(tmp_path, "{table: prod}")
    block = compiled.report.sections[0].blocks[0]
    assert block.header_groups() == [(None, 1, 0), ("2023", 2, 1), ("2024", 2, 3)]
    html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout="pdf")
    assert '<th scope="colgroup" colspan="2" class="colgroup">2023</th>' in html
    assert '<th scope="col" rowspan="2" class="txt">Regione</th>' in html
    deck = Presentation(io.BytesIO(render_pptx(compiled.report, compiled.formatter, compiled.root)))
    table = next(sh.table for s in deck.slides for sh in s.shapes if sh.has_table)
    assert table.cell(0, 2).text == "2023 – Consuntivo"


def test_a_table_split_by_columns_repeats_its_label_column(tmp_path):
    compiled = _compiled(tmp_path, "{table: prod, split_columns: 3}")
    parts = compiled.report.sections[0].blocks
    assert [[c.name for c in p.columns] for p in parts] == [["regione", "ob_2023", "co_2023"],
                                                          ["regione", "ob_2024", "co_2024"]]
    assert parts[1].title == "Produzione per anno (segue)"
    assert [r.cells[2].value for r in parts[1].rows] == [130, 13]
    assert len(table_csvs(compiled.report)) == 2


def test_a_transposed_table(tmp_path):
    compiled = _compiled(tmp_path, "{table: prod, transpose: true}")
    block = compiled.report.sections[0].blocks[0]
    assert [c.label for c in block.columns] == ["", "Lazio", "Umbria"]
    assert [r.cells[0].value for r in block.rows] == ["Obiettivo", "Consuntivo", "Obiettivo", "Consuntivo"]
    assert [r.cells[1].value for r in block.rows] == [100, 110, 120, 130]
    html, _ = render_html(compiled.report, compiled.formatter, compiled.root, layout="pdf")
    assert ">Lazio</th>" in html
