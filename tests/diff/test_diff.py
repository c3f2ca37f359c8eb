"""The reviewers' diff: exactly what changed, layer by layer, named by the report's structure."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from reportgen.api import compute_project
from reportgen.cli import main
from reportgen.diff import diff_projects, diff_revisions
from tests.conftest import SAMPLE_2024


@pytest.fixture
def drafts(tmp_path):
    old, new = tmp_path / "bozza-1", tmp_path / "bozza-2"
    shutil.copytree(SAMPLE_2024, old)
    shutil.copytree(SAMPLE_2024, new)
    return old, new


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.slow
def test_identical_drafts_give_exit_zero_and_an_empty_report(drafts, tmp_path):
    old, new = drafts
    out = tmp_path / "diff.json"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--section", "ieep", "--json", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No differences")
    data = json.loads(out.read_text())
    assert data["changed"] is False and data["figures"] == data["narrative"] == data["config"] == []
    assert data["pages"] and {p["status"] for p in data["pages"]} == {"match"}


def test_one_input_figure_reports_it_and_exactly_the_figures_derived_from_it(drafts):
    old, new = drafts
    _edit(new / "data" / "ieep.csv", "89.348.630,21", "89.400.000,00")
    report = diff_projects(old, new, pages=False)
    changed_input = "ieep.incassi_da_vigilanza_ispettiva.consuntivo"
    assert [(c.id, c.kind) for c in report.figures if c.kind == "input"] == [(changed_input, "input")]
    input_change = report.figures[0]
    assert (input_change.old, input_change.new, input_change.difference) == (
        "€\u00a089.348.630,21", "€\u00a089.400.000,00", "+51.369,79")
    assert input_change.place == ("11.9 Indicatore di Efficacia Economico-Finanziaria della Produzione",
                                  "Indicatore di Efficacia Economico-Finanziaria della Produzione (IEEP)",
                                  "Incassi da vigilanza ispettiva", "Consuntivo 2024")
    # the derived figures are exactly those whose provenance reaches the changed cell and whose value moved
    before, after = compute_project(old).all_figures(), compute_project(new).all_figures()

    def reaches(figure_id, seen=frozenset()):
        figure = after[figure_id]
        return figure_id == changed_input or any(reaches(d, seen | {figure_id}) for d in figure.deps
                                                 if d not in seen)

    expected = {fid for fid, figure in after.items()
                if fid != changed_input and before[fid].value != figure.value and reaches(fid)}
    assert {c.id for c in report.figures if c.kind == "derived"} == expected
    assert "ieep.ieep_incassi_e_pagamenti.consuntivo" in expected
    assert "risultati.ieep_incassi.consuntivo" in expected  # the summary table, through a reference
    assert all(c.causes == [input_change.where] for c in report.figures if c.kind == "derived")
    assert report.rows == report.narrative == report.config == []


@pytest.mark.slow
def test_a_sentence_edit_is_only_in_the_narrative_of_its_section(drafts):
    old, new = drafts
    _edit(new / "text" / "premessa.md", "è stata redatta in applicazione", "è stata redatta ai sensi")
    report = diff_projects(old, new, pages=True, section="premessa")
    assert report.figures == report.rows == report.config == []
    assert [(t.section, len(t.hunks)) for t in report.narrative] == [("1 Premessa", 1)]
    hunk = report.narrative[0].hunks[0]
    assert (hunk.removed, hunk.added) == ("in applicazione", "ai sensi")
    assert hunk.before.endswith("è stata redatta") and hunk.after.startswith("dell'articolo 10")
    assert {p.section for p in report.changed_pages} == {"premessa"}


def test_a_target_now_missed_is_reported(drafts):
    old, new = drafts
    _edit(new / "data" / "risultati.csv", ";1,013;1,048;", ";1,013;1,000;")
    report = diff_projects(old, new, pages=False)
    outcome = [c for c in report.figures if c.outcome]
    assert [(c.id, c.outcome) for c in outcome] == [("risultati.deflusso.scostamento",
                                                     "obiettivo raggiunto → mancato")]


def test_rows_added_and_removed(drafts):
    old, new = drafts
    _edit(new / "data" / "accessi_eta.csv", "Fino a 20 anni;5.367.948\n", "")
    _edit(new / "data" / "accessi_eta.csv", "Oltre 65 anni;58.481.636\n",
          "Oltre 65 anni;58.481.636\nNon dichiarata;1.000\n")
    report = diff_projects(old, new, pages=False)
    assert sorted((r.table, r.row, r.status) for r in report.rows) == [
        ("accessi_eta", "fino_a_20_anni", "removed"), ("accessi_eta", "non_dichiarata", "added")]
    changed = {c.id: c for c in report.figures}
    # the removed and added cells are not "changes" of a figure: they are listed as rows
    assert not [fid for fid in changed if ".fino_a_20_anni." in fid or ".non_dichiarata." in fid]
    total = changed["accessi_eta.totale.accessi"]
    assert (total.kind, total.difference) == ("derived", "-5.366.948")
    # every remaining share moves, since the total moved
    assert {fid for fid in changed if fid.endswith(".quota")} == {
        f"accessi_eta.{row}.quota" for row in ("dai_21_ai_40", "dai_41_ai_65", "oltre_65_anni", "totale")
    } - {"accessi_eta.totale.quota"}


@pytest.mark.slow
def test_an_inserted_section_is_new_pages_and_a_report_yaml_change(drafts):
    old, new = drafts
    _edit(new / "report.yaml", "            group_by: direzione\n",
          "            group_by: direzione\n      - id: allegato-2-nota\n        title: Nota metodologica\n")
    (new / "text" / "allegato-2-nota.md").write_text("I risultati sono espressi in punti.\n", encoding="utf-8")
    report = diff_projects(old, new, pages=True, section="allegato-2")
    assert [(c.what, c.new) for c in report.config] == [
        ("section added", "allegato-2-nota after 'allegato-2-centrali': Nota metodologica")]
    assert not [p for p in report.pages if p.status == "changed"]
    assert {p.section for p in report.pages if p.status == "new"} == {"allegato-2-nota"}
    assert len([p for p in report.pages if p.status == "match"]) >= 8
    assert report.figures == report.narrative == []


def test_git_revisions(drafts, tmp_path):
    _, project = drafts
    repo = project.parent

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "bozza 1")
    _edit(project / "text" / "premessa.md", "è stata redatta in applicazione", "è stata redatta ai sensi")
    assert diff_revisions(project, "HEAD", None, pages=False).narrative  # HEAD against the working tree
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "bozza 2")
    result = CliRunner().invoke(main, ["diff", "--rev", "HEAD~1", "--rev", "HEAD", str(project), "--no-pages",
                                       "--html", str(tmp_path / "d.html"), "-q"])
    assert result.exit_code == 1
    assert "[-in applicazione-]{+ai sensi+}" in result.output
    assert "<ins>ai sensi</ins>" in (tmp_path / "d.html").read_text()
    unknown = CliRunner().invoke(main, ["diff", "--rev", "nessuna", str(project), "--no-pages", "-q"])
    assert unknown.exit_code == 2 and "error: git: 'nessuna' is not a commit" in unknown.output
