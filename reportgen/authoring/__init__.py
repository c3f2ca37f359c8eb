"""Authoring: next year's report without a programmer.

``rollforward`` makes next year's project from this year's, ``skeleton`` a minimal new one,
``workbook`` writes the input workbooks for the directorates, ``collect`` reads them back
into the project, ``from_workbook`` starts a project from an existing spreadsheet.

The functions below are what ``reportgen new``, ``workbook``, ``collect`` and ``init`` call; a
notebook or another program can call them too. Each returns what was done, in lines for the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def new_project(target: str | Path, source: str | Path | None = None, year: int | None = None) -> list[str]:
    """Write a new project into ``target`` (a new or empty folder): next year's from ``source``
    (:mod:`reportgen.authoring.rollforward`), or without ``source`` the minimal project that
    builds. Returns what was done, in lines for the user."""
    if source is None:
        from .skeleton import new_project as skeleton

        written = skeleton(target, year)
        return [f"Nuovo progetto {target}: {len(written)} file (report.yaml, data/, text/), "
                f"ogni chiave spiegata nei commenti.", f"Poi: reportgen build {target}"]
    from .rollforward import roll_forward

    return roll_forward(source, target, year).lines


def write_workbook(project: str | Path, out: str | Path | None = None, owner: str | None = None,
                   due: str | None = None) -> list[str]:
    """Write the input workbook of ``project`` (:mod:`reportgen.authoring.workbook`): one sheet per
    input table, only ``owner``'s tables when given; ``due`` is the date written on the cover."""
    from .workbook import write_workbook as write

    return write(project, out, owner, due).lines


def collect_workbooks(project: str | Path, workbooks: Iterable[str | Path]) -> list[str]:
    """Read filled workbooks into ``project``'s data (:mod:`reportgen.authoring.collect`): every
    cell validated, nothing written unless all are valid; returns the summary of what changed."""
    from .collect import collect

    return collect(project, list(workbooks)).lines


def init_from_workbook(target: str | Path, workbook: str | Path, year: int | None = None) -> list[str]:
    """Make a project in ``target`` from an existing workbook (:mod:`reportgen.authoring.from_workbook`):
    one table and section per sheet; returns what was inferred and what could not be."""
    from .from_workbook import init_from_workbook as init

    return init(target, workbook, year).lines
