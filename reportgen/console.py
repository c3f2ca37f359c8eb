"""Progress on the terminal: a bar per stage with a count of pieces (rich), plain lines
when the output is not a terminal (CI logs), nothing with ``--quiet``."""

from __future__ import annotations

import sys
from collections.abc import Callable

from .progress import Lines, Progress, Silent


class Bars:
    """rich progress bars on stderr; stages without a count show as done when the next begins."""

    def __init__(self, words: Callable[[str], str] = str) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        # pieces per second and time left: a batch of hundreds of cards says when it will end
        rate = TextColumn("{task.fields[rate]}")
        self.bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), rate,
                             TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                             transient=False)
        self.tasks: dict[str, int] = {}
        self.open: list[str] = []  # stages without a count, finished by the next stage
        self.words = words

    def __enter__(self) -> Bars:
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        for name in self.open:
            self.done(name)
        self.bars.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        for previous in self.open:
            self.done(previous)
        self.open = [] if total else [name]
        if name not in self.tasks:
            self.tasks[name] = self.bars.add_task(self.words(name), total=total or 1, rate="")

    def advance(self, name: str, amount: int = 1) -> None:
        if name in self.tasks:
            task = self.tasks[name]
            self.bars.advance(task, amount)
            speed = self.bars.tasks[task].speed
            self.bars.update(task, rate=f"{speed:.2f}/s" if speed else "")

    def done(self, name: str) -> None:
        if name in self.tasks:
            task = self.tasks[name]
            self.bars.update(task, completed=self.bars.tasks[task].total)


class _Quiet(Silent):
    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc) -> None:
        pass


class _Log(Lines, _Quiet):
    pass


def progress_for(quiet: bool, words: Callable[[str], str] = str) -> Progress:
    """A context manager that is also a :class:`~reportgen.progress.Progress`; ``words`` puts a
    stage's name in the user's language."""
    if quiet:
        return _Quiet()
    if sys.stderr.isatty():
        return Bars(words)
    return _Log(lambda message: print(f"… {words(message)}", file=sys.stderr, flush=True))
