"""Spreadsheets as planning offices export them: merged and multi-row headers, hidden rows,
formulas, totals typed in the middle, size limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from reportgen.api import build
from reportgen.engine import compute
from reportgen.errors import InputErrors
from reportgen.load import load_project
from tests.conftest import write_project

REPORT = """\
    administration: Comune di Esempio
    year: 2024
    title: Relazione
    sections:
      - {id: s, title: Personale, blocks: [{table: personale}]}
"""

SCHEMA = """\
    title: Personale per area
    key: area
    header_rows: 2
    columns:
      area: {type: text, required: true, header: Area}
      f_2023: {type: integer, required: true, header: "AL 31/12/2023 Femmine"}
      m_2023: {type: integer, required: true, header: "AL 31/12/2023 Maschi"}
      f_2024: {type: integer, required: true, header: "AL 31/12/2024 Femmine"}
      m_2024: {type: integer, required: true, header: "AL 31/12/2024 Maschi"}
    derive:
      - {op: total, columns: {f_2023: sum, m_2023: sum, f_2024: sum, m_2024: sum}}
"""


def _workbook(rows, merges=(), hidden=(), formulas=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "Personale"
    book.create_sheet("Note").append(["un altro foglio"])
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    for ref, formula in formulas:
        sheet[ref] = formula
    return book


def _project(tmp_path, book=None, csv=None, schema=SCHEMA):
    files = {"data/personale.schema.yaml": schema}
    if csv is not None:
        files["data/personale.csv"] = csv
    root = write_project(tmp_path / "p", REPORT, files)
    if book is not None:
        book.save(root / "data" / "personale.xlsx")
    return root


HEADER = [["Area", "AL 31/12/2023", None, "AL 31/12/2024", None],
          [None, "Femmine", "Maschi", "Femmine", "Maschi"]]


def test_xlsx_with_merged_two_row_header_hidden_rows_and_other_sheets(tmp_path):
    rows = HEADER + [["Dirigenti", 157, 224, 155, 213], ["Nota interna", 1, 1, 1, 1],
                     ["Medici e Professionisti", 511, 414, 533, 412]]
    book = _workbook(rows, merges=["B1:C1", "D1:E1", "A1:A2"], hidden=[4])
    root = _project(tmp_path, book)
    loaded = load_project(root)
    assert [r.id for r in loaded.tables["personale"].rows] == ["dirigenti", "medici_e_professionisti"]
    assert loaded.notes == ["data/personale.xlsx, sheet 'Personale': 1 hidden row(s) left out"]
    total = compute(loaded).tables["personale"].figure("totale", "m_2024")
    assert total.value == Decimal(625)


def test_csv_with_a_title_over_two_columns(tmp_path):
    csv = ("Area;AL 31/12/2023;;AL 31/12/2024;\n"
           ";Femmine;Maschi;Femmine;Maschi\n"
           "Dirigenti;157;224;155;213\n")
    assert load_project(_project(tmp_path, csv=csv)).tables["personale"].rows[0].cells["m_2023"].value == 224


def test_formula_without_saved_result_is_explained(tmp_path):
    rows = HEADER + [["Dirigenti", 157, 224, 155, 213], ["Medici", 511, 414, 533, None]]
    book = _workbook(rows, formulas=[("E4", "=D4-121")])  # openpyxl saves formulas without results
    with pytest.raises(InputErrors) as info:
        load_project(_project(tmp_path, book))
    assert [str(e) for e in info.value] == [
        "data/personale.xlsx, sheet 'Personale', row 4, column 'm_2024': holds a formula whose result was not "
        "saved: open the file in Excel or LibreOffice Calc and save it again"]


def test_a_total_typed_in_the_middle_is_refused(tmp_path):
    csv = ("Area;AL 31/12/2023;;AL 31/12/2024;\n;Femmine;Maschi;Femmine;Maschi\n"
           "Dirigenti;157;224;155;213\nMedici;511;414;533;412\nTotale parziale;668;638;688;625\n"
           "Insegnanti;18;9;21;11\n")
    with pytest.raises(InputErrors) as info:
        compute(load_project(_project(tmp_path, csv=csv)))
    assert [str(e) for e in info.value] == [
        "data/personale.csv, row 5, column 'area': 'Totale parziale' looks like a total typed into the data: "
        "its figures are the sum of the above it rows. Totals are computed: remove this row"]


def test_a_row_named_totale_with_its_own_figures_is_data(tmp_path):
    csv = ("Area;AL 31/12/2023;;AL 31/12/2024;\n;Femmine;Maschi;Femmine;Maschi\n"
           "Dirigenti;157;224;155;213\nTotale medici e professionisti;511;414;533;412\n")
    table = compute(load_project(_project(tmp_path, csv=csv))).tables["personale"]
    assert table.figure("totale", "f_2023").value == Decimal(668)


@pytest.mark.parametrize("content, message", [
    ("", "is empty: expected a header row and data rows"),
    ("Area;AL 31/12/2023;;AL 31/12/2024;\n", "has fewer than the 2 header rows its schema declares"),
    ("Area;AL 31/12/2023;;AL 31/12/2024;\n;Femmine;Maschi;Femmine;Maschi\n", "has a header but no data rows"),
])
def test_empty_and_header_only_files(tmp_path, content, message):
    with pytest.raises(InputErrors) as info:
        load_project(_project(tmp_path, csv=content))
    assert [str(e) for e in info.value] == [f"data/personale.csv: {message}"]


def test_size_limits(tmp_path, monkeypatch):
    from reportgen.load import readers, tables

    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    csv = "Area;A;;B;\n;Femmine;Maschi;Femmine;Maschi\n" + "".join(f"r{i};1;1;1;1\n" for i in range(3))
    with pytest.raises(InputErrors, match="has 3 rows; the limit is 2"):
        load_project(_project(tmp_path, csv=csv))
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 10)
    with pytest.raises(InputErrors, match="is larger than 0 MB"):
        load_project(_project(tmp_path / "again", csv=csv))


@pytest.mark.parametrize("cell, value", [
    ("1.234.567,89", "1234567.89"), ("1234567.89", "1234567.89"), ("9,56%", "9.56"), ("€ 1.234", "1234"),
    ("(1.234)", "-1234"), ("-", None),
])
def test_number_dialects_in_a_real_file(tmp_path, cell, value):
    schema = "title: T\nkey: voce\ncolumns: {voce: {type: text}, importo: {type: decimal}}\n"
    if "%" in cell:
        schema = schema.replace("{type: decimal}", "{type: percent}")
    root = write_project(tmp_path / "n", REPORT.replace("personale", "t").replace("Personale", "T"),
                         {"data/t.schema.yaml": schema, "data/t.csv": f"voce;importo\nx;{cell}\n"})
    parsed = load_project(root).tables["t"].rows[0].cells["importo"]
    if value is None:
        assert parsed is None
    elif "%" in cell:
        assert parsed.value * 100 == Decimal(value)
    else:
        assert parsed.value == Decimal(value)


@pytest.mark.slow
def test_inputs_are_never_modified(sample_copy, tmp_path):
    before = {p: p.read_bytes() for p in sample_copy.rglob("*") if p.is_file()}
    build(sample_copy, out=tmp_path / "out", formats="pptx")
    assert {p: p.read_bytes() for p in sample_copy.rglob("*") if p.is_file()} == before
