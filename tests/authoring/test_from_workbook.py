"""Init from a workbook (issue 16, part 3): the sample's own workbook gives a project that builds,
whose inferred schemas match the hand-written ones; totals and "di cui" rows are recognised."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from reportgen.api import build, compute_project
from reportgen.authoring import init_from_workbook
from reportgen.authoring.workbook import write_workbook
from reportgen.cli import main
from reportgen.load import load_project
from tests.conftest import SAMPLE_2024


@pytest.fixture(scope="module")
def inferred(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init")
    write_workbook(SAMPLE_2024, folder / "relazione-2024-dati.xlsx")
    lines = init_from_workbook(folder / "progetto", folder / "relazione-2024-dati.xlsx")
    return folder / "progetto", lines


def test_inferred_types_and_units_match_the_hand_written_schemas(inferred):
    project, _ = inferred
    hand, made = load_project(SAMPLE_2024), load_project(project)
    pairs = [(a, b) for table_id, table in hand.tables.items()
             for a, b in zip(table.schema.input_columns, made.schemas[table_id].input_columns, strict=True)]
    matching = sum(a.type == b.type and a.unit == b.unit for a, b in pairs)
    assert (matching, len(pairs)) == (195, 198)  # 98,5 %; the issue asks for at least 90 %
    columns = made.schemas["area_legale"].columns
    assert [(c.name, c.type) for c in columns.values()][2:5] == [
        ("polarita", "polarity"), ("obiettivo_2024", "decimal"), ("consuntivo_2024", "decimal")]
    assert made.schemas["razionalizzazione"].columns["durata_intervento"].unit == "mesi"
    assert made.schemas["lgg"].columns["oge_sp"].choices == ("OGE", "SP")


def test_it_prints_what_it_inferred_and_what_it_could_not(inferred):
    _, lines = inferred
    assert lines[0].endswith("42 tabelle, una sezione ciascuna (anno 2024).")
    assert ("foglio cug_composizione → tabella cug_composizione: 4 righe; colonne: rappresentanza (testo), "
            "donne (intero), uomini (intero)") in lines
    assert "  non riconosciuto: colonna c2024: 2 rimandi ad altre tabelle (@…) lasciati vuoti (C4, C5)" in lines


def test_the_project_made_from_the_workbook_builds(inferred, tmp_path):
    project, _ = inferred
    result = build(project, out=tmp_path, formats="pdf", jobs=1, cache=False)
    assert [p.name for p in result.outputs] == ["progetto.pdf"]
    assert compute_project(project).figure("area_legale.amministrativi.consuntivo_2024").value == Decimal("88.6")


def test_total_and_di_cui_rows_are_recognised(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Personale"
    sheet.append(["Personale al 31/12/2025"])
    sheet.append(["Area", "Unità (n.)", "Spesa (€)", "Quota"])
    rows = [("Dirigenti", 10, 1500000.5, 0.1), ("di cui a tempo determinato", 2, 200000, 0.02),
            ("Funzionari", 90, 4000000.25, 0.9), ("TOTALE", 100, 5500000.75, 1)]
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=3):
        cells[2].number_format, cells[3].number_format = '"€" #,##0.00', "0.00%"
    sheet.append([])
    book.save(tmp_path / "personale.xlsx")
    run = CliRunner().invoke(main, ["init", str(tmp_path / "p"), "--from-workbook", str(tmp_path / "personale.xlsx")])
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines()[1:5] == [
        "foglio Personale → tabella personale: 2 righe; colonne: area (testo), unita (intero, unità n.), "
        "spesa (importo in euro), quota (percentuale)",
        "  chiave: area",
        "  riga «TOTALE»: totale calcolato (somma di unita, spesa), i valori stampati diventano check",
        "  non riconosciuto: riga 4 «di cui a tempo determinato» (di cui): dettaglio, lasciata fuori",
    ]
    result = compute_project(tmp_path / "p")
    assert result.figure("personale.totale.spesa").value == Decimal("5500000.75")
    assert result.figure("personale.funzionari.quota").value == Decimal("0.9")
    assert [c.ok for c in result.checks] == [True, True]
    assert load_project(tmp_path / "p").config.year == 2025  # the year of the title, not the clock's
