"""Workbooks (issue 16, part 2): written by `reportgen workbook`, edited with openpyxl as an office
user would, read back by `reportgen collect`: the new value reaches the PDF; a bad cell is one
message naming workbook, sheet and cell, and nothing changes."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pypdfium2
from click.testing import CliRunner

from reportgen.api import build, compute_project
from reportgen.cli import main


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _data(project):
    return {p.name: p.read_bytes() for p in sorted((project / "data").iterdir())}


def test_the_workbook_has_a_sheet_per_input_table_with_labels_units_values_and_lists(sample_copy, tmp_path):
    book = tmp_path / "dati.xlsx"
    run = _run("workbook", sample_copy, "--out", book, "--due", "31 marzo 2025")
    assert run.exit_code == 0, run.output
    assert run.stdout == f"{book}: 42 fogli da compilare, 9 celle vuote (in giallo).\n"
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames[0] == "Istruzioni"
    assert "Restituire il file compilato entro: 31 marzo 2025" in [c.value for c in workbook["Istruzioni"]["A"]]
    sheet = workbook["area_legale"]
    assert [c.value for c in sheet[2]] == ["Id", "Produttività area Legale", "Polarità", "Obiettivo 2024",
                                           "Consuntivo 2024", "Consuntivo 2023", "Motivazione dello scostamento"]
    assert sheet.row_dimensions[3].hidden  # the column names collect reads
    assert (sheet["E4"].value, sheet["E4"].number_format) == (88.6, "#,##0.00")
    assert "scostamento" not in [c.value for c in sheet[3]]  # computed: left out
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"C4:C5": '"higher,lower"'}
    ieep = workbook["ieep"]
    euro = next(c for c in ieep[4] if c.number_format.startswith('"€"'))
    assert euro.number_format == '"€" #,##0.00'
    lgg = workbook["lgg"]
    attuazione = [c.value for c in lgg[3]].index("attuazione") + 1
    assert (lgg.cell(4, attuazione).value, lgg.cell(4, attuazione).number_format) == (0.9034, "0.00%")


def test_owner_gives_a_directorate_only_its_tables(sample_copy, tmp_path):
    schema = sample_copy / "data" / "area_legale.schema.yaml"
    schema.write_text(schema.read_text(encoding="utf-8") + "owner: Direzione legale\n", encoding="utf-8")
    run = _run("workbook", sample_copy, "--owner", "direzione legale", "--out", tmp_path / "legale.xlsx")
    assert run.exit_code == 0, run.output
    assert openpyxl.load_workbook(tmp_path / "legale.xlsx").sheetnames == ["Istruzioni", "area_legale"]
    run = _run("workbook", sample_copy, "--owner", "Nessuno", "--out", tmp_path / "x.xlsx")
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == "errore: nessuna tabella ha owner: Nessuno; owner dichiarati: Direzione legale"
    assert not (tmp_path / "x.xlsx").exists()


def test_a_text_in_a_numeric_cell_is_one_message_and_nothing_changes(sample_copy, tmp_path):
    book = tmp_path / "ieep.xlsx"
    assert _run("workbook", sample_copy, "--out", book).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    workbook["area_legale"]["E4"] = 90.12  # a value changed …
    workbook["ieep"]["F7"] = "n.d."  # … and a text typed into a numeric cell
    workbook.save(book)
    before = _data(sample_copy)
    run = _run("collect", sample_copy, book)
    assert run.exit_code == 2
    assert run.stderr.splitlines() == ['errore: ieep.xlsx, foglio ieep, cella F7: "n.d." non è un numero',
                                       "1 problema: nessun file è stato modificato."]
    assert _data(sample_copy) == before


def test_a_changed_value_reaches_the_pdf_and_the_summary_names_it(sample_copy, tmp_path):
    book = tmp_path / "dati.xlsx"
    assert _run("workbook", sample_copy, "--out", book).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    workbook["area_legale"]["E4"] = 90.12
    workbook.save(book)
    before = _data(sample_copy)
    run = _run("collect", sample_copy, book)
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert lines[:2] == ["Aggiornati 1 file: data/area_legale.csv",
                         "Cifre: 1 dati cambiati, 2 cifre calcolate cambiate di conseguenza"]
    assert lines[2].endswith("(AMM.VI) › Consuntivo 2024: 88,60 → 90,12")
    after = _data(sample_copy)
    assert [name for name in before if before[name] != after[name]] == ["area_legale.csv"]
    assert compute_project(sample_copy).figure("area_legale.amministrativi.consuntivo").value == Decimal("90.12")
    result = build(sample_copy, out=tmp_path / "out", formats="pdf", section="produttivita-legale", jobs=1,
                   cache=False)
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(result.outputs[0]))
    assert "90,12" in text and "88,60" not in text


def test_collecting_an_unchanged_workbook_changes_nothing(sample_copy, tmp_path):
    book = tmp_path / "dati.xlsx"
    assert _run("workbook", sample_copy, "--out", book).exit_code == 0
    before = _data(sample_copy)
    run = _run("collect", sample_copy, book)
    assert (run.exit_code, run.stdout) == (0, "Nessuna cifra cambiata: i dati del progetto sono già questi.\n")
    assert _data(sample_copy) == before


def test_the_same_project_gives_the_same_workbook_bytes(sample_copy, tmp_path):
    import time

    from reportgen.authoring.workbook import write_workbook

    write_workbook(sample_copy, tmp_path / "a.xlsx")
    time.sleep(2.1)  # zip entries keep the time in 2-second steps: later enough that the clock would show
    write_workbook(sample_copy, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").properties.created.year == 2025  # year + 1, not the clock
