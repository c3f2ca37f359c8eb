"""repeat: in report.yaml, and the command line around it: mistakes are one clear line each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.batch import build_batch, is_repeated
from reportgen.errors import InputError, InputErrors
from reportgen.load.config import Repeat, load_project_config
from tests.conftest import MINI_REPORT, write_project

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "schede-obiettivi-2024"


def project_with(tmp_path: Path, repeat: str) -> Path:
    return write_project(tmp_path / "p", MINI_REPORT + "    " + repeat, {
        "text/risultati.md": "Testo.\n",
        "data/kpi.schema.yaml": "title: KPI\nkey: voce\ncolumns:\n  voce: {type: text}\n  valore: {type: decimal}\n",
        "data/kpi.csv": "voce;valore\nA;1\n",
    })


def test_the_sample_repeats_over_its_units():
    assert load_project_config(SAMPLE).repeat == Repeat("units", "id", "nome", "unit", (("sintetico", "si"),),
                                                        "Dati sintetici: scheda generata da generate_units.py, "
                                                        "non pubblicata")
    assert is_repeated(SAMPLE) and not is_repeated(ROOT / "sample_data" / "relazione-2024")


def test_defaults_and_mistakes(tmp_path):
    config = load_project_config(project_with(tmp_path / "a", "repeat: {table: unita}\n"))
    assert config.repeat == Repeat("unita")
    with pytest.raises(InputErrors) as caught:
        load_project_config(project_with(tmp_path / "b", "repeat: {tabella: unita, banner_when: {a: b}}\n"))
    messages = [str(e) for e in caught.value.errors]
    assert "report.yaml: repeat.tabella: unknown key" in messages
    assert "report.yaml: repeat.banner: banner_when needs the banner to print" in messages
    assert "report.yaml: repeat.table: is required" in messages


def test_an_unknown_units_table_or_unit(tmp_path):
    project = project_with(tmp_path, "repeat: {table: unita}\n")
    with pytest.raises(InputError, match="repeat.table: unknown table 'unita'"):
        build_batch(project, tmp_path / "out")
    with pytest.raises(InputError, match="--only: no unit nessuna in table 'units'"):
        build_batch(SAMPLE, tmp_path / "out", only="dc_risorse_umane,nessuna")


def test_the_command_line_refuses_what_a_repeated_project_cannot_do(tmp_path):
    def build(*args):
        return subprocess.run([sys.executable, "-m", "reportgen", "build", *args, "--out", str(tmp_path)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    done = build(str(SAMPLE), "--section", "ieep")
    assert done.returncode == 2 and "--section: a project with repeat: is built unit by unit" in done.stderr
    done = build(str(ROOT / "sample_data" / "abstract-2023"), "--only", "x")
    assert done.returncode == 2 and "--only and --cluster are for a project with repeat:" in done.stderr
    done = build(str(SAMPLE), "--only", "nessuna")
    assert done.returncode == 2 and "error: --only: no unit nessuna" in done.stderr
    assert not any(tmp_path.iterdir())


def test_the_api_build_of_one_report_refuses_a_repeated_project(tmp_path):
    from reportgen.api import build

    with pytest.raises(InputError, match=r"repeats per unit \(repeat:\): build it with reportgen.batch.build_batch"):
        build(SAMPLE, tmp_path)
    assert not any(tmp_path.iterdir())
