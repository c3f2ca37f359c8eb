"""The samples build without a warning, but for the check values they declare on purpose."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reportgen.api import compute_project
from tests.conftest import ROOT, SAMPLE_2023, SAMPLE_2024

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("project", [SAMPLE_2024, SAMPLE_2023], ids=lambda p: p.name)
def test_a_sample_builds_without_warnings_but_its_differing_check_values(project, tmp_path):
    # every Python warning shown, in the workers too (they are forked with these filters)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"}
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", str(project), "--out", str(tmp_path),
                           "--no-cache", "--jobs", "2", "--quiet"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    differing = [check for check in compute_project(project).checks if not check.ok]
    assert done.stderr.splitlines() == [f"warning: {check}" for check in differing]
    # the abstract declares one published figure that differs from the computed one, the report none
    assert len(differing) == (1 if project == SAMPLE_2023 else 0)
    assert len(done.stdout.splitlines()) == 3  # the paths written: PDF, deck, and nothing else
