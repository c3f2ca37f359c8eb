"""Every row of a per-unit table belongs to a unit of the units table: a row naming another
unit (misspelt, removed) or none would be in no card, so it is an input error at its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.batch import build_batch
from reportgen.errors import InputErrors
from reportgen.messages import localize

from .test_batch import cli, edit_row

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "schede-obiettivi-2024"


@pytest.fixture
def project(tmp_path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "schede"))


def test_a_row_of_an_unknown_unit_is_an_input_error_naming_file_row_and_column(project, tmp_path):
    misspelt = edit_row(project / "data" / "kpi.csv", "dr_abruzzo;", 0, "dr_abruzo")
    empty = edit_row(project / "data" / "ambiti.csv", "dr_molise;", 0, "")
    with pytest.raises(InputErrors) as caught:
        build_batch(project, tmp_path / "out", "pdf", only="dc_risorse_umane", jobs=1)
    lines = [str(e) for e in caught.value.errors]
    assert lines == [
        f"data/ambiti.csv, row {empty}, column 'unit': no unit: each row belongs to one unit of table 'units'",
        f"data/kpi.csv, row {misspelt}, column 'unit': unit 'dr_abruzo' is not in table 'units': "
        "this row would be in no card",
    ]
    assert localize(lines[1]) == (f"data/kpi.csv, riga {misspelt}, colonna 'unit': l'unità 'dr_abruzo' non è "
                                  "nella tabella 'units': questa riga non sarebbe in nessuna scheda")
    assert not (tmp_path / "out" / "schede-obiettivi-2024").exists()  # nothing built


def test_the_cli_refuses_the_project_with_exit_2(project, tmp_path):
    row = edit_row(project / "data" / "sottoambiti.csv", "dr_abruzzo;", 0, "dr_nessuna")
    done = cli(str(project), "--out", str(tmp_path / "out"), "--only", "dr_abruzzo", "--format", "pdf",
               "--jobs", "1")
    assert done.returncode == 2, done.stderr
    assert (f"data/sottoambiti.csv, row {row}, column 'unit': unit 'dr_nessuna' is not in table 'units'"
            in done.stderr)


def test_the_data_files_are_read_once_for_every_card_and_again_when_changed(project, monkeypatch):
    from reportgen.batch import view

    read = []
    real = view.read_table_file
    monkeypatch.setattr(view, "read_table_file", lambda path, *args: read.append(path.name) or real(path, *args))
    monkeypatch.setattr(view, "_READ", {})
    view.unit_view(project, "dr_abruzzo")
    files = sorted(p.name for p in (project / "data").glob("*.csv"))
    assert sorted(read) == files
    read.clear()
    molise = view.unit_view(project, "dr_molise")
    assert read == [] and molise.unit["nome"] == "Direzione regionale Molise"
    edit_row(project / "data" / "ambiti.csv", "dr_abruzzo;", 2, "11%")
    abruzzo = view.unit_view(project, "dr_abruzzo")
    assert read == ["ambiti.csv"]
    contributions = [r.cells["contributo"] for r in abruzzo.loaded.tables["ambiti"].rows]
    assert [str(c.value) for c in contributions] == ["0.11", "0.3", "0.25", "0.15", "0.2"]
