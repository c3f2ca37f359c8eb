"""``reportgen diff`` on a repeated project: the figures of each unit's card, compared card by
card and named by the unit first (``DC Risorse Umane › 2 I.E.E.P. › … › Totale``).

Only the cards that can differ are computed: every unit when a shared file changed (report.yaml,
a schema, a narrative, a shared table), else the units whose rows changed. The pages are not
rendered (a batch has hundreds of cards): build the changed cards to see them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..diff import DiffReport, _compare_config, _compare_narrative
from ..diff.figures import RowChange, compare_figures
from ..errors import InputError
from ..load import LoadedProject, load_project
from ..load.config import load_project_config
from ..project import compile_loaded
from .run import _shared_print
from .view import Rows, unit_view, units_of


def _side(root: Path) -> tuple[LoadedProject, Rows, dict[str, dict[str, str]], tuple]:
    config = load_project_config(root)
    if config.repeat is None:
        raise InputError("one draft repeats per unit (repeat:) and the other does not: compare them as folders")
    rows = Rows(config.repeat, None)
    loaded = load_project(root, rows=rows)
    per_unit = {(root / t.file).resolve() for tid, t in loaded.tables.items()
                if tid in rows.per_unit | {config.repeat.table} and t.file}
    shared = (_shared_print(root, root / ".reportgen", per_unit), sorted(rows.headers.items()))
    return loaded, rows, units_of(loaded, config.repeat), shared


def _prefixed(change, unit: str):
    if isinstance(change, RowChange):
        return dataclasses.replace(change, where=f"{unit} › {change.where}")
    return dataclasses.replace(change, place=(f"{unit} › {change.place[0]}", *change.place[1:]),
                               causes=[f"{unit} › {cause}" for cause in change.causes])


def diff_units(old_root: Path, new_root: Path, names: tuple[str, str], progress=None) -> DiffReport:
    note = progress or (lambda stage: None)
    note("Reading both drafts")
    old, old_rows, old_units, old_shared = _side(old_root)
    new, new_rows, new_units, new_shared = _side(new_root)
    repeat = new.config.repeat
    report = DiffReport(*names)
    title = repeat.title
    for unit in new_units.keys() - old_units.keys():
        report.rows.append(RowChange(repeat.table, unit, new_units[unit].get(title) or unit, "added"))
    for unit in old_units.keys() - new_units.keys():
        report.rows.append(RowChange(repeat.table, unit, old_units[unit].get(title) or unit, "removed"))
    both = [u for u in new_units if u in old_units]
    if old_shared == new_shared:
        both = [u for u in both if sorted(old_rows.by_unit.get(u, [])) != sorted(new_rows.by_unit.get(u, []))
                or old_units[u] != new_units[u]]
    note(f"Computing the cards that may differ ({len(both)})")
    first = None
    for unit in both:
        views = [unit_view(root, unit) for root in (old_root, new_root)]
        a, b = (compile_loaded(root, v.loaded, before_content=v.apply_checks)
                for root, v in zip((old_root, new_root), views, strict=True))
        figures, rows = compare_figures(a.result, b.result, a.report, b.report, b.formatter)
        name = new_units[unit].get(title) or unit
        report.figures += [_prefixed(c, name) for c in figures]
        report.rows += [_prefixed(r, name) for r in rows]
        if first is None:  # the narrative sources and report.yaml are the same for every card
            first = (a, b)
    if first is not None:
        a, b = first
        report.narrative = _compare_narrative(a.loaded, b.loaded, a.report, b.report)
    report.config = _compare_config(old, new)
    return report
