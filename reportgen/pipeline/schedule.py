"""The order in which a build's pieces reach the workers.

The pool gets no more tasks than it has workers: the rest wait here, in a priority queue,
so that what the build waits on goes first however the pieces arrive. The highest priority
goes first (the deck and the merges, then the charts the pages wait for, then the longest
pieces, a piece's size standing for its cost); equal priorities keep the order they came in.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait

from .workers import Workers

PRIORITY_FIRST = float("inf")  # the deck (long, and ready at once) and the merges (the build waits on them)
PRIORITY_CHART = 1e12  # charts before pages: the pages of their sections wait for them


class Schedule:
    def __init__(self, workers: Workers):
        self.workers = workers
        self.queue: list[tuple] = []
        self.pending: dict[Future, Callable] = {}
        self.sequence = 0

    def submit(self, priority: float, then: Callable, function: Callable, *args) -> None:
        """Queue ``function(*args)``; ``then`` gets its result (in this process), and may queue more."""
        self.sequence += 1
        heapq.heappush(self.queue, (-priority, self.sequence, function, args, then))

    def run(self) -> None:
        """Hand the queue to the workers until everything queued, and everything queued by the
        ``then`` callbacks, is done. A task's exception is raised here."""
        while True:
            while self.queue and len(self.pending) < self.workers.jobs:
                _, _, function, args, then = heapq.heappop(self.queue)
                self.pending[self.workers.submit(function, *args)] = then
            if not self.pending:
                return
            done, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
            for future in done:  # the order of arrival does not matter: results are kept by place
                callback = self.pending.pop(future)
                callback(future.result())
