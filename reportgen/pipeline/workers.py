"""The worker processes of a build: forked early, quiet on Ctrl-C, and gone with the build.

A build killed with SIGKILL runs no cleanup of its own. Its workers would wait on their task
queue forever (≈150 MB each), holding the caller's stdout and stderr open, so that a CI job
reading that pipe hangs. Each worker therefore asks the kernel to kill it when the build
dies (Linux ``PR_SET_PDEATHSIG``) or, where it cannot, watches its parent and ends itself.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL = 0.5  # seconds between two looks at the parent, where the kernel cannot be asked


def _context():
    # fork shares the imported libraries with the workers (no second import of WeasyPrint)
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _kernel_kills_orphans() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not possible.
    The signal comes when the *thread* that forked the worker ends: :class:`Workers` are started
    and closed within one build call, so that thread outlives them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the running program's symbols include libc's
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:  # an orphan is adopted by another process
        time.sleep(PARENT_POLL)
    os.kill(os.getpid(), signal.SIGKILL)  # no cleanup to run: a worker writes nothing


def _die_with(parent: int) -> None:
    if not _kernel_kills_orphans():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="reportgen-parent").start()
    if os.getppid() != parent:  # the build died before the request above took effect
        os.kill(os.getpid(), signal.SIGKILL)


def _worker_start(parent: int, preload: tuple[str, ...] = ()) -> None:
    _die_with(parent)
    # Ctrl-C reaches the whole process group: the main process stops the build, the workers
    # are terminated by it rather than each printing a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked by the parent while forking
    # lazy on purpose: a second of imports, done in the workers while the main process reads
    # the project (the main process needs neither when the workers lay out and merge)
    import pikepdf  # noqa: F401

    from ..render.pdf import import_weasyprint

    import_weasyprint()

    for module in preload:  # what this build's first tasks will need (the deck's, the charts')
        importlib.import_module(module)


CHART_MODULES = ("reportgen.charts.mpl",)  # matplotlib: charts are drawn first, and only in a cold build


def preload_for(cold: bool) -> tuple[str, ...]:
    """What the workers import while the project is read, off the critical path: the charts'
    renderer in a build with nothing cached (an edit finds its charts in the cache: matplotlib
    would cost a second of both cores while the project is read). Never the deck's: it is made
    in the build's own process (:meth:`Workers.submit_here`)."""
    return CHART_MODULES if cold else ()


class Workers:
    """A process pool; ``jobs`` 1 runs everything in this process. :meth:`start` forks the
    workers early so that they load the layout engine while the project is read; otherwise
    they start with the first task. ``preload``: more modules they import then (see
    :func:`preload_for`)."""

    def __init__(self, jobs: int | None = None, preload: tuple[str, ...] = ()):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.preload = tuple(preload)
        self.pool: ProcessPoolExecutor | None = None
        self.here: ThreadPoolExecutor | None = None

    def start(self) -> Workers:
        if self.jobs > 1 and self.pool is None:
            # what the workers inherit is never collected there: frozen, its pages are not copied
            # into each worker by the collector's writes (copy-on-write)
            gc.freeze()
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=_context(),
                                            initializer=_worker_start, initargs=(os.getpid(), self.preload))
            # a signal arriving between a fork and the worker's own handlers would run the
            # parent's handlers in the child: held back until both sides are ready
            masking = hasattr(signal, "pthread_sigmask")
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS) if masking else None
            try:
                for _ in range(self.jobs):  # the pool forks its processes on demand
                    self.pool.submit(int)
            finally:
                if masking:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return self

    def pids(self) -> list[int]:
        """The worker processes running now (none before :meth:`start`, nor with ``jobs`` 1)."""
        return sorted((getattr(self.pool, "_processes", None) or {}).keys()) if self.pool else []

    def submit(self, function: Callable, *args) -> Future:
        if self.jobs == 1:
            future: Future = Future()
            try:
                future.set_result(function(*args))
            except Exception as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
            return future
        return self.start().pool.submit(function, *args)

    def submit_here(self, function: Callable, *args) -> Future:
        """Run ``function(*args)`` in this process, in a thread beside the workers, one task at
        a time. For work that needs no layout engine and much of what this process holds: the
        deck (python-pptx and the whole report) is made here while the workers lay out pages,
        instead of every worker importing python-pptx (a third of a second each, on the way to
        the first page) and receiving the report once per part."""
        if self.jobs == 1:
            return self.submit(function, *args)
        if self.here is None:
            self.start()  # the workers forked first: a fork beside a running thread can inherit its locks held
            self.here = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportgen-here")
        return self.here.submit(function, *args)

    def close(self, interrupted: bool = False) -> None:
        if self.here is not None:
            self.here.shutdown(wait=not interrupted, cancel_futures=True)
            self.here = None
        if self.pool is None:
            return
        if interrupted:  # do not wait for pieces nobody will use; they write nothing, so no cleanup
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.kill()
        self.pool.shutdown(wait=not interrupted, cancel_futures=True)
        self.pool = None
        gc.unfreeze()
