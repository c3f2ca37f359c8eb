"""The order in which a build's pieces reach the workers.

The pool gets no more tasks than it has workers: the rest wait here, in a priority queue,
so that what the build waits on goes first however the pieces arrive. The highest priority
goes first (the merges, then the charts the pages wait for, then the longest pieces, a
piece's size standing for its cost); equal priorities keep the order they came in. The deck
is made in the build's own process, beside the workers.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait

from .workers import Workers

PRIORITY_FIRST = float("inf")  # the merges (the build waits on them)
PRIORITY_CHART = 1e12  # charts before pages: the pages of their sections wait for them
PRIORITY_HERE = PRIORITY_CHART / 2  # with one job, the deck: after the charts, before the pages


class Schedule:
    def __init__(self, workers: Workers):
        self.workers = workers
        self.queue: list[tuple] = []
        self.pending: dict[Future, Callable] = {}  # in the workers
        self.here: dict[Future, Callable] = {}  # in this process, beside them
        self.sequence = 0

    def submit(self, priority: float, then: Callable, function: Callable, *args) -> None:
        """Queue ``function(*args)`` for the workers; ``then`` gets its result (in this process),
        and may queue more. A worker that is free takes it at once: the workers start while
        the rest of the build is still being queued."""
        self.sequence += 1
        heapq.heappush(self.queue, (-priority, self.sequence, function, args, then))
        if self.workers.jobs > 1:  # one job: everything runs here, in priority order, from run()
            self._dispatch()

    def submit_here(self, then: Callable, function: Callable, *args) -> None:
        """Run ``function(*args)`` in this process while the workers work (in the order given):
        work that needs what only this process has loaded (see :meth:`Workers.submit_here`).
        With one job, where everything runs here, it is queued after the charts."""
        if self.workers.jobs == 1:
            self.submit(PRIORITY_HERE, then, function, *args)
        else:
            self.here[self.workers.submit_here(function, *args)] = then

    def _dispatch(self) -> None:
        while self.queue and len(self.pending) < self.workers.jobs:
            _, _, function, args, then = heapq.heappop(self.queue)
            self.pending[self.workers.submit(function, *args)] = then

    def run(self) -> None:
        """Hand the queue to the workers until everything queued, and everything queued by the
        ``then`` callbacks, is done. A task's exception is raised here."""
        while True:
            self._dispatch()
            if not self.pending and not self.here:
                return
            done, _ = wait([*self.pending, *self.here], return_when=FIRST_COMPLETED)
            for future in done:  # the order of arrival does not matter: results are kept by place
                callback = self.pending.pop(future) if future in self.pending else self.here.pop(future)
                callback(future.result())
