"""Where the cards are made: local worker processes, or the workers of a Dask scheduler.

Both run :func:`~reportgen.batch.card.make_card` with the same arguments, so the files are
the same bytes whichever made them. Both yield each card as it is done and make again the
cards of a worker that died: the local pool is restarted (a killed process breaks a
ProcessPoolExecutor), the Dask scheduler moves them to another worker by itself.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import InputError
from ..pipeline import Workers
from .card import Card, make_card

RESTARTS = 3  # a pool broken this many times (a card that kills its worker) stops the batch


class Local:
    """``jobs`` processes of the build's own pool (they die with the command: pipeline.workers)."""

    def __init__(self, jobs: int | None):
        self.jobs = jobs
        self.workers: Workers | None = None

    def run(self, units: list[str], args: tuple) -> Iterator[Card]:
        left, restarts = list(units), 0
        if self.jobs == 1:  # in this process, one after the other: each card is written as it is made
            for unit in left:
                yield make_card(args[0], unit, *args[1:])
            return
        while left:
            self.workers = Workers(min(self.jobs or os.cpu_count() or 1, len(left))).start()
            futures = {self.workers.submit(make_card, args[0], unit, *args[1:]): unit for unit in left}
            broken = False
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: futures[f]):
                    try:
                        card = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    left.remove(futures[future])
                    yield card
            self.workers.close(interrupted=broken)
            self.workers = None
            if broken:
                restarts += 1
                if restarts > RESTARTS:
                    raise InputError(f"the worker processes died {restarts} times; units not built: "
                                     f"{', '.join(left)}")

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close(interrupted=True)
            self.workers = None


class Cluster:
    """An existing ``distributed`` scheduler (``tcp://HOST:8786``). Its workers need reportgen
    (the same version) and the project folder at the same path."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--cluster needs the 'distributed' package: pip install 'reportgen[cluster]'") from None
        try:
            self.client = Client(address, set_as_default=False, timeout="20s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None

    def run(self, units: list[str], args: tuple) -> Iterator[Card]:
        from distributed import as_completed

        # pure=False: a card is made again when asked again (its inputs may have changed on disk)
        futures = [self.client.submit(make_card, args[0], unit, *args[1:], pure=False, key=f"card-{unit}-{uuid.uuid4().hex[:8]}")
                   for unit in units]
        try:
            for future in as_completed(futures, loop=self.client.loop):
                yield future.result()
                future.release()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self.client.close()
