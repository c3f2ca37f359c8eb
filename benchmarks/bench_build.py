"""Build speed: the drafting loop and the full build, against a single-pass WeasyPrint render.

Run:  .venv/bin/python benchmarks/bench_build.py [--jobs N] [--scale 5] [--repeat 3]

Every build runs as a user runs it (``python -m reportgen build …`` in a fresh process) on a
copy of sample_data/relazione-2024. The reference is what a single-pass tool would do: the
full HTML of the A4 report and of the slides (exactly the documents reportgen renders, charts
inlined) laid out and written by WeasyPrint in one pass each, in this process after imports.
Times are the median of ``--repeat`` runs; each is also shown as a ratio to the reference
measured in the same run. Peak memory is the largest total RSS of the build's processes
(sampled every 20 ms), not only of the main one. A scaling run builds a synthetic report made
of ``--scale`` copies of the sample's sections. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "relazione-2024"
MiB = 1024 * 1024


def _tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total


def run_build(project: Path, out: Path, *args: str) -> tuple[float, int]:
    """Seconds and peak RSS (bytes, all processes) of one ``reportgen build``."""
    command = [sys.executable, "-m", "reportgen", "build", str(project), "--out", str(out), "--quiet", *args]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    sampling = os.path.isdir("/proc")

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True) if sampling else None
    if sampler:
        sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    if sampler:
        sampler.join()
    if process.returncode:
        raise SystemExit(f"build failed ({' '.join(command)}):\n{stderr.decode()}")
    return elapsed, peak


def reference(project: Path) -> tuple[float, int]:
    """A single-pass WeasyPrint render of the A4 and slide HTML reportgen renders; pages."""
    from reportgen.charts import render_charts
    from reportgen.content import build_report, formatter_for
    from reportgen.engine import compute
    from reportgen.load import load_project
    from reportgen.render.html import HtmlRenderer
    from reportgen.render.pdf import render_pdf

    loaded = load_project(project)
    report = build_report(loaded, compute(loaded))
    formatter = formatter_for(loaded.config)
    charts = render_charts(report.charts(), report.meta.theme, formatter)
    documents = []
    for layout in ("pdf", "slides"):
        renderer = HtmlRenderer(report, formatter, project, charts, layout)
        documents.append((renderer.document(), renderer.css()))
    render_pdf("<p>warm-up</p>", "", project)  # imports and font setup are not the reference's cost
    start = time.perf_counter()
    pages = sum(render_pdf(html, css, project).pages for html, css in documents)
    return time.perf_counter() - start, pages


def edit(path: Path, marker: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\nModifica di prova {marker}.\n", encoding="utf-8")


def synthetic(target: Path, copies: int) -> Path:
    """The sample with its sections repeated ``copies`` times (ids suffixed), same data."""
    shutil.copytree(SAMPLE, target)
    config = yaml.safe_load((target / "report.yaml").read_text(encoding="utf-8"))

    def renamed(section: dict, suffix: str) -> dict:
        copy = dict(section, id=f"{section['id']}{suffix}")
        if "sections" in copy:
            copy["sections"] = [renamed(s, suffix) for s in copy["sections"]]
        return copy

    config["sections"] = [renamed(s, "" if k == 0 else f"-{k + 1}") for k in range(copies) for s in config["sections"]]
    config.pop("dfp", None)
    (target / "report.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=5, help="copies of the sample in the scaling run (0: skip)")
    options = parser.parse_args()
    jobs = ["--jobs", str(options.jobs)]
    rows: list[tuple[str, float, float | None, str]] = []
    peaks: list[int] = []
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        tmp = Path(tmp)
        project = tmp / "relazione-2024"
        shutil.copytree(SAMPLE, project)
        ref, pages = reference(project)

        def median(label: str, runs: list[float], target: str) -> float:
            value = statistics.median(runs)
            rows.append((label, value, value / ref, target))
            return value

        cold, warm, narrative, big, section = [], [], [], [], []
        for attempt in range(options.repeat):
            out = tmp / f"out-{attempt}"
            seconds, peak = run_build(project, out, *jobs)
            cold.append(seconds)
            peaks.append(peak)
            warm.append(run_build(project, out, *jobs)[0])
            edit(project / "text" / "premessa.md", f"a{attempt}")
            narrative.append(run_build(project, out, *jobs)[0])
            edit(project / "text" / "ieep.md", f"b{attempt}")  # a chapter of ten pages
            big.append(run_build(project, out, *jobs)[0])
            section.append(run_build(project, out, "--section", "ieep", *jobs)[0])
        median("cold full build (A4 + slides + PPTX)", cold, "≤ 0.6×")
        median("nothing changed", warm, "≤ 1 s")
        median("one section's narrative edited (premessa)", narrative, "≤ 1.5 s")
        median("one section's narrative edited (ieep, in a 10-page chapter)", big, "")
        median("--section ieep (A4 + slides + PPTX)", section, "")
        rows.insert(0, ("reference: WeasyPrint single pass, A4 + slides", ref, 1.0, f"{pages} pages"))

        scaling = []
        if options.scale > 1:
            big_project = synthetic(tmp / "synthetic", options.scale)
            big_ref, big_pages = reference(big_project)
            big_cold, big_peak = run_build(big_project, tmp / "out-synthetic", *jobs)
            peaks.append(big_peak)
            scaling = [(f"sample × 1 ({pages} pages)", ref, statistics.median(cold)),
                       (f"sample × {options.scale} ({big_pages} pages)", big_ref, big_cold)]

    print(f"\nreportgen build benchmark: {options.jobs} worker(s), {os.cpu_count()} core(s), "
          f"median of {options.repeat}\n")
    print(f"{'measure':<62} {'seconds':>8} {'× ref':>7}  target")
    failures = []
    for label, seconds, ratio, target in rows:
        ratio_text = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{label:<62} {seconds:>8.2f} {ratio_text:>7}  {target}")
        if target == "≤ 0.6×" and ratio > 0.6 or target == "≤ 1 s" and seconds > 1 or \
                target == "≤ 1.5 s" and seconds > 1.5:
            failures.append(label)
    peak = max(peaks) if peaks else 0
    print(f"{'peak RSS, all processes of a cold build (MiB)':<62} {peak / MiB:>8.0f} {'':>7}  ≤ 1024")
    if peak > 1024 * MiB:
        failures.append("peak RSS")
    if scaling:
        print(f"\n{'scaling':<40} {'reference s':>12} {'cold build s':>13} {'ratio':>7}")
        for label, ref_seconds, build_seconds in scaling:
            print(f"{label:<40} {ref_seconds:>12.2f} {build_seconds:>13.2f} {build_seconds / ref_seconds:>7.2f}")
    if failures:
        print(f"\nmissed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
