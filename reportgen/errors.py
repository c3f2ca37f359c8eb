"""Error types shared by every stage.

A user error (bad data, bad configuration, a narrative that references a figure that does
not exist) is an :class:`InputError` carrying a :class:`Location`; the CLI prints one line
per error and exits with status 2. Anything else is a bug and exits with status 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(slots=True)  # not frozen: built hundreds of thousands of times, never changed
class Location:
    """Where a problem is: a file relative to the project, and optionally sheet, row, column
    (for tables) or line (for YAML and Markdown)."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)


class ReportgenError(Exception):
    """Base of every error reportgen raises on purpose."""

    exit_code = 1


class InputError(ReportgenError):
    """One problem in the user's project, with its location."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputErrors(ReportgenError):
    """Every problem found in one pass, reported together."""

    exit_code = 2

    def __init__(self, errors: Iterable[InputError]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problem(s) in the project")

    def __iter__(self) -> Iterator[InputError]:
        return iter(self.errors)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class ErrorCollector:
    """Collects input errors so that one run reports all of them."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def add(self, message: str, location: Location | None = None) -> None:
        self.errors.append(InputError(message, location))

    def extend(self, errors: Iterable[InputError]) -> None:
        self.errors.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)


class NotReady(ReportgenError):
    """``build --strict``: the readiness check has findings, so nothing is published."""

    exit_code = 1

    def __init__(self, findings: Iterable[object]):
        self.findings = list(findings)
        super().__init__(f"{len(self.findings)} readiness finding(s)")

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.findings)
