"""OIV readiness: what the Organismo Indipendente di Valutazione would find missing, before it does.

The OIV validates the Relazione sulla Performance (art. 14, c. 4, lett. c, D.Lgs. 150/2009)
after the administration adopts it, both by 30 June of the year after the one reported on
(art. 10, c. 1, lett. b). :func:`findings` lists, one :class:`Finding` each with its location:

* ``dfp-part`` – a part the DFP guidelines n. 3/2018 expect (principali risultati, contesto e
  risorse, performance organizzativa, performance individuale, processo di misurazione e
  valutazione, bilancio di genere) that no section covers and ``report.yaml`` does not mark
  not applicable (``dfp:``);
* ``approval-act`` / ``validation-act`` – the act adopting the Relazione or the OIV's validation,
  or its number or date, missing;
* ``adoption-late`` / ``validation-late`` – adopted or validated after 30 June of year + 1;
  ``validation-order`` – validated before it was adopted;
* ``missing-reason`` – an objective or KPI whose target the engine finds missed
  (:mod:`reportgen.engine.outcomes`) without a motivazione dello scostamento;
* ``check-value`` – a figure the source prints (a check value) that differs from the computed one.

The first four kinds apply to a Relazione (``document: relazione``, the default); for another
document (``document: abstract``) only the figures are checked. Nothing here reads files:
:func:`findings` works on a project already loaded and computed, so a build can call it too;
:func:`check_project` loads and computes first.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from .content import formatter_for
from .engine import EngineResult
from .engine.checks import CheckResult
from .engine.outcomes import outcome_columns
from .errors import Location
from .formatting import NBSP, Formatter
from .load import LoadedProject
from .load.config import DFP_PARTS, ProjectConfig
from .project import compile_project

REPORT_YAML = "report.yaml"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix before the OIV validates the report."""

    code: str  # dfp-part, approval-act, validation-act, adoption-late, validation-late, ...
    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(slots=True)
class ReadinessReport:
    project: Path
    findings: list[Finding]
    todo: list[tuple[str, list[Finding]]] = field(default_factory=list)  # a draft's to-do list, by section

    @property
    def ready(self) -> bool:
        return not self.findings and not self.todo

    @property
    def exit_code(self) -> int:
        return 0 if self.ready else 1


def deadline(year: int) -> _dt.date:
    """The last day to adopt and validate the Relazione on ``year``: 30 June of the next year."""
    return _dt.date(year + 1, 6, 30)


def check_project(project: str | Path, with_todo: bool | None = None) -> ReadinessReport:
    """Load, validate and compute a project, then list its findings. Raises
    :class:`~reportgen.errors.InputErrors` when the project itself is invalid. ``with_todo``
    adds the to-do list (:func:`todo`); by default, when the project is a draft (:func:`is_draft`)."""
    compiled = compile_project(project, content=False)
    loaded, result = compiled.loaded, compiled.result
    listed = todo(loaded, result) if (is_draft(loaded) if with_todo is None else with_todo) else []
    return ReadinessReport(Path(project), findings(loaded, result), listed)


def findings(loaded: LoadedProject, result: EngineResult) -> list[Finding]:
    """Every finding of a loaded and computed project, in the order: structure, acts and dates,
    missed targets without a reason (by table), check values."""
    config = loaded.config
    found: list[Finding] = []
    if config.document == "relazione":
        found += _structure(config)
        found += _acts(config)
    found += _missed_targets(loaded, result, formatter_for(config))
    found += _check_values(loaded, result.checks)
    return found


def _structure(config: ProjectConfig) -> list[Finding]:
    found = []
    for part, name in DFP_PARTS.items():
        if part not in config.dfp:
            found.append(Finding("dfp-part", f"dfp.{part}: no section covers '{name}' (Linee guida DFP n. 3/2018); "
                                             "list the ids of the sections covering it, or give "
                                             "not_applicable: REASON", Location(REPORT_YAML)))
    return found


