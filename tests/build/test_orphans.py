"""A build killed with SIGKILL takes its workers with it: none is left waiting on its queue,
holding the caller's stdout and stderr open (a CI job reading that pipe would hang)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from tests.build import processes
from tests.conftest import ROOT, SAMPLE_2024


def _kill_once_workers_exist(command: list[str], workers: int = 2) -> tuple[list[int], float]:
    """Start ``command``, SIGKILL it once it has ``workers`` children; their pids and how long
    its stdout and stderr stayed open after the kill."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(children := processes.children(process.pid)) < workers:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        time.sleep(0.3)  # past the workers' own start
        process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        process.communicate(timeout=20)  # returns once every holder of the pipes has exited
        return children, time.monotonic() - killed
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if not processes.gone(children, within=5):  # the test failed: do not leave them behind
            for pid in children:
                if processes.alive(pid):
                    os.kill(pid, signal.SIGKILL)


def test_killing_a_build_kills_its_workers_and_closes_its_pipes(tmp_path):
    command = [sys.executable, "-m", "reportgen", "build", str(SAMPLE_2024), "--out", str(tmp_path / "out"),
               "--no-cache", "--jobs", "2"]
    workers, open_after_kill = _kill_once_workers_exist(command)
    assert len(workers) == 2
    assert processes.gone(workers) and open_after_kill < 10


WATCHED = """\
    import sys, time
    from reportgen.pipeline import workers

    workers._kernel_kills_orphans = lambda: False  # as on a system without prctl
    pool = workers.Workers(2).start()
    print(pool.pids(), flush=True)
    time.sleep(120)
"""


def test_where_the_kernel_cannot_kill_them_the_workers_watch_their_parent(tmp_path):
    script = tmp_path / "watched.py"
    script.write_text(textwrap.dedent(WATCHED), encoding="utf-8")
    workers, open_after_kill = _kill_once_workers_exist([sys.executable, str(script)])
    assert len(workers) == 2
    assert processes.gone(workers) and open_after_kill < 10
