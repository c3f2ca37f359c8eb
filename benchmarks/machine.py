"""What the machine gives a benchmark now: on a shared host the same build can take twice as long
from one minute to the next, so the numbers are printed with the machine's state beside them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

_LOOP = "s = 0\nfor i in range(10_000_000):\n    s += i\n"  # pure interpreter work, no I/O


def contention() -> str:
    """What else wants the CPU now (Linux): the pressure and whether sessions share it by group."""
    parts = []
    try:
        some = Path("/proc/pressure/cpu").read_text().split()[1]  # avg10=…
        parts.append(f"CPU pressure {some.split('=')[1]} % of the time (avg10)")
    except (OSError, IndexError):
        pass
    try:
        if Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1":
            parts.append("autogroup on (one CPU share per session)")
    except OSError:
        pass
    return ", ".join(parts) or "no pressure figures on this system"


def _loops(count: int) -> float:
    """Seconds until ``count`` copies of a fixed loop, started together, have all ended."""
    start = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", _LOOP]) for _ in range(count)]
    for process in processes:
        process.wait()
    return time.perf_counter() - start


def speed() -> str:
    """A fixed loop timed alone and two at once: how fast one core is now, and how many of the
    two a pair of processes really gets (2 on two free cores)."""
    before, pair, after = _loops(1), _loops(2), _loops(1)
    alone = (before + after) / 2  # the host's speed drifts: the pair is compared with both sides of it
    return (f"a fixed loop takes {before:.2f} / {after:.2f} s alone, two at once {pair:.2f} s: "
            f"{2 * alone / pair:.2f} cores")
