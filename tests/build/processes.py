"""What the tests of worker processes look at: which processes a pid has started, and whether
they are still running (Linux ``/proc``; a zombie has ended)."""

from __future__ import annotations

import os
import time


def _state(pid: int | str) -> list[str]:
    # the fields after the command name, which may itself hold spaces and parentheses
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = _state(entry)
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        return _state(pid)[0] != "Z"
    except FileNotFoundError:
        return False


def gone(pids: list[int], within: float = 10) -> bool:
    """True once none of ``pids`` runs, waiting up to ``within`` seconds."""
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(pid) for pid in pids)
