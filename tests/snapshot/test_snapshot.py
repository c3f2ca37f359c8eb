"""Snapshot testing: strict on a real change, calm about nothing, pages matched by section."""

from __future__ import annotations

import shutil

import pypdfium2 as pdfium
import pytest
import yaml

from reportgen.api import build
from reportgen.errors import InputError
from reportgen.snapshot import check, update
from reportgen.snapshot.pages import rasterize
from tests.conftest import SAMPLE_2024

pytestmark = pytest.mark.slow  # rasterises the pages of full builds

SECTION = "allegato-2-territoriali"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sample and a snapshot of one section, made once for the module; plus the pages of
    that section that show the RSU of Asti."""
    base = tmp_path_factory.mktemp("reference")
    project = base / "project"
    shutil.copytree(SAMPLE_2024, project)
    snapdir = base / "snaps"
    counts = update(project, snapdir, dpi=40, formats=("pdf",), section=SECTION)
    assert counts["pdf"] >= 4
    pdf = build(project, out=base / "look", formats="pdf", section=SECTION).outputs[0]
    document = pdfium.PdfDocument(str(pdf))
    shown = [i for i, page in enumerate(document) if "RSU ASTI" in page.get_textpage().get_text_bounded()]
    document.close()
    keys = [p.key for p in rasterize(pdf, 20, {})]
    return project, snapdir, [keys[i].replace(keys[i].split("#")[0], SECTION, 1) for i in shown]


@pytest.fixture
def snapshotted(reference, tmp_path):
    """A private copy of the reference project and snapshots, for a test to change."""
    project, snapdir, _ = reference
    shutil.copytree(project, tmp_path / "project")
    shutil.copytree(snapdir, tmp_path / "snaps")
    return tmp_path / "project", tmp_path / "snaps"


def _change_asti(project):
    csv = project / "data" / "progetti_locali_rsu.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("RSU ASTI;131,63", "RSU ASTI;131,64"), encoding="utf-8")


def _failures(report):
    return sorted((r.key, r.status) for r in report.failures)


def test_nothing_changed_everything_matches(snapshotted):
    project, snapdir = snapshotted
    report = check(project, snapdir)
    assert report.exit_code == 0
    assert all(r.status == "match" and r.match == 100.0 for r in report.results)


def test_a_one_figure_change_fails_exactly_the_page_that_shows_it(reference, snapshotted):
    project, snapdir = snapshotted
    _change_asti(project)
    report = check(project, snapdir)
    assert report.exit_code == 1
    assert _failures(report) == [(key, "changed") for key in reference[2]]
    failure = report.failures[0]
    assert 99.9 < failure.match < 100.0 and failure.diff_png.startswith(b"\x89PNG")


def test_a_masked_area_is_ignored(snapshotted):
    project, snapdir = snapshotted
    _change_asti(project)
    # the results column of the table (x from 480 pt), on every page of the section
    (snapdir / "snapshot.yaml").write_text(yaml.safe_dump({"sections": {SECTION: {"masks": [[480, 0, 115, 842]]}}}))
    assert check(project, snapdir).exit_code == 0
    (snapdir / "snapshot.yaml").write_text(yaml.safe_dump({"sections": {SECTION: {"tolerance": 0.5}}}))
    assert check(project, snapdir).exit_code == 0  # or a tolerance that covers a digit


def test_an_inserted_section_is_new_pages_not_a_cascade(sample_copy, tmp_path):
    snapdir = tmp_path / "snaps"
    update(sample_copy, snapdir, dpi=40, formats=("pdf",), section="allegato-2")
    report_yaml = sample_copy / "report.yaml"
    text = report_yaml.read_text(encoding="utf-8")
    anchor = "            group_by: direzione\n"
    assert text.count(anchor) == 1
    report_yaml.write_text(text.replace(anchor, anchor + (
        "      - id: allegato-2-nota\n        title: Nota metodologica\n")), encoding="utf-8")
    (sample_copy / "text" / "allegato-2-nota.md").write_text("I risultati sono espressi in punti.\n" * 40,
                                                             encoding="utf-8")
    report = check(sample_copy, snapdir)
    assert report.exit_code == 1
    assert not [r for r in report.results if r.status == "changed"]  # no cascade of mismatches
    assert {r.section for r in report.results if r.status == "new"} == {"allegato-2-nota"}
    # the page where the new section begins also ends the previous one: it is keyed to the new
    # section now, so the old key of that one page is reported removed; every other page matches
    removed = [r.key for r in report.results if r.status == "removed"]
    kept = [int(r.key.split("#")[1]) for r in report.results
            if r.section == "allegato-2-centrali" and r.status == "match"]
    assert removed in ([], [f"allegato-2-centrali#{max(kept) + 1}"])
    matched = [r.key for r in report.results if r.status == "match"]
    assert len(matched) >= 8


def test_check_without_snapshots_is_an_input_error(sample_copy, tmp_path):
    with pytest.raises(InputError, match="run 'reportgen snapshot update' first"):
        check(sample_copy, tmp_path / "none")
