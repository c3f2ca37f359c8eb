"""reportgen snapshot on a repeated project: every card's pages, keyed by unit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.snapshot import check, update

pytestmark = pytest.mark.slow  # lays out and rasterizes cards

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "schede-obiettivi-2024"


def test_snapshots_of_every_card_name_the_unit(tmp_path):
    project = Path(shutil.copytree(SAMPLE, tmp_path / "schede"))
    units = project / "data" / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    units.write_text("\n".join(line for line in lines if line.startswith(("id;", "dc_risorse_umane;", "dr_abruzzo;")))
                     + "\n", encoding="utf-8")
    counts = update(project, tmp_path / "snap", dpi=20, formats=("pdf",))
    assert counts["pdf"] > 10
    assert (tmp_path / "snap" / "pdf" / "dr_abruzzo" / "front--1.png").exists()
    assert check(project, tmp_path / "snap").failures == []
    ambiti = project / "data" / "ambiti.csv"
    ambiti.write_text(ambiti.read_text(encoding="utf-8").replace("dr_abruzzo;Valore Sociale;10%",
                                                                 "dr_abruzzo;Valore Sociale;75%"), encoding="utf-8")
    failed = {r.key for r in check(project, tmp_path / "snap").failures}
    assert failed and all(key.startswith("dr_abruzzo/") for key in failed), failed
