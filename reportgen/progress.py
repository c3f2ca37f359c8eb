"""How a long build tells what it is doing: stages, some with a count of pieces.

The API takes any object with these three methods, or a plain ``callable(message)`` that
receives one line per stage. The CLI shows progress bars (rich) on a terminal and plain
lines otherwise; ``--quiet`` shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str, total: int | None = None) -> None:
        """A stage begins; ``total`` pieces will be reported with :meth:`advance`."""

    def advance(self, name: str, amount: int = 1) -> None:
        """``amount`` more pieces of stage ``name`` are done."""

    def done(self, name: str) -> None:
        """Stage ``name`` is finished."""


class Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, name: str, amount: int = 1) -> None:
        pass

    def done(self, name: str) -> None:
        pass


class Lines(Silent):
    """One call of ``notify`` per stage, with its size: for logs and simple callers."""

    def __init__(self, notify: Callable[[str], None]):
        self.notify = notify

    def stage(self, name: str, total: int | None = None) -> None:
        self.notify(f"{name} ({total})" if total else name)


def as_progress(progress: Progress | Callable[[str], None] | None) -> Progress:
    if progress is None:
        return Silent()
    if all(hasattr(progress, method) for method in ("stage", "advance", "done")):
        return progress  # type: ignore[return-value]
    return Lines(progress)  # type: ignore[arg-type]