def _acts(config: ProjectConfig) -> list[Finding]:
    found = []
    where = Location(REPORT_YAML)
    approval, validation = config.approval, config.validation
    for key, act, code, what in (("approval", approval, "approval-act", "act adopting the Relazione"),
                                 ("validation", validation, "validation-act", "OIV validation act")):
        if act.act is None and act.date is None:
            found.append(Finding(code, f"{key}: the {what} is missing (give {key}: {{body, act, date}})", where))
        elif act.act is None:
            found.append(Finding(code, f"{key}.act: the number of the {what} is missing", where))
        elif act.date is None:
            found.append(Finding(code, f"{key}.date: the date of the {what} is missing", where))
    last = deadline(config.year)
    if approval.date is not None and approval.date > last:
        found.append(Finding("adoption-late", f"approval.date: adopted on {approval.date.isoformat()}, after "
                                              f"{last.isoformat()}, the deadline for the Relazione on {config.year} "
                                              "(art. 10, c. 1, lett. b, D.Lgs. 150/2009)", where))
    if validation.date is not None and validation.date > last:
        found.append(Finding("validation-late", f"validation.date: validated on {validation.date.isoformat()}, "
                                                f"after {last.isoformat()}, the deadline for the Relazione on "
                                                f"{config.year} (art. 10, c. 1, lett. b, D.Lgs. 150/2009)", where))
    if validation.date is not None and approval.date is not None and validation.date < approval.date:
        found.append(Finding("validation-order", f"validation.date: validated on {validation.date.isoformat()}, "
                                                 f"before the Relazione was adopted ({approval.date.isoformat()}): "
                                                 "the OIV validates the adopted Relazione", where))
    return found


def _missed_targets(loaded: LoadedProject, result: EngineResult, formatter: Formatter) -> list[Finding]:
    """Data rows whose outcome the engine finds missed, without a motivazione dello scostamento.
    Total and subtotal rows aggregate the data rows: their reasons are those of the rows."""
    found = []
    for table_id in sorted(result.tables):
        table = result.tables[table_id]
        schema = table.schema
        source = loaded.tables.get(table_id)
        for outcome in outcome_columns(schema):
            for row in table.data_rows():
                figure = row.figures.get(outcome.column)
                if figure is None or outcome.met(figure.number) is not False:
                    continue
                reason = row.value(outcome.reason) if outcome.reason else None
                if isinstance(reason, str) and reason.strip():
                    continue
                label = row.value(schema.label_column) if schema.label_column else None
                named = f"{figure.id} = {formatter.figure(figure)}".replace(NBSP, " ")
                if label not in (None, "") and str(label) != row.id:
                    named += f" ('{label}')"
                if outcome.reason:
                    message = f"target missed without a reason (motivazione dello scostamento): {named}"
                else:
                    message = (f"target missed without a reason (motivazione dello scostamento): {named}; "
                               f"{schema.schema_file} names no reason column: add reason: COLUMN to "
                               f"{outcome.path} (or outcome: false if '{outcome.column}' is not a target's outcome)")
                found.append(Finding("missing-reason", message, _row_location(source, row, outcome.reason, schema)))
    return found


def _row_location(source, row, column: str | None, schema) -> Location:
    """The cell to fill in (the reason of a data row read from a file), else the row, else the schema."""
    if source is None or row.number is None:
        return Location(schema.schema_file)
    figure = row.figures.get(column) if column else None
    if figure is not None and figure.source is not None:
        return figure.source
    return Location(source.file or schema.schema_file, source.sheet, row.number, column)


def _check_values(loaded: LoadedProject, checks: list[CheckResult]) -> list[Finding]:
    found = []
    for check in checks:
        if check.ok:
            continue
        schema = loaded.schemas.get(check.table)
        path = next((c.path for c in schema.checks if (c.row, c.column, c.published) ==
                     (check.row, check.column, check.published)), "checks") if schema else "checks"
        found.append(Finding("check-value", f"{path}: {check.message}", check.location))
    return found




