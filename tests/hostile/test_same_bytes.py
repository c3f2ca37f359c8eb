"""Issue 20, items 15 and 16: the same project gives the same bytes from two copies of reportgen
installed at different paths, built at different times, with HarfBuzz or fontTools subsetting
the fonts."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_2024
from tests.hostile.conftest import ROOT, Hostile

OUTPUTS = "pdf,slides,pptx"


def _install(target: Path) -> Path:
    for name in ("reportgen", "templates", "assets"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _build(hostile: Hostile, package: Path, out: Path, fonttools: bool = False) -> dict[str, bytes]:
    hostile.out = out
    run = hostile.build("--no-cache", formats=OUTPUTS, package=package, timeout=240,
                        env={"RG_FONTTOOLS": "1"} if fonttools else None)
    hostile.assert_safe(run, ok=True, package=package)
    # the subsetter each build used: fontTools when asked, HarfBuzz otherwise (scripts/system-deps.sh
    # installs libharfbuzz-subset0), so that the comparison is between the two
    assert ("Using fontTools instead of HarfBuzz-Subset" in run.stderr) == fonttools, run.stderr[-2000:]
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def _same_bytes_from_two_installs(hostile: Hostile, tmp_path: Path) -> None:
    first = _install(tmp_path / "a" / "reportgen-install")
    second = _install(tmp_path / "elsewhere" / "b" / "other-name")
    reference = _build(hostile, first, tmp_path / "out-a")
    assert len([name for name in reference if not name.endswith(".json")]) == 3
    time.sleep(1.1)  # another second on the clock: fontTools dates the subsets it writes
    assert _build(hostile, second, tmp_path / "out-b", fonttools=True) == reference
    assert _build(hostile, second, tmp_path / "out-c") == reference


def test_mini_project_same_bytes_from_two_installs_and_either_subsetter(hostile, tmp_path):
    hostile.make()
    _same_bytes_from_two_installs(hostile, tmp_path)


@pytest.mark.slow
def test_sample_same_bytes_from_two_installs_and_either_subsetter(hostile, tmp_path):
    shutil.copytree(SAMPLE_2024, hostile.project)
    _same_bytes_from_two_installs(hostile, tmp_path)
