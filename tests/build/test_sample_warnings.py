"""The samples build without a warning, but for the check values they declare on purpose."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reportgen.api import compute_project
from tests.conftest import ROOT, SAMPLE_2023, SAMPLE_2024

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=[SAMPLE_2024, SAMPLE_2023], ids=lambda p: p.name)
def built(request, tmp_path_factory):
    """The CLI's build of a sample, every Python warning shown, the workers' too (forked with these filters)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"}
    out = tmp_path_factory.mktemp("warnings")
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", str(request.param), "--out", str(out),
                           "--no-cache", "--jobs", "2", "--quiet"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr
    differing = [f"warning: {check}" for check in compute_project(request.param).checks if not check.ok]
    return request.param, done, differing


def test_a_sample_reports_no_warning_but_its_differing_check_values(built):
    project, done, differing = built
    reported = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    assert reported == differing
    # the abstract declares one published figure that differs from the computed one, the report none
    assert len(differing) == (1 if project == SAMPLE_2023 else 0)
    assert len(done.stdout.splitlines()) == 3  # the paths written: the A4 PDF, the slide PDF, the deck


def test_a_sample_build_raises_no_python_warning(built):
    # not even those Python hides by default (an unclosed font file was one)
    _, done, differing = built
    assert done.stderr.splitlines() == differing
