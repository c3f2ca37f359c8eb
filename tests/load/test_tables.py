"""Loading tables: dialects accepted, and every problem reported with file, row, column."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from reportgen.errors import InputErrors
from reportgen.load import load_project
from tests.conftest import MINI_REPORT, MINI_SCHEMA, write_project


def _errors(root) -> list[str]:
    with pytest.raises(InputErrors) as info:
        load_project(root)
    return [str(e) for e in info.value.errors]


def test_mini_project_loads(mini_project):
    loaded = load_project(mini_project)
    rows = loaded.tables["kpi"].rows
    assert [r.id for r in rows] == ["deflusso", "costi"]
    assert rows[0].cells["obiettivo"].value == Decimal("1.013")
    assert rows[0].cells["obiettivo"].decimals == 3
    assert rows[1].cells["polarita"] == "lower"


@pytest.mark.parametrize("encoding, sep, bom", [("utf-8", ";", False), ("utf-8", ",", True), ("cp1252", ";", False),
                                               ("utf-8", "\t", False)])
def test_csv_dialects(tmp_path, encoding, sep, bom):
    decimal = "," if sep != "," else "."
    body = (f"id{sep}indicatore{sep}obiettivo{sep}consuntivo\n"
            f"deflusso{sep}Qualità{sep}1{decimal}013{sep}1{decimal}048\n")
    data = body.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    report = MINI_REPORT.replace("      - table: kpi", "      - table: kpi").replace("text/risultati.md", "text/r.md")
    root = write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": data,
                                                  "text/r.md": "x"})
    if sep == ",":
        (root / "report.yaml").write_text((root / "report.yaml").read_text() + "data: {decimal_mark: '.'}\n")
    row = load_project(root).tables["kpi"].rows[0]
    assert row.cells["indicatore"] == "Qualità"
    assert row.cells["consuntivo"].value == Decimal("1.048")


def test_xlsx_with_cached_values_and_percent_format(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "KPI"
    sheet.append(["id", "indicatore", "obiettivo", "consuntivo"])
    sheet.append(["deflusso", "Indice di deflusso", 1.013, 1.048])
    sheet.append([None, None, None, None])  # a stray blank row
    sheet.append(["costi", "Costi", 171.54, 155.54])
    root = write_project(tmp_path / "x", MINI_REPORT.replace("text/risultati.md", "text/r.md"),
                         {"data/kpi.schema.yaml": MINI_SCHEMA + "    sheet: KPI\n", "text/r.md": "x"})
    book.save(root / "data" / "kpi.xlsx")
    table = load_project(root).tables["kpi"]
    assert [r.cells["consuntivo"].value for r in table.rows] == [Decimal("1.048"), Decimal("155.54")]
    assert table.rows[1].number == 4  # the spreadsheet row, blank row included


def test_every_problem_is_reported_with_location(tmp_path):
    csv = (
        "id;indicatore;obiettivo;consuntivo;colore\n"
        "deflusso;Deflusso;uno;1,048;rosso\n"
        "deflusso;Doppio;1;;blu\n"
    )
    root = write_project(tmp_path / "bad", MINI_REPORT, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": csv,
                                                         "text/risultati.md": "x"})
    errors = _errors(root)
    assert errors == [
        "data/kpi.csv, row 1, column 'colore': unexpected column 'colore'; data/kpi.schema.yaml declares: "
        "id, indicatore, polarita, obiettivo, consuntivo",
    ]
    (root / "data" / "kpi.csv").write_text(csv.replace(";colore", "").replace(";rosso", "").replace(";blu", ""))
    errors = _errors(root)
    assert errors == [
        "data/kpi.csv, row 2, column 'obiettivo': 'uno' is not a number; expected a number such as 1.234,56",
        "data/kpi.csv, row 3, column 'consuntivo': is empty; expected a number such as 1.234,56",
        "data/kpi.csv, row 3: duplicate key 'deflusso' (also on row 2)",
    ]


def test_missing_column_and_missing_data_file_and_unknown_table(tmp_path):
    report = MINI_REPORT + "      - id: altro\n        title: Altro\n        blocks: [{table: nessuna}]\n"
    root = write_project(tmp_path / "p", report, {
        "data/kpi.schema.yaml": MINI_SCHEMA,
        "data/kpi.csv": "id;indicatore;obiettivo\ndeflusso;D;1\n",
        "data/orfana.schema.yaml": "title: Orfana\ncolumns: {a: {type: text}}\n",
        "text/risultati.md": "x",
    })
    errors = _errors(root)
    assert "data/kpi.csv, row 1: missing required column 'consuntivo'" in errors
    assert "data/orfana.schema.yaml: no data file: expected data/orfana.csv or data/orfana.xlsx" in errors
    assert "report.yaml: section 'altro': unknown table 'nessuna' (no data/nessuna.schema.yaml)" in errors


def test_schema_problems_name_their_key_path(tmp_path):
    schema = MINI_SCHEMA.replace("type: decimal, required: true}\n    derive",
                                 "type: decimale, required: true}\n    derive").replace("op: scostamento", "op: scarto")
    root = write_project(tmp_path / "p", MINI_REPORT, {"data/kpi.schema.yaml": schema, "data/kpi.csv": "id\n",
                                                       "text/risultati.md": "x"})
    errors = _errors(root)
    assert any("columns.consuntivo.type: unknown type 'decimale'" in e for e in errors)
    assert any("derive[0].op: unknown operation 'scarto'" in e for e in errors)


def test_report_yaml_problems_are_all_reported(tmp_path):
    report = """\
        administration: Comune
        year: duemila
        title: T
        style: {percent_space: forse, colour: blu}
        sections:
          - id: Uno
            title: Uno
          - {title: Senza id}
        """
    root = write_project(tmp_path / "p", report, {})
    errors = _errors(root)
    assert "report.yaml: year: expected a whole number" in errors
    assert "report.yaml: style.percent_space: expected true or false" in errors
    assert "report.yaml: style.colour: unknown key" in errors
    assert "report.yaml: sections[0].id: section ids are lowercase letters, digits, - and _" in errors
    assert "report.yaml: sections[1].id: is required" in errors


def test_yaml_syntax_error_has_a_line(tmp_path):
    root = write_project(tmp_path / "p", "title: [unclosed\nyear: 2024\n", {})
    errors = _errors(root)
    assert errors[0].startswith("report.yaml, line 2: invalid YAML")


def test_narrative_outside_the_project_is_refused(tmp_path):
    report = MINI_REPORT.replace("text/risultati.md", "../segreto.md")
    (tmp_path / "segreto.md").write_text("segreto")
    root = write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA,
                                                  "data/kpi.csv": "id;indicatore;obiettivo;consuntivo\na;A;1;2\n"})
    errors = _errors(root)
    assert "report.yaml: section 'risultati': '../segreto.md' is outside the project folder" in errors


def test_invalid_report_yaml_does_not_cascade(tmp_path):
    root = write_project(tmp_path / "p", "administration: A\nyear: 2024\ntitle: T\nsections:\n  - {title: Senza id}\n", {})
    assert _errors(root) == ["report.yaml: sections[0].id: is required"]


def test_unreadable_report_yaml_is_one_error(tmp_path):
    root = write_project(tmp_path / "p", "title: T\n  year: [\n", {})
    errors = _errors(root)
    assert len(errors) == 1 and errors[0].startswith("report.yaml, line 2: invalid YAML")
