"""Roll forward (issue 16, part 1): the 2024 sample rolled to 2025 builds at once, its previous-year
columns hold the 2024 consuntivi, and `check` lists what is still to do."""

from __future__ import annotations

from decimal import Decimal

import pypdfium2
import pytest
from click.testing import CliRunner

from reportgen.api import build, compute_project
from reportgen.authoring import new_project
from reportgen.authoring.rollforward import DRAFT_MARKER, roll_forward
from reportgen.cli import main
from reportgen.content import formatter_for
from reportgen.load import load_project
from reportgen.readiness import check_project
from tests.conftest import SAMPLE_2024


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    target = tmp_path_factory.mktemp("roll") / "relazione-2025"
    roll_forward(SAMPLE_2024, target)
    return target


def test_previous_year_columns_hold_last_years_consuntivi(rolled):
    result = compute_project(rolled)
    previous = result.figure("area_legale.amministrativi.consuntivo_2024")
    assert previous.value == Decimal("88.60")
    assert formatter_for(load_project(rolled).config).figure(previous) == "88,60"
    assert result.figure("area_legale.amministrativi.consuntivo").value is None  # this year's: empty
    assert result.figure("area_legale.amministrativi.obiettivo").value is None
    assert result.figure("personale_area.totale.f_2024").value == Decimal(15148)  # was f_2024, still 2024
    assert result.figure("personale_area.totale.f_2025").value is None


def test_the_year_moves_on_in_titles_labels_and_column_names(rolled):
    loaded = load_project(rolled)
    assert loaded.config.year == 2025 and loaded.config.title == "Relazione sulla Performance 2025"
    columns = loaded.schemas["area_legale"].columns
    assert columns["obiettivo"].label == "Obiettivo 2025"
    assert columns["consuntivo_2024"].label == "Consuntivo 2024"
    assert "consuntivo_2023" not in columns and "variazione_2024" in columns
    assert loaded.schemas["area_legale"].checks == ()  # last year's published figures are gone
    assert loaded.config.approval.act is None  # last year's act is not this year's


def test_a_time_series_keeps_its_history_and_gets_the_new_year(rolled):
    result = compute_project(rolled)
    assert result.figure("personale_trend.r2022.femmine").value == Decimal(13624)
    assert result.figure("personale_trend.r2024.femmine").value == Decimal(15148)
    assert result.figure("personale_trend.r2025.femmine").value is None  # linked to personale_area's 2025


def test_every_narrative_is_kept_as_a_draft_with_its_placeholders(rolled):
    loaded = load_project(rolled)
    ieep = loaded.narratives["text/ieep.md"].text
    assert ieep.startswith(DRAFT_MARKER)
    original = (SAMPLE_2024 / "text" / "ieep.md").read_text(encoding="utf-8")
    assert ieep.endswith(original)
    assert "{{ indagini.indagine_reputazionale.valore_2024 }}" in loaded.narratives[
        "text/indagine-reputazionale.md"].text  # the column renamed with its table


def test_check_lists_empty_cells_and_draft_texts_by_section(rolled):
    report = check_project(rolled)
    sections = dict(report.todo)
    legal = sections["12.1 Produttività area legale"]
    messages = [str(f) for f in legal]
    assert messages[0] == ("text/produttivita-legale.md, line 1: testo in bozza: aggiornarlo e cancellare "
                           "la riga «> **BOZZA**»")
    assert ("data/area_legale.csv, row 2, column 'obiettivo': da compilare: tabella 'Produttività area Legale' "
            "(area_legale), riga 'VALORE OMOG. ATTI EMESSI E CONTENZIOSO SU PERSONALE AREA LE…' "
            "(amministrativi), colonna 'Obiettivo 2025' (obiettivo)") in messages
    assert not any("consuntivo_2024" in m for m in messages)  # filled: nothing to do
    codes = {f.code for found in sections.values() for f in found}
    assert codes == {"draft-text", "empty-cell", "chart-no-data"}
    assert report.exit_code == 1


def test_check_of_a_finished_report_has_no_todo_list():
    assert check_project(SAMPLE_2024).todo == []


def test_the_rolled_project_builds_at_once_and_prints_nd(rolled, tmp_path):
    result = build(rolled, out=tmp_path, formats="pdf", jobs=1, cache=False)
    pdf = pypdfium2.PdfDocument(result.outputs[0])
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    row = text[text.index("AREA LEGALE (AMM.VI)"):][:60]
    assert "n.d. n.d. n.d. 88,60" in row  # obiettivo, consuntivo, scostamento empty; 2024 filled
    assert "BOZZA" in text


