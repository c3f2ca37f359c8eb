"""Stage 1, load: the project folder becomes validated tables, narrative sources and config.

Nothing downstream runs on invalid input: :func:`load_project` either returns a
:class:`LoadedProject` or raises :class:`~reportgen.errors.InputErrors` with every problem
found (configuration, schemas, data cells, missing narrative files) in one pass.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCollector, InputError, Location
from ..perf import bulk_allocation
from .blocks import check_references
from .config import ProjectConfig, TextBlockConfig, load_project_config
from .files import MAX_YAML_BYTES, check_input, read_project_text
from .keys import SCHEMA_SUFFIX
from .readers import RawTable, read_table_file
from .schema import TableSchema, parse_table_schema
from .tables import InputTable, validate_table

DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm")


@dataclass(frozen=True, slots=True)
class Narrative:
    file: str  # relative to the project
    text: str


@dataclass(slots=True)
class LoadedProject:
    config: ProjectConfig
    tables: dict[str, InputTable]  # tables read from files
    schemas: dict[str, TableSchema]  # every table, including those derived from another
    narratives: dict[str, Narrative]
    notes: list[str] = field(default_factory=list)  # things the user should know, not errors


def inside(root: Path, relative: str) -> Path | None:
    """Resolve a project-relative path, refusing anything that escapes the project folder."""
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) else None


def _data_file(root: Path, schema: TableSchema, errors: ErrorCollector) -> Path | None:
    if schema.file:
        # the file named, not where a link leads: a link is judged (and refused) by check_input
        path = root / schema.file
        if not Path(os.path.normpath(path)).is_relative_to(root) or not os.path.lexists(path):
            errors.add(f"data file '{schema.file}' not found in the project", Location(schema.schema_file))
            return None
        return path if check_input(root, path, schema.file, errors) else None
    candidates = [root / "data" / f"{schema.id}{suffix}" for suffix in DATA_SUFFIXES]
    found = [p for p in candidates if os.path.lexists(p)]
    if not found:
        errors.add(f"no data file: expected data/{schema.id}.csv or data/{schema.id}.xlsx",
                   Location(schema.schema_file))
        return None
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        errors.add(f"both {names} exist; keep one", Location(schema.schema_file))
        return None
    display = found[0].relative_to(root).as_posix()
    return found[0] if check_input(root, found[0], display, errors) else None


def _check_references(config: ProjectConfig, schemas: dict[str, TableSchema],
                      narratives: dict[str, Narrative], errors: ErrorCollector, unreadable: set[str]) -> None:
    # each kind of block checks its own (blocks.py)
    check_references(config, schemas, narratives, errors, frozenset(unreadable))


def load_project(root: Path | str, section: str | None = None,
                 rows: Callable[[TableSchema, RawTable], RawTable] | None = None) -> LoadedProject:
    """Read a report project: configuration, every table, every narrative file. ``section``,
    when given, must name a section of the report (checked with everything else). ``rows``
    chooses the rows of each data file that are validated and kept (a repeated project keeps
    one unit's: reportgen.batch)."""
    root = Path(root).resolve()
    errors = ErrorCollector()
    config = load_project_config(root, errors)
    config_ok = not errors  # when report.yaml is invalid, checks that depend on it would only add noise
    if config_ok and section is not None and config.section(section) is None:
        ids = ", ".join(s.id for s in config.walk())
        errors.add(f"unknown section '{section}'; sections: {ids}", Location("report.yaml"))
    schemas: dict[str, TableSchema] = {}
    # tables whose schema has its own error (YAML syntax, ...): that one message is enough, a block
    # naming the table must not add a misleading "unknown table"
    unreadable: set[str] = set()
    data_dir = root / "data"
    for path in sorted(data_dir.glob(f"*{SCHEMA_SUFFIX}")) if data_dir.is_dir() else []:
        table_id = path.name[: -len(SCHEMA_SUFFIX)]
        if not check_input(root, path, f"data/{path.name}", errors, MAX_YAML_BYTES):
            unreadable.add(table_id)
            continue
        schema = parse_table_schema(path, f"data/{path.name}", table_id, errors)
        if schema is not None:
            schemas[table_id] = schema
        else:
            unreadable.add(table_id)
    tables: dict[str, InputTable] = {}
    notes: list[str] = []
    for schema in schemas.values():
        if schema.source_table:
            if schema.source_table not in schemas and schema.source_table not in unreadable:
                errors.add(f"source.table: unknown table '{schema.source_table}'", Location(schema.schema_file))
            continue
        path = _data_file(root, schema, errors)
        if path is None:
            continue
        display = path.relative_to(root).as_posix()
        raw = read_table_file(path, display, schema.sheet, errors, schema.header_rows, root)
        if raw is None:
            continue
        if rows is not None:
            raw = rows(schema, raw)
        if raw.hidden_rows:
            notes.append(f"{raw.location()}: {raw.hidden_rows} hidden row(s) left out")
        with bulk_allocation():
            table = validate_table(raw, schema, config.decimal_mark, errors, empty_ok=rows is not None)
        if table is not None:
            tables[schema.id] = table
    narratives: dict[str, Narrative] = {}
    for section in config.walk() if config_ok else ():
        for block in section.blocks:
            if not isinstance(block, TextBlockConfig):
                continue
            path = inside(root, block.file)
            if path is None:
                errors.add(f"section '{section.id}': '{block.file}' is outside the project folder",
                           Location("report.yaml"))
                continue
            if not os.path.lexists(root / block.file):
                continue  # reported by _check_references
            try:  # a FIFO or a huge file is refused, not waited on
                narratives[block.file] = Narrative(block.file, read_project_text(root, root / block.file, block.file))
            except InputError as exc:
                errors.errors.append(exc)
                narratives[block.file] = Narrative(block.file, "")
    if config_ok:
        _check_references(config, schemas, narratives, errors, unreadable)
    errors.raise_if_any()
    return LoadedProject(config, tables, schemas, narratives, notes)
