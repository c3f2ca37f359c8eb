"""``reportgen check`` on a repeated project: each unit's card checked as it is built (its own
rows, totals and check values), every finding naming its unit.

Read as one document, a repeated project mixes every unit's rows: a total is the sum over all
units, a check value of the DC's card is compared with it, a narrative naming ``{{ unit.… }}``
cannot be read. Here every unit is narrowed and computed as its card is (no page is laid out):
a unit whose rows are invalid gives its input problems as findings, the others are checked.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..errors import InputError, InputErrors, Location
from ..load import load_project
from ..load.config import load_project_config
from ..project import compile_loaded
from ..readiness import REPORT_YAML, Finding, ReadinessReport, findings, is_draft, todo
from .view import Rows, check_owners, read_once, unit_view, units_of


def check_units(project: str | Path, with_todo: bool | None = None) -> ReadinessReport:
    """The findings of every unit's card. Raises InputErrors when the project itself is invalid
    (report.yaml, a shared table, a row of no unit); a unit's invalid rows are findings of that unit."""
    root = Path(project).resolve()
    config = load_project_config(root)
    repeat = config.repeat
    if repeat is None:
        raise InputError("report.yaml has no repeat: check it as one report", Location(REPORT_YAML))
    rows = Rows(repeat, None)
    units = units_of(load_project(root, rows=rows, read=read_once), repeat)
    check_owners(rows, units)
    found: list[Finding] = []
    listed: list[tuple[str, list[Finding]]] = []
    shared: set[tuple[str, str, str]] = set()  # report.yaml's own findings, the same for every card: once
    for unit, row in units.items():
        try:
            view = unit_view(root, unit, config)
            compiled = compile_loaded(root, view.loaded, content=False, before_content=view.apply_checks)
        except (InputError, InputErrors) as exc:
            for error in exc.errors if isinstance(exc, InputErrors) else [exc]:
                found.append(Finding("unit-input", f"unit '{unit}': {error.message}",
                                     error.location or Location(REPORT_YAML)))
            continue
        for finding in findings(compiled.loaded, compiled.result):
            if finding.location.file == REPORT_YAML and finding.location.row is None:
                key = (finding.code, finding.message, str(finding.location))
                if key not in shared:
                    shared.add(key)
                    found.append(finding)
                continue
            found.append(dataclasses.replace(finding, message=f"unit '{unit}': {finding.message}"))
        if is_draft(compiled.loaded) if with_todo is None else with_todo:
            name = row.get(repeat.title) or unit
            listed += [(f"{name} › {section}", items) for section, items in todo(compiled.loaded, compiled.result)]
    return ReadinessReport(root, found, listed)
