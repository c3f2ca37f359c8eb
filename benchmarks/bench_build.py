"""Build speed: the drafting loop and the full build, against a single-pass WeasyPrint render.

Run:  .venv/bin/python benchmarks/bench_build.py [--jobs N] [--scale 5] [--repeat 3] [--samples a,b]

Every build runs as a user runs it (``python -m reportgen build …`` in a fresh process) on a
copy of each sample (the 2024 Relazione, the 2023 abstract, the 2024 Nota preliminare). The
reference is what a single-pass tool would do: the full HTML of the A4 report and of the
slides (exactly the documents reportgen renders, charts inlined) laid out and written by
WeasyPrint in one pass each, in this process after imports. Times are the median of
``--repeat`` runs; each is also shown as a ratio to the reference measured in the same run.
Peak memory is the largest total RSS of the build's processes (sampled every 20 ms), not only
of the main one. The CPU time of a cold build's processes is shown beside the reference (one
pass on one core, so its CPU time is its time): divided by the cores, it is the least time any
schedule of the same work could take. A scaling run builds a synthetic report made of ``--scale`` copies of the
2024 sample's sections. The start-up of ``reportgen --help`` and ``reportgen check`` is timed
in fresh processes, and one cold build of the 2024 sample is profiled (cProfile, one process:
``--jobs 1``), its top functions by cumulative time printed. The machine's load average, CPU
pressure and speed (a fixed loop timed alone and two at once, see ``machine.py``) are printed
before and after: on a shared machine the numbers are only as good as it is idle.
Exits 1 when a target of issue 21 is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml
from machine import contention, speed

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ("relazione-2024", "abstract-2023", "nota-preliminare-2024")
SAMPLE = ROOT / "sample_data" / SAMPLES[0]
MiB = 1024 * 1024
# issue 21's targets
COLD_RATIO = 0.5  # a cold build of the three outputs, × the single-pass reference
EDITED = 1.5  # seconds: one section's narrative edited, all three outputs
UNCHANGED = 0.5  # seconds: nothing changed
HELP = 0.3  # seconds: reportgen --help
CHECK = 1.0  # seconds: reportgen check ("well under a second")
PEAK = 1024 * MiB
LINEAR = 1.25  # seconds per page at scale × N over seconds per page at × 1
PROFILE_TOP = 15


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


def _children_cpu() -> float:
    """CPU seconds of the ended children of this process and of theirs (a build's workers are
    waited for by the build, so their time is in the build's)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(project: Path, out: Path, *args: str, memory: bool = False) -> tuple[float, int, float]:
    """Seconds of one ``reportgen build``, with ``memory`` its peak RSS (bytes, all processes;
    else 0), and the CPU seconds of all its processes. Sampling costs a tenth of a core (reading
    /proc every 20 ms): it is done only for the builds whose peak is reported, not to slow down
    the ones timed alone."""
    command = [sys.executable, "-m", "reportgen", "build", str(project), "--out", str(out), "--quiet", *args]
    cpu = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    sampling = memory and os.path.isdir("/proc")

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
    return elapsed, peak, _children_cpu() - cpu


def reference(project: Path) -> tuple[float, int]:
    """A single-pass WeasyPrint render of the A4 and slide HTML reportgen renders (seconds, one
    core: its CPU time is its time); pages."""
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


def first_text(project: Path) -> Path:
    """The narrative of the first section that has one: the file a drafting loop edits."""
    config = yaml.safe_load((project / "report.yaml").read_text(encoding="utf-8"))
    stack = list(reversed(config["sections"]))
    while stack:
        section = stack.pop()
        for block in section.get("blocks", []):
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                return project / block["text"]
        stack += list(reversed(section.get("sections", [])))
    raise SystemExit(f"{project}: no narrative to edit")


def startup(args: list[str], repeat: int) -> float:
    """Median seconds of ``python -m reportgen ARGS`` in a fresh process (its exit status aside)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reportgen", *args], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def profile(project: Path, out: Path, top: int) -> str:
    """The top functions by cumulative time of one cold build in one process (cProfile)."""
    stats = out.with_suffix(".prof")
    command = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "reportgen", "build", str(project),
               "--out", str(out), "--quiet", "--jobs", "1", "--no-cache"]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode:
        raise SystemExit(f"profiled build failed:\n{done.stderr.decode()}")
    stats = pstats.Stats(str(stats))
    total = stats.total_tt
    # the calls every build goes through (the command line down to the build) say nothing: from below them
    rows = sorted(((ct, nc, tt, func) for func, (_, nc, tt, ct, _) in stats.stats.items() if ct < 0.9 * total),
                  key=lambda row: -row[0])[:top]
    lines = [f"{stats.total_calls} function calls in {total:.2f} s; below the command line:",
             f"{'cumulative s':>12} {'own s':>8} {'calls':>9}  function"]
    for ct, nc, tt, (path, line, name) in rows:
        where = f"{Path(path).name}:{line}({name})" if line else name
        lines.append(f"{ct:>12.2f} {tt:>8.2f} {nc:>9}  {where}")
    return "\n".join(lines)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


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


def bench_sample(name: str, tmp: Path, jobs: list[str], repeat: int, rows: list, peaks: list) -> tuple:
    """The rows of one sample: reference, cold, nothing changed, a narrative edited."""
    project = tmp / name
    shutil.copytree(ROOT / "sample_data" / name, project)
    ref, pages = reference(project)
    text = first_text(project)
    cold, cold_cpu, warm, narrative = [], [], [], []
    for attempt in range(repeat):
        out = tmp / f"out-{name}-{attempt}"
        seconds, peak, cpu = run_build(project, out, *jobs, memory=True)
        cold.append(seconds)
        cold_cpu.append(cpu)
        peaks.append((name, peak))
        warm.append(run_build(project, out, *jobs)[0])
        edit(text, f"{attempt}")
        narrative.append(run_build(project, out, *jobs)[0])
    rows.append((f"{name}: reference, WeasyPrint single pass ({pages} pages)", ref, 1.0, "", True))
    for label, runs, target, met in (
            ("cold full build (A4 + slides + PPTX)", cold, f"≤ {COLD_RATIO}×", lambda s: s / ref <= COLD_RATIO),
            ("nothing changed", warm, f"≤ {UNCHANGED} s", lambda s: s <= UNCHANGED),
            (f"narrative edited ({text.name}), all three outputs", narrative, f"≤ {EDITED} s",
             lambda s: s <= EDITED)):
        value = statistics.median(runs)
        rows.append((f"{name}: {label}", value, value / ref, target, met(value)))
    # the floor of the cold ratio on these cores: the build's CPU spread over all of them, with no wait
    cpu = statistics.median(cold_cpu)
    cores = min(int(jobs[-1]), os.cpu_count() or 1)
    rows.append((f"{name}: cold build's CPU, all processes (on {cores} cores at best {cpu / cores:.2f} s)", cpu,
                 cpu / ref, "", True))
    return ref, pages, statistics.median(cold)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=5, help="copies of the sample in the scaling run (0: skip)")
    parser.add_argument("--samples", default=",".join(SAMPLES), help="comma-separated sample names")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled build")
    options = parser.parse_args()
    jobs = ["--jobs", str(options.jobs)]
    rows: list[tuple[str, float, float | None, str, bool]] = []
    peaks: list[tuple[str, int]] = []
    # as an installed reportgen has them: the compiled modules up to date (a process that finds one
    # stale compiles it again, and with PYTHONDONTWRITEBYTECODE set it does so at every start)
    compileall.compile_dir(str(ROOT / "reportgen"), quiet=1)
    load_before, speed_before = load(), speed()
    help_seconds = startup(["--help"], options.repeat)
    check_seconds = startup(["check", str(SAMPLE)], options.repeat)
    rows.append(("reportgen --help", help_seconds, None, f"≤ {HELP} s", help_seconds <= HELP))
    rows.append(("reportgen check relazione-2024", check_seconds, None, f"≤ {CHECK} s", check_seconds <= CHECK))
    scaling, profiled = [], ""
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        tmp = Path(tmp)
        measured = {name: bench_sample(name, tmp, jobs, options.repeat, rows, peaks)
                    for name in options.samples.split(",") if name}
        if options.scale > 1 and SAMPLES[0] in measured:
            ref, pages, cold = measured[SAMPLES[0]]
            big_project = synthetic(tmp / "synthetic", options.scale)
            big_ref, big_pages = reference(big_project)
            big_cold, big_peak, _ = run_build(big_project, tmp / "out-synthetic", *jobs, memory=True)
            peaks.append((f"{SAMPLES[0]} × {options.scale}", big_peak))
            scaling = [(f"sample × 1 ({pages} pages)", ref, cold, pages),
                       (f"sample × {options.scale} ({big_pages} pages)", big_ref, big_cold, big_pages)]
        if not options.no_profile:
            project = tmp / "profiled"
            shutil.copytree(SAMPLE, project)
            profiled = profile(project, tmp / "out-profiled", PROFILE_TOP)
    load_after, speed_after = load(), speed()

    print(f"\nreportgen build benchmark: {options.jobs} worker(s), {os.cpu_count()} core(s), "
          f"median of {options.repeat}; load average {load_before} before, {load_after} after")
    print(f"machine before: {speed_before}\nmachine after:  {speed_after}; {contention()}\n")
    print(f"{'measure':<78} {'seconds':>8} {'× ref':>7}  target")
    failures = []
    for label, seconds, ratio, target, met in rows:
        ratio_text = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{label:<78} {seconds:>8.2f} {ratio_text:>7}  {target}{'' if met else '  MISSED'}")
        if not met:
            failures.append(label)
    peak_label, peak = max(peaks, key=lambda p: p[1]) if peaks else ("", 0)
    met = peak <= PEAK
    print(f"{f'peak RSS, all processes of a cold build (MiB; {peak_label})':<78} {peak / MiB:>8.0f} {'':>7}  "
          f"≤ {PEAK // MiB}{'' if met else '  MISSED'}")
    if not met:
        failures.append("peak RSS")
    if scaling:
        print(f"\n{'scaling':<40} {'reference s':>12} {'cold build s':>13} {'ratio':>7} {'s/page':>7}")
        for label, ref_seconds, build_seconds, pages in scaling:
            print(f"{label:<40} {ref_seconds:>12.2f} {build_seconds:>13.2f} {build_seconds / ref_seconds:>7.2f} "
                  f"{build_seconds / pages:>7.3f}")
        per_page = [build / pages for _, _, build, pages in scaling]
        linear = per_page[1] <= LINEAR * per_page[0]
        print(f"linear in pages (s/page × {options.scale} ≤ {LINEAR} × s/page × 1): {'yes' if linear else 'MISSED'}")
        if not linear:
            failures.append("scaling")
    if profiled:
        print(f"\nprofile of one cold build of {SAMPLES[0]} (--jobs 1, cProfile), top {PROFILE_TOP} "
              f"by cumulative time:\n{profiled}")
    if failures:
        print(f"\nmissed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
