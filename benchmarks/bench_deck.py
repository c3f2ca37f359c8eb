"""The deck's CPU cost: its parts (the title part and one per top-level section) and their assembly.

Run:  .venv/bin/python benchmarks/bench_deck.py [--repeat 3] [--samples a,b] [--top 25] [--no-profile]

The build makes the deck in its own process, in a thread beside the layout workers: every CPU
second it spends is taken from the page layout. So the measure is CPU time (``process_time``),
not wall time, of ``render_part`` for every part of a sample and of ``assemble`` over them.
Each sample runs in a fresh process, as a build's deck process does: "first" is the first
round in that process (what a cold build pays, the per-process memos filled on the way), then
the median of ``--repeat`` more rounds (what the drafting loop pays in a long-lived process).
The project is read and computed before timing; the imports are done too. One cold round of
the first sample's parts is profiled (cProfile, in a fresh process) and its top functions by
cumulative and by own time are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ("relazione-2024", "abstract-2023", "nota-preliminare-2024")


def _prepared(sample: str):
    from reportgen.project import compile_project
    from reportgen.render.deck import parts as deck_parts

    compiled = compile_project(ROOT / "sample_data" / sample)
    report = compiled.report
    which = ([] if report.partial else [deck_parts.TITLE]) + list(range(len(report.sections)))
    return deck_parts, compiled, which


def _round(deck_parts, compiled, which) -> tuple[float, float, bytes]:
    report, formatter, root = compiled.report, compiled.formatter, compiled.root
    start = time.process_time()
    parts = [deck_parts.render_part(report, formatter, root, w) for w in which]
    made = time.process_time()
    deck = deck_parts.assemble(report, formatter, root, parts)
    return made - start, time.process_time() - made, deck


def measure(sample: str, repeat: int) -> dict:
    """One sample's numbers, in this process (run it in a fresh one)."""
    deck_parts, compiled, which = _prepared(sample)
    first_parts, first_assemble, deck = _round(deck_parts, compiled, which)
    rounds = [_round(deck_parts, compiled, which) for _ in range(repeat)]
    same = all(r[2] == deck for r in rounds)
    return {"sample": sample, "parts": len(which), "first_parts": first_parts, "first_assemble": first_assemble,
            "parts_median": statistics.median(r[0] for r in rounds) if rounds else first_parts,
            "assemble_median": statistics.median(r[1] for r in rounds) if rounds else first_assemble,
            "deterministic": same, "bytes": len(deck)}


def profile(sample: str, top: int) -> str:
    """The top functions of one cold round of ``sample``'s parts (in this process: run it fresh)."""
    deck_parts, compiled, which = _prepared(sample)
    profiler = cProfile.Profile()
    profiler.enable()
    for w in which:
        deck_parts.render_part(compiled.report, compiled.formatter, compiled.root, w)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _fresh(*args: str) -> str:
    result = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"bench_deck {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", default=",".join(SAMPLES))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a sample measured in this process
    parser.add_argument("--profile-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return 0
    if args.profile_one:
        print(profile(args.profile_one, args.top))
        return 0

    samples = [s for s in args.samples.split(",") if s]
    print(f"deck CPU seconds (process_time), first round in a fresh process, then median of {args.repeat}")
    print(f"{'sample':24} {'parts':>5} {'parts 1st':>10} {'parts med':>10} {'asm 1st':>8} {'asm med':>8}  same bytes")
    ok = True
    for sample in samples:
        row = json.loads(_fresh("--one", sample, "--repeat", str(args.repeat)))
        ok &= row["deterministic"]
        print(f"{sample:24} {row['parts']:5d} {row['first_parts']:10.2f} {row['parts_median']:10.2f} "
              f"{row['first_assemble']:8.2f} {row['assemble_median']:8.2f}  {'yes' if row['deterministic'] else 'NO'}")
    with open("/proc/loadavg", encoding="ascii") as load:
        print(f"load average: {' '.join(load.read().split()[:3])}")
    if not args.no_profile and samples:
        print(f"\nprofile of one cold round of {samples[0]}'s parts:")
        print(_fresh("--profile-one", samples[0], "--top", str(args.top)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
