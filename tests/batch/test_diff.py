"""reportgen diff on a repeated project names the unit in every change."""

from __future__ import annotations

import shutil
from pathlib import Path

from reportgen.diff import diff_projects
from reportgen.diff.output import summary_lines

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "schede-obiettivi-2024"


def test_a_changed_unit_row_is_named_by_its_unit(tmp_path):
    old, new = (Path(shutil.copytree(SAMPLE, tmp_path / side)) for side in ("old", "new"))
    ambiti = new / "data" / "ambiti.csv"
    text = ambiti.read_text(encoding="utf-8")
    ambiti.write_text(text.replace("dr_abruzzo;Valore Sociale;10%", "dr_abruzzo;Valore Sociale;15%"), encoding="utf-8")
    units = new / "data" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace(
        "dr_basilicata;Direzione regionale Basilicata", "dr_basilicata;Direzione regionale della Basilicata"),
        encoding="utf-8")
    report = diff_projects(old, new, pages=False)
    where = [change.where for change in report.figures]
    assert where[0] == ("Direzione regionale Abruzzo › 1 Obiettivi di performance organizzativa per l'anno 2024 › "
                        "Ambiti di performance e contributo al Valore Pubblico › Valore Sociale › "
                        "Contributo al Valore Pubblico")
    assert (report.figures[0].old, report.figures[0].new) == ("10%", "15%")
    assert all(w.startswith(("Direzione regionale Abruzzo › ", "Direzione regionale della Basilicata › "))
               for w in where)
    assert any(w.startswith("Direzione regionale della Basilicata › ") and "Struttura" in w for w in where)
    assert not report.rows and not report.narrative and not report.pages_compared
    assert summary_lines(report)[0].startswith("Figures: ")


def test_no_change_is_no_difference(tmp_path):
    report = diff_projects(SAMPLE, Path(shutil.copytree(SAMPLE, tmp_path / "copy")), pages=False)
    assert report.empty
