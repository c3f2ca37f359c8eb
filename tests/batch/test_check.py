"""``reportgen check`` on a repeated project: every card checked with its own rows, each
finding naming its unit; a unit's invalid rows are that unit's findings, not a failed check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.batch.check import check_units
from reportgen.messages import localize

from .test_batch import edit_row

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "schede-obiettivi-2024"

pytestmark = pytest.mark.slow  # computes the 499 units of the sample


def test_the_sample_has_no_finding_card_by_card():
    report = check_units(SAMPLE)
    assert report.findings == [] and report.todo == []


def test_findings_name_their_unit_and_a_unit_with_bad_rows_does_not_stop_the_others(tmp_path):
    project = Path(shutil.copytree(SAMPLE, tmp_path / "schede"))
    bad = edit_row(project / "data" / "ambiti.csv", "dr_abruzzo;", 2, "molto")
    # the DC's first I.E.E.P. row, 1 € more: the card's totals no longer match the published ones
    edit_row(project / "data" / "ieep.csv", "dc_risorse_umane;Accertato;Entrate Contributive - Accertamenti;"
             "Accertamenti contribuiti in fase di Gestione Flussi", 7, "526.111.451")
    done = subprocess.run([sys.executable, "-m", "reportgen", "check", str(project)], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert done.returncode == 1, done.stderr
    lines = (done.stdout + done.stderr).splitlines()
    abruzzo = [line for line in lines if "unit 'dr_abruzzo'" in line]
    assert len(abruzzo) == 1 and abruzzo[0].startswith(f"data/ambiti.csv, row {bad}, column 'contributo': "
                                                        "unit 'dr_abruzzo': ")
    dc = [line for line in lines if "unit 'dc_risorse_umane'" in line]
    total = [line for line in dc if "row 'obiettivi_2024'" in line]
    assert len(total) == 1 and total[0].startswith("data/ieep.schema.yaml: unit 'dc_risorse_umane': checks: check "
                                                   "value of table 'ieep', row 'obiettivi_2024', column 'obiettivo': "
                                                   "published 12.180.409.266 €"), dc
    assert total[0].endswith("12.180.409.267")
    assert all("unit '" in line for line in lines if line.startswith("data/"))
    assert "unità 'dc_risorse_umane': checks: valore di controllo della tabella 'ieep'" in localize(total[0])
