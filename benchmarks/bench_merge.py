"""Merge speed: joining the laid-out pieces of the 2024 Relazione into its A4 and slide PDFs.

Run:  .venv/bin/python benchmarks/bench_merge.py [--repeat 5] [--top 25] [--pieces FILE] [--sample NAME]

After an edit the build lays out one small piece and then merges every piece of the A4 PDF and
of the slide PDF: the merge is half of the edit loop (issue 21). This times the merge alone.
The sample is built once, in this process (``--jobs 1``, cache off, A4 and slides only), and
the arguments the build hands to ``tasks.merge`` are kept: the pieces exactly as the workers
laid them out (and as the cache keeps them). Each document's merge (``tasks.merge``, as a
worker runs it) is then timed ``--repeat`` times (median), and all the merges run once more under cProfile, whose top
functions by internal and by cumulative time are printed. What the workers do for the merge
when they lay a piece out (``merge.prepare_piece``, once per piece, cached with it) is timed
too, over every piece of the build: a cold build's share of the merge.

``--pieces FILE`` keeps the captured pieces and arguments in FILE (a pickle written by this
script) and reads them from there next time: the layout is skipped. The pieces depend on reportgen's code
(``tasks.lay_out`` prepares them for the merge), so the file is only good for the code that
wrote it; it is refused when the code digest differs.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pickle
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def capture(sample: Path) -> tuple[dict[str, tuple], list]:
    """Build ``sample`` (A4 and slides): the arguments of each merge, by output format, and
    every piece as WeasyPrint wrote it (before ``tasks.lay_out`` prepares it for the merge)."""
    from reportgen import api
    from reportgen.pipeline import tasks

    real_merge, real_render = tasks.merge, tasks.render_pdf
    calls: list[tuple] = []
    raw: list = []

    def merging(*args):
        calls.append(args)
        return real_merge(*args)

    def rendering(*args):
        raw.append(real_render(*args))
        return raw[-1]

    # run.py calls tasks.merge and tasks.lay_out, which calls render_pdf: with --jobs 1 in this process
    tasks.merge, tasks.render_pdf = merging, rendering
    try:
        with tempfile.TemporaryDirectory() as out:
            api.build(sample, out, formats="pdf,slides", jobs=1, cache=False)
    finally:
        tasks.merge, tasks.render_pdf = real_merge, real_render
    found = {}
    for args in calls:
        pieces = args[0]
        found["slides" if _is_slides(pieces) else "pdf"] = args
    return found, raw


def _is_slides(pieces) -> bool:
    import pikepdf

    with pikepdf.open(io.BytesIO(pieces[0].data)) as pdf:
        box = pdf.pages[0].mediabox
        return float(box[2]) > float(box[3])  # landscape


def release() -> None:
    """Let go of the last merge's documents, outside the time: in a build each merge runs in a
    worker, which hands the bytes back before that and ends without it (merge._LAST_MERGE)."""
    from reportgen.render import merge

    getattr(merge, "_LAST_MERGE", []).clear()
    gc.collect()


def merge_once(args: tuple) -> float:
    from reportgen.pipeline import tasks

    release()
    start = time.perf_counter()
    tasks.merge(*args)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", default="relazione-2024")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pieces", type=Path, help="keep / reuse the captured merge arguments in this file")
    options = parser.parse_args()

    from reportgen.digest import tool_versions

    versions = tool_versions()
    found = None
    if options.pieces and options.pieces.is_file():
        with options.pieces.open("rb") as handle:
            saved = pickle.load(handle)  # written by this script, see --pieces
        if saved.get("versions") == versions:
            found, raw = saved["merges"], saved["raw"]
        else:
            print(f"{options.pieces}: written by other code, laying out again", file=sys.stderr)
    if found is None:
        start = time.perf_counter()
        found, raw = capture(ROOT / "sample_data" / options.sample)
        print(f"laid out {options.sample} in {time.perf_counter() - start:.1f} s (jobs 1)")
        if options.pieces:
            with options.pieces.open("wb") as handle:
                pickle.dump({"versions": versions, "merges": found, "raw": raw}, handle)

    for kind in sorted(found):
        merge_once(found[kind])  # warm: fonts read, modules imported, caches of the process filled
    print(f"{'document':10} {'pieces':>6} {'pages':>6} {'median s':>9} {'min s':>7}")
    for kind in sorted(found):
        pieces = found[kind][0]
        times = [merge_once(found[kind]) for _ in range(options.repeat)]
        print(f"{kind:10} {len(pieces):6d} {sum(p.pages for p in pieces):6d} {statistics.median(times):9.3f} "
              f"{min(times):7.3f}")

    from reportgen.render import merge

    if hasattr(merge, "prepare_piece"):  # the merge's work moved to the workers: what it costs there
        times = []
        for _ in range(3):
            start = time.perf_counter()
            for piece in raw:
                merge.prepare_piece(piece)
            times.append(time.perf_counter() - start)
        print(f"prepared in the workers (once per piece, cached with it): {len(raw)} pieces, "
              f"{statistics.median(times):.3f} s in all (median of 3)")

    from reportgen.pipeline import tasks

    profiler = cProfile.Profile()
    for kind in sorted(found):
        release()
        profiler.enable()
        tasks.merge(*found[kind])
        profiler.disable()
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(options.top)
        print(f"\n--- cProfile, both merges, by {order} ---")
        print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:20000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