def test_new_without_from_writes_a_minimal_project_that_computes(tmp_path):
    lines = new_project(tmp_path / "nuovo", year=2025)
    assert lines[0].startswith(f"Nuovo progetto {tmp_path / 'nuovo'}: 4 file")
    result = compute_project(tmp_path / "nuovo")
    assert result.figure("obiettivi.pratiche_evase.scostamento").value == Decimal("0.05")
    assert "# " in (tmp_path / "nuovo" / "report.yaml").read_text(encoding="utf-8")  # keys explained


def test_new_refuses_a_folder_in_use_with_one_italian_line(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file.txt").write_text("mine", encoding="utf-8")
    run = CliRunner().invoke(main, ["new", str(tmp_path / "x"), "--from", str(SAMPLE_2024)])
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [f"errore: la cartella {tmp_path / 'x'} esiste e non è vuota: "
                                       "indicare una cartella nuova", "1 problema: nessun file è stato modificato."]
    assert (tmp_path / "x" / "file.txt").read_text(encoding="utf-8") == "mine"


def test_rollforward_yaml_decides_where_the_schema_is_ambiguous(tmp_path):
    from tests.conftest import write_project

    source = write_project(tmp_path / "comune-2024", """\
        administration: Comune di Esempio
        year: 2024
        title: Relazione sulla Performance 2024
        sections:
          - id: risultati
            title: Risultati 2024
            blocks:
              - table: kpi
        """, {
        "data/kpi.schema.yaml": """\
            title: Indicatori
            key: id
            columns:
              id: {type: text, required: true}
              obiettivo: {type: decimal, required: true, label: Obiettivo triennale}
              consuntivo: {type: decimal, required: true, label: Consuntivo}
              precedente: {type: decimal, label: Anno precedente}
            """,
        "data/kpi.csv": "id;obiettivo;consuntivo;precedente\ndeflusso;1,013;1,048;0,998\n",
        "rollforward.yaml": "keep: [kpi.obiettivo]\nprevious: {kpi.precedente: consuntivo}\n",
        "assets/logo.png": b"\x89PNG not really",
        "output/comune-2024.pdf": b"%PDF last year's",
    })
    run = CliRunner().invoke(main, ["new", str(tmp_path / "comune-2026"), "--from", str(source), "--year", "2025"])
    assert run.exit_code == 0, run.output
    assert "  kpi: anno precedente da precedente ← consuntivo (2024); svuotate (anno in corso) consuntivo" in \
        run.stdout.splitlines()
    result = compute_project(tmp_path / "comune-2026")
    assert result.figure("kpi.deflusso.obiettivo").value == Decimal("1.013")  # kept
    assert result.figure("kpi.deflusso.precedente").value == Decimal("1.048")  # last year's consuntivo
    assert result.figure("kpi.deflusso.consuntivo").value is None
    assert load_project(tmp_path / "comune-2026").config.section("risultati").title == "Risultati 2025"
    made = sorted(p.relative_to(tmp_path / "comune-2026").as_posix() for p in (tmp_path / "comune-2026").rglob("*.*"))
    assert made == ["assets/logo.png", "data/kpi.csv", "data/kpi.schema.yaml", "report.yaml"]  # no outputs


def test_rollforward_yaml_naming_an_unknown_column_is_one_line_and_nothing_written(sample_copy, tmp_path):
    (sample_copy / "rollforward.yaml").write_text("keep: [ieep.obiettivi]\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["new", str(tmp_path / "x"), "--from", str(sample_copy)])
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == ("errore: rollforward.yaml: keep: 'ieep.obiettivi' non è tabella.colonna "
                                          "di una colonna di dati")
    assert not (tmp_path / "x").exists()


def test_columns_of_later_years_stay_distinct(tmp_path):
    # the 2023 abstract has progetti_2023 (done) and progetti_2024 (planned): both move on, none collide
    from reportgen.content import build_report
    from tests.conftest import SAMPLE_2023

    roll_forward(SAMPLE_2023, tmp_path / "abstract-2024")
    loaded = load_project(tmp_path / "abstract-2024")
    columns = loaded.schemas["pes_direttrici"].columns
    assert [(c.name, c.label) for c in columns.values()][1:] == [
        ("progetti_2024", "Progetti conclusi nel 2024"), ("progetti_2025", "Progetti 2025")]
    result = compute_project(tmp_path / "abstract-2024")
    build_report(loaded, result)  # placeholders still name existing rows and columns
    assert result.figure("pes_progetti_2024.totale_progetti_2024.progetti") is not None  # row ids kept
