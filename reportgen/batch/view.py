"""One unit's view of a repeated project: its rows, its titles, its banner, its checks.

The rows are chosen before validation (``load_project(rows=…)``): a bad cell in one unit's
rows fails that unit's document only, and every total is computed over the unit's own rows.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path

from ..engine import EngineResult
from ..engine.checks import run_checks
from ..errors import ErrorCollector, InputError, Location
from ..load import LoadedProject, Narrative, load_project
from ..load.blocks import TextBlockConfig
from ..load.config import ProjectConfig, Repeat
from ..load.readers import RawTable
from ..load.schema import TableSchema
from ..load.tables import slug

UNIT_FIELD = re.compile(r"\{\{\s*unit\.(\w+)\s*\}\}")
BANNER_FILE = "report.yaml (repeat.banner)"  # the banner is a narrative no file holds


def cell_text(value) -> str:
    return "" if value is None else str(value).strip()


class Rows:
    """The ``rows`` chooser of :func:`load_project`. With a ``unit``: that unit's rows of every
    table with the repeat column (and its row of the units table). Without: the units table whole,
    the other per-unit tables emptied but their rows remembered by unit (a batch's cache keys)."""

    def __init__(self, repeat: Repeat, unit: str | None):
        self.repeat, self.unit = repeat, unit
        self.per_unit: set[str] = set()  # tables with the repeat column
        self.kept: dict[str, int] = {}  # rows kept per table
        self.by_unit: dict[str, list[str]] = defaultdict(list)  # unit → its raw rows, as text
        self.headers: dict[str, list[str]] = {}  # the header of each per-unit table (in no unit's rows)

    def __call__(self, schema: TableSchema, raw: RawTable) -> RawTable:
        is_units = schema.id == self.repeat.table
        name = self.repeat.id if is_units else self.repeat.column
        spec = schema.columns.get(name)
        spellings = {slug(name), *(slug(h) for h in (spec.headers if spec else ()))}
        index = next((i for i, h in enumerate(raw.header) if slug(h) in spellings), None)
        if index is None:
            return raw  # shared by every unit
        def owner(row) -> str:
            return cell_text(row.values[index]) if index < len(row.values) else ""
        if not is_units:
            self.per_unit.add(schema.id)
        if self.unit is None:
            self.headers[schema.id] = [str(h) for h in raw.header]
            for row in raw.rows:
                self.by_unit[owner(row)].append(f"{schema.id}\0{row.values!r}")
            return raw if is_units else dataclasses.replace(raw, rows=[])
        rows = [row for row in raw.rows if owner(row) == self.unit]
        self.kept[schema.id] = len(rows)
        return dataclasses.replace(raw, rows=rows)


def units_of(loaded: LoadedProject, repeat: Repeat) -> dict[str, dict[str, str]]:
    """Unit id → its row of the units table (column → text), in the table's order."""
    table = loaded.tables.get(repeat.table)
    where = Location("report.yaml")
    if table is None:
        raise InputError(f"repeat.table: unknown table '{repeat.table}'", where)
    for key in ("id", "title"):
        if getattr(repeat, key) not in table.schema.columns:
            raise InputError(f"repeat.{key}: table '{repeat.table}' has no column '{getattr(repeat, key)}'", where)
    units: dict[str, dict[str, str]] = {}
    for row in table.rows:
        values = {name: cell_text(row.cells.get(name)) for name in table.schema.columns}
        units.setdefault(values[repeat.id], values)
    return units


def _titled(text: str | None, unit: dict[str, str], repeat: Repeat) -> str | None:
    def field(match: re.Match) -> str:
        if match.group(1) not in unit:
            raise InputError(f"{{{{ unit.{match.group(1)} }}}}: table '{repeat.table}' has no column "
                             f"'{match.group(1)}'", Location("report.yaml"))
        return unit[match.group(1)]
    return None if text is None else UNIT_FIELD.sub(field, text)


def _section(section, unit: dict[str, str], repeat: Repeat):
    return dataclasses.replace(section, title=_titled(section.title, unit, repeat),
                               children=tuple(_section(c, unit, repeat) for c in section.children))


def wants_banner(repeat: Repeat, unit: dict[str, str]) -> bool:
    return bool(repeat.banner and repeat.banner_when) and all(
        unit.get(column, "").lower() == value.lower() for column, value in repeat.banner_when)


def unit_config(config: ProjectConfig, unit: dict[str, str]) -> ProjectConfig:
    repeat = config.repeat
    assert repeat is not None
    sections = tuple(_section(s, unit, repeat) for s in config.sections)
    if wants_banner(repeat, unit) and sections:
        first = sections[0]
        sections = (dataclasses.replace(first, blocks=(TextBlockConfig(BANNER_FILE), *first.blocks)), *sections[1:])
    return dataclasses.replace(config, title=_titled(config.title, unit, repeat),
                               subtitle=_titled(config.subtitle, unit, repeat), sections=sections, unit=dict(unit))


@dataclasses.dataclass(slots=True)
class UnitView:
    loaded: LoadedProject
    unit: dict[str, str]
    checks: dict[str, tuple]  # per-unit table → its check values, applied after the engine

    def apply_checks(self, loaded: LoadedProject, result: EngineResult) -> None:
        """A check value applies to the unit whose rows hold its row: not when the table has no
        row of this unit, nor when the row is absent (the DC's total, checked on another card)."""
        errors = ErrorCollector()
        for tid, checks in self.checks.items():
            table = result.tables.get(tid)
            if table is None or not checks:
                continue
            kept = tuple(c for c in checks if table.row(c.row) is not None)
            table.schema = dataclasses.replace(table.schema, checks=kept)
            result.checks.extend(run_checks(table, errors))
        errors.raise_if_any()


def unit_view(root: Path, unit_id: str, config: ProjectConfig | None = None) -> UnitView:
    """The project narrowed to ``unit_id``: raises InputErrors naming file, row and column."""
    config = config or _config(root)
    repeat = config.repeat
    assert repeat is not None
    rows = Rows(repeat, unit_id)
    loaded = load_project(root, rows=rows)
    units = units_of(loaded, repeat)
    if unit_id not in units:
        raise InputError(f"no unit '{unit_id}' in table '{repeat.table}'", Location("report.yaml"))
    unit = units[unit_id]
    per_unit = _following(loaded, rows.per_unit | {repeat.table})
    checks = {}
    for tid in per_unit:
        schema = loaded.schemas[tid]
        source = _root_source(loaded, tid)
        # a table none of whose rows is this unit's: its totals are not the ones the checks name
        checks[tid] = schema.checks if rows.kept.get(source, 0) else ()
        loaded.schemas[tid] = dataclasses.replace(schema, checks=())
        if tid in loaded.tables:
            loaded.tables[tid].schema = loaded.schemas[tid]
    narratives = dict(loaded.narratives)
    config = unit_config(loaded.config, unit)
    if wants_banner(repeat, unit):
        narratives[BANNER_FILE] = Narrative(BANNER_FILE, f"**{repeat.banner}**\n")
    view = dataclasses.replace(loaded, config=config, narratives=narratives)
    return UnitView(view, unit, checks)


def _config(root: Path) -> ProjectConfig:
    from ..load.config import load_project_config

    return load_project_config(root)


def _root_source(loaded: LoadedProject, tid: str) -> str:
    seen = set()
    while (source := loaded.schemas[tid].source_table) and tid not in seen:
        seen.add(tid)
        tid = source
    return tid


def _following(loaded: LoadedProject, tables: set[str]) -> set[str]:
    """``tables`` and every table derived from one of them."""
    return {tid for tid in loaded.schemas if _root_source(loaded, tid) in tables}
