"""Drawing the charts: CPU seconds per chart and in total, for every sample, for both
targets ("print": the A4 column, ``draw_chart``; "slide": ``draw_slide_chart``, split parts
included), the functions the build runs in its workers.

Run:  .venv/bin/python benchmarks/bench_charts.py [--repeat N] [--profile N] [--save DIR] [sample ...]

CPU time (``time.process_time``), not wall time: the machine is shared, and a chart is drawn
in one process. The first drawing of a process also pays for importing matplotlib and
registering the fonts; that is measured once, apart ("start-up"), so that the per-chart
numbers compare. With ``--repeat N`` each chart is drawn N times and its least CPU counts:
on a machine shared with other work, the least is the closest to what the drawing costs. ``--save DIR`` writes every drawing's SVG (DIR/<sample>/<target>/<id>[-part].svg)
to compare two versions by eye; ``--profile N`` prints the top N functions (cumulative) of
the slowest chart of each target.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ("relazione-2024", "abstract-2023", "nota-preliminare-2024")
TARGETS = ("print", "slide")


def _specs(sample: str):
    from reportgen.charts import chart_style
    from reportgen.project import compile_project

    compiled = compile_project(ROOT / "sample_data" / sample)
    style = chart_style(compiled.report.meta.theme, compiled.formatter)
    return compiled.report.charts(), style


def _draw(spec, style, target: str) -> tuple[bytes, ...]:
    from reportgen.charts import draw_chart, draw_slide_chart

    if target == "print":
        return (draw_chart(spec, style)[0],)
    return draw_slide_chart(spec, style)


def _start_up(spec, style) -> float:
    """CPU of the first drawing of the process less a second one of the same chart."""
    began = time.process_time()
    _draw(spec, style, "print")
    first = time.process_time() - began
    began = time.process_time()
    _draw(spec, style, "print")
    return first - (time.process_time() - began)


def _save(folder: Path, sample: str, target: str, spec_id: str, drawings: tuple[bytes, ...]) -> None:
    where = folder / sample / target
    where.mkdir(parents=True, exist_ok=True)
    for number, svg in enumerate(drawings, 1):
        name = spec_id if len(drawings) == 1 else f"{spec_id}-{number}"
        (where / f"{name}.svg").write_bytes(svg)


def _profile(spec, style, target: str, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    _draw(spec, style, target)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples", nargs="*", default=list(SAMPLES))
    parser.add_argument("--save", type=Path, help="write every drawing's SVG under this folder")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="draw each chart N times, keep the least")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the slowest chart of each target: top N functions")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    loaded = {sample: _specs(sample) for sample in args.samples}
    first_spec, first_style = next((specs[0], style) for specs, style in loaded.values() if specs)
    print(f"start-up (import matplotlib, fonts): {_start_up(first_spec, first_style):.2f} s CPU")
    totals: dict[tuple[str, str], float] = {}
    slowest: dict[str, tuple[float, object, object, str]] = {}
    for sample, (specs, style) in loaded.items():
        for target in TARGETS:
            print(f"\n{sample}, {target}")
            total = 0.0
            for spec in specs:
                spent = float("inf")
                for _ in range(max(1, args.repeat)):
                    began = time.process_time()
                    drawings = _draw(spec, style, target)
                    spent = min(spent, time.process_time() - began)
                total += spent
                parts = f" ({len(drawings)} parts)" if len(drawings) > 1 else ""
                print(f"  {spent:6.3f} s  {spec.kind:8} {spec.id}{parts}")
                if args.save:
                    _save(args.save, sample, target, spec.id, drawings)
                if spent > slowest.get(target, (0.0,))[0]:
                    slowest[target] = (spent, spec, style, f"{sample} {spec.id}")
            totals[sample, target] = total
            print(f"  {total:6.3f} s  total, {len(specs)} charts")
    print("\nCPU seconds          print    slide    both")
    for sample in loaded:
        row = [totals[sample, t] for t in TARGETS]
        print(f"{sample:22} {row[0]:6.2f}   {row[1]:6.2f}   {sum(row):6.2f}")
    everything = [sum(totals[s, t] for s in loaded) for t in TARGETS]
    print(f"{'all':22} {everything[0]:6.2f}   {everything[1]:6.2f}   {sum(everything):6.2f}")
    if args.profile:
        for target, (spent, spec, style, name) in slowest.items():
            print(f"\nprofile of the slowest {target} chart, {name} ({spent:.2f} s):")
            print(_profile(spec, style, target, args.profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
