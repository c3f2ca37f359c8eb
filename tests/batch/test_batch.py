"""A repeated project built unit by unit: files, index, combined PDF, failures, cache, workers."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from reportgen.batch import build_batch
from reportgen.batch.view import unit_view
from reportgen.project import compile_loaded

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "schede-obiettivi-2024"
UNITS = "dc_risorse_umane,dr_abruzzo"


def text_of(path: Path) -> str:
    document = pdfium.PdfDocument(path.read_bytes())
    try:
        return " ".join(" ".join(p.get_textpage().get_text_bounded().split()) for p in document)
    finally:
        document.close()


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen", "build", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the sample, to change one unit's rows."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "schede"))


def edit_row(path: Path, starts: str, column: int, value: str) -> int:
    """Set cell ``column`` of the first line starting with ``starts``; the spreadsheet row number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith(starts))
    cells = lines[number].split(";")
    cells[column] = value
    lines[number] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number + 1


def test_a_card_per_unit_with_index_and_combined_pdf(tmp_path):
    done = cli(str(SAMPLE), "--out", str(tmp_path), "--only", UNITS, "--format", "pdf", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "schede-obiettivi-2024"
    assert sorted(p.name for p in folder.iterdir()) == ["dc_risorse_umane.pdf", "dr_abruzzo.pdf", "index.csv"]
    dc, abruzzo = text_of(folder / "dc_risorse_umane.pdf"), text_of(folder / "dr_abruzzo.pdf")
    # each card's totals are its own: the synthetic unit prints no I.E.E.P. figure of the DC
    assert "12.180.409.266" in dc and "12.180.409.266" not in abruzzo
    assert "Direzione regionale Abruzzo" in abruzzo and "DC Risorse Umane" not in abruzzo
    assert "Dati sintetici: scheda generata da generate_units.py" in abruzzo
    assert "scheda generata" not in dc
    rows = list(csv.DictReader((folder / "index.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 499  # every unit of the table, built or not
    built = {r["unit"]: r for r in rows if r["status"] == "ok"}
    assert set(built) == {"dc_risorse_umane", "dr_abruzzo"}
    with pikepdf.open(folder / "dc_risorse_umane.pdf") as card:
        assert built["dc_risorse_umane"]["pages"] == str(len(card.pages))
    with pikepdf.open(tmp_path / "schede-obiettivi-2024.pdf") as combined, combined.open_outline() as outline:
        assert [str(item.title) for item in outline.root] == ["DC Risorse Umane", "Direzione regionale Abruzzo"]
        assert len(combined.pages) == sum(int(r["pages"]) for r in built.values())
    again = cli(str(SAMPLE), "--out", str(tmp_path), "--only", UNITS, "--format", "pdf", "--jobs", "2")
    assert "0 card(s) made, 2 unchanged, 0 failed." in again.stderr, again.stderr


def test_unit_in_titles_and_narrative_and_checks_of_other_units_do_not_apply(project):
    (project / "text" / "scheda-note.md").write_text("Scheda di {{ unit.nome }} ({{ unit.regione }}).\n",
                                                     encoding="utf-8")
    yaml = (project / "report.yaml").read_text(encoding="utf-8")
    (project / "report.yaml").write_text(yaml.replace("title: Indicatore Gestione della Spesa",
                                                      "title: Gestione della spesa di {{ unit.nome }}"))
    view = unit_view(project, "dr_abruzzo")
    compiled = compile_loaded(project, view.loaded, before_content=view.apply_checks)
    assert compiled.result.checks == []  # the DC's check values name rows this unit does not have
    assert compiled.loaded.config.subtitle == "Direzione regionale Abruzzo"
    titles = [s.title for s in compiled.report.sections]
    assert "Gestione della spesa di Direzione regionale Abruzzo" in titles
    texts = [str(b) for s in compiled.report.sections for b in s.blocks]
    assert any("Scheda di Direzione regionale Abruzzo (Abruzzo)." in t for t in texts)
    assert any("Dati sintetici: scheda generata" in t for t in texts)
    assert len(unit_view(project, "dc_risorse_umane").checks["ieep"]) == 13


@pytest.mark.slow
def test_bad_data_fails_that_card_only_and_strict_writes_nothing(project, tmp_path):
    row = edit_row(project / "data" / "ambiti.csv", "dr_abruzzo;", 2, "molto")
    out = tmp_path / "out"
    done = cli(str(project), "--out", str(out), "--only", UNITS, "--format", "pdf", "--jobs", "2")
    assert done.returncode == 1
    assert f"unit 'dr_abruzzo': data/ambiti.csv, row {row}, column 'contributo'" in done.stderr
    assert "1 card(s) failed: dr_abruzzo; the other cards were written." in done.stderr
    folder = out / "schede-obiettivi-2024"
    assert (folder / "dc_risorse_umane.pdf").exists() and not (folder / "dr_abruzzo.pdf").exists()
    index = (folder / "index.csv").read_text(encoding="utf-8")
    assert "dr_abruzzo,,,\"failed: unit 'dr_abruzzo': data/ambiti.csv" in index
    strict = tmp_path / "strict"
    done = cli(str(project), "--out", str(strict), "--only", UNITS, "--format", "pdf", "--jobs", "1", "--strict")
    assert done.returncode == 1 and "nothing was written (--strict)" in done.stderr
    assert not (strict / "schede-obiettivi-2024").exists()


@pytest.mark.slow
def test_one_unit_changed_makes_that_card_only(project, tmp_path):
    out = tmp_path / "out"
    first = build_batch(project, out, "pdf", only=UNITS, jobs=2)
    assert sorted(first.made) == ["dc_risorse_umane", "dr_abruzzo"]
    before = (out / "schede-obiettivi-2024" / "dc_risorse_umane.pdf").read_bytes()
    edit_row(project / "data" / "ambiti.csv", "dr_abruzzo;", 2, "11%")
    edit_row(project / "data" / "ambiti.csv", "dr_abruzzo;Valore Istituzionale", 2, "29%")
    second = build_batch(project, out, "pdf", only=UNITS, jobs=2)
    assert second.made == ["dr_abruzzo"] and second.reused == ["dc_risorse_umane"]
    assert (out / "schede-obiettivi-2024" / "dc_risorse_umane.pdf").read_bytes() == before
    assert "11%" in text_of(out / "schede-obiettivi-2024" / "dr_abruzzo.pdf")


class KillOneWorker:
    """A progress that kills a worker process of this one when the first card is done."""

    def __init__(self):
        self.killed: list[int] = []

    def stage(self, name, total=None):
        pass

    def done(self, name):
        pass

    def advance(self, name, amount=1):
        if self.killed:
            return
        children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
        if children:
            os.kill(int(children[0]), signal.SIGKILL)
            self.killed.append(int(children[0]))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the worker processes")
def test_a_worker_killed_mid_batch_has_its_cards_made_again(tmp_path):
    units = "dc_risorse_umane,dr_abruzzo,dr_basilicata,dr_calabria"
    progress = KillOneWorker()
    result = build_batch(SAMPLE, tmp_path, "pdf", only=units, jobs=2, cache=False, progress=progress)
    assert progress.killed and not result.failed
    assert sorted(result.made) == units.split(",")
    assert all((tmp_path / "schede-obiettivi-2024" / f"{u}.pdf").exists() for u in units.split(","))


@pytest.mark.slow
def test_ctrl_c_keeps_the_cards_written_and_no_partial_file(tmp_path):
    units = "dc_risorse_umane,dr_abruzzo,dr_basilicata,dr_calabria,dr_campania"
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(SAMPLE), "--out", str(tmp_path),
                                "--only", units, "--format", "pdf", "--jobs", "1"], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    folder = tmp_path / "schede-obiettivi-2024"
    deadline = 300
    import time

    while not (folder.exists() and any(p.suffix == ".pdf" for p in folder.iterdir())) and deadline > 0:
        time.sleep(0.2)
        deadline -= 0.2
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted: the cards written so far are complete" in stderr
    written = sorted(folder.iterdir())
    assert written and all(p.suffix == ".pdf" for p in written), written  # no temporary file, no index yet
    for path in written:
        with pikepdf.open(path) as card:
            assert len(card.pages) >= 3
    assert not (tmp_path / "schede-obiettivi-2024.pdf").exists()
    # the next build makes only the cards not written yet
    again = build_batch(SAMPLE, tmp_path, "pdf", only=units, jobs=1)
    assert sorted(again.reused) == sorted(p.stem for p in written)
    assert len(again.made) == 5 - len(written)


def test_the_card_keys_follow_the_unit_rows_and_the_shared_files(project, tmp_path):
    from reportgen.batch.run import _shared_print
    from reportgen.batch.view import Rows
    from reportgen.load import load_project
    from reportgen.load.config import load_project_config

    def keys():
        rows = Rows(load_project_config(project).repeat, None)
        load_project(project, rows=rows)
        data = {(project / "data" / f"{t}.csv").resolve() for t in rows.per_unit | {"units"}}
        return (_shared_print(project, tmp_path / "out", data), sorted(rows.headers.items()),
                {u: sorted(r) for u, r in rows.by_unit.items()})

    shared, headers, by_unit = keys()
    edit_row(project / "data" / "kpi.csv", "dr_abruzzo;", 4, "Altro KPI")
    after = keys()
    assert after[:2] == (shared, headers)
    assert [u for u in by_unit if by_unit[u] != after[2][u]] == ["dr_abruzzo"]
    kpi = project / "data" / "kpi.csv"
    kpi.write_text(kpi.read_text(encoding="utf-8").replace("unit;kpi_id", "Unit;kpi_id", 1), encoding="utf-8")
    assert keys()[1] != headers  # a renamed header changes every card
    (project / "text" / "scheda-note.md").write_text("Altro.\n", encoding="utf-8")
    assert keys()[0] != shared
