"""A project written for an earlier version of the format still builds, with the same figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportgen.project import compile_project

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "format-v1" / "relazione-2024"


def test_the_2024_sample_as_first_written_still_compiles_with_its_published_figures():
    compiled = compile_project(FIXTURE)
    assert len(compiled.result.checks) >= 300
    assert not compiled.result.failed_checks
    assert compiled.result.figure("ieep.ieep_accertato.consuntivo").value == Decimal("6418930625.60")
    assert sum(1 for _ in compiled.report.walk()) == 68