# -- The to-do list of a draft (``reportgen check`` on a rolled-forward project) ---------------
#
# Separate from the findings above: a draft is not yet meant for the OIV, and what it lacks is
# the year's own work – figures still empty, texts still last year's, charts with nothing to
# draw. Each item is a Finding with its own code, listed under the section that shows it.

# The line ``reportgen new --from`` puts at the top of every narrative it carries over: the text
# is last year's until someone rewrites it and removes the line.
DRAFT_MARKER = "> **BOZZA**"


def is_draft(loaded: LoadedProject) -> bool:
    """Whether a narrative still carries the draft marker of ``reportgen new --from``."""
    return any(line.startswith(DRAFT_MARKER) for n in loaded.narratives.values() for line in n.text.splitlines())


def _short(text: object, width: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def todo(loaded: LoadedProject, result: EngineResult) -> list[tuple[str, list[Finding]]]:
    """What is still to do, grouped by section (number and title, in report order): each empty
    input cell of a numeric column (``empty-cell``: table, row, column), each narrative still
    marked as a draft (``draft-text``), each chart without any figure (``chart-no-data``).
    Tables no section shows come last, under "(tabelle non mostrate)"."""
    from .content import build_report
    from .content.model import ChartBlock, KpiBlock, TableBlock, TextBlock

    report = build_report(loaded, result)
    groups: list[tuple[str, list[Finding]]] = []
    listed: set[str] = set()

    def cells(table_id: str) -> list[Finding]:
        if table_id in listed or table_id not in loaded.tables:
            return []
        listed.add(table_id)
        table = loaded.tables[table_id]
        schema = table.schema
        found = []
        for row in table.rows:
            label = row.cells.get(schema.label_column) if schema.label_column else None
            named = f"'{_short(label)}' ({row.id})" if label not in (None, "") and str(label) != row.id else row.id
            for column in schema.input_columns:
                if column.numeric and row.cells.get(column.name) is None:
                    found.append(Finding(
                        "empty-cell", f"da compilare: tabella '{_short(schema.title)}' ({table_id}), riga {named}, "
                                      f"colonna '{column.label}' ({column.name})",
                        Location(table.file or schema.schema_file, table.sheet, row.number, column.name)))
        return found

    def walk(section) -> None:
        found: list[Finding] = []
        for block in section.blocks:
            if isinstance(block, TextBlock):
                source = loaded.narratives.get(block.narrative.file)
                for number, line in enumerate(source.text.splitlines() if source else (), 1):
                    if line.startswith(DRAFT_MARKER):
                        found.append(Finding("draft-text", "testo in bozza: aggiornarlo e cancellare la riga "
                                                           f"«{DRAFT_MARKER}»", Location(source.file, line=number)))
            elif isinstance(block, TableBlock):
                found += cells(block.table)
            elif isinstance(block, ChartBlock):
                spec = block.spec
                if all(v is None for s in spec.series for v in spec.values(s)):
                    found.append(Finding("chart-no-data", f"grafico senza dati: '{_short(spec.title)}'",
                                         Location(REPORT_YAML)))
                for series in spec.series:
                    for figure in series.figures:
                        if figure is not None:
                            table_id = figure.id.split(".")[0]
                            found += cells(table_id)
            elif isinstance(block, KpiBlock):
                for item in block.items:
                    found += cells(item.figure.id.split(".")[0])
        if found:
            groups.append((f"{section.number} {section.title}", found))
        for child in section.children:
            walk(child)

    for section in report.sections:
        walk(section)
    rest = [f for table_id in sorted(loaded.tables) for f in cells(table_id)]
    if rest:
        groups.append(("(tabelle non mostrate)", rest))
    return groups


__all__ = ["Finding", "ReadinessReport", "check_project", "deadline", "findings", "is_draft", "todo"]
