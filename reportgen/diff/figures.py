"""The figures layer: every changed input, every derived figure that changed because of it
(linked to its causes through provenance), rows added or removed, targets met or missed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content.model import Report
from ..engine import EngineResult, Figure
from ..formatting import Formatter


@dataclass(slots=True)
class FigureChange:
    id: str
    place: tuple[str, str, str, str]  # section, table, row, column as the report names them
    kind: str  # input / derived
    old: str
    new: str
    difference: str | None
    old_value: str | None
    new_value: str | None
    causes: list[str] = field(default_factory=list)  # where the changed inputs behind a derived figure are
    outcome: str | None = None  # "obiettivo raggiunto → mancato"

    @property
    def where(self) -> str:
        return " › ".join(self.place)


@dataclass(slots=True)
class RowChange:
    table: str
    row: str
    where: str
    status: str  # added / removed


def _sections_of_tables(report: Report) -> dict[str, str]:
    """The first section (number and title) that shows each table, in a table, chart or key figure."""
    shown: dict[str, str] = {}
    for section in report.walk():
        name = section.heading
        for block in section.blocks:
            for table in block.tables_shown():
                shown.setdefault(table, name)
    return shown


class _Names:
    def __init__(self, result: EngineResult, report: Report):
        self.result = result
        self.sections = _sections_of_tables(report)

    def row_label(self, table_id: str, row_id: str) -> str:
        table = self.result.tables.get(table_id)
        row = table.row(row_id) if table else None
        label = row.value(table.schema.label_column) if row is not None and table.schema.label_column else None
        return str(label) if label not in (None, "") else row_id

    def place(self, figure_id: str) -> tuple[str, str, str, str]:
        table_id, row_id, column = figure_id.split(".", 2)
        table = self.result.tables.get(table_id)
        section = self.sections.get(table_id, "(tabella non mostrata)")
        if table is None:
            return section, table_id, row_id, column
        spec = table.columns.get(column)
        return section, table.schema.title, self.row_label(table_id, row_id), spec.label if spec else column

    def where(self, figure_id: str) -> str:
        return " › ".join(self.place(figure_id))


def _same(a: Figure, b: Figure) -> bool:
    return a.value == b.value


def _text(formatter: Formatter, figure: Figure | None) -> str:
    return "–" if figure is None else formatter.figure(figure)


def _difference(formatter: Formatter, old: Figure, new: Figure) -> str | None:
    """The change, with enough decimals to be seen; "invariato a stampa" when the printed
    figure is the same although the exact value moved."""
    if old.number is None or new.number is None:
        return None
    delta = new.number - old.number
    unit = " punti" if new.type == "percent" else ""
    if new.type == "percent":
        delta *= 100
    decimals = 2 if new.type in ("percent", "euro", "decimal", "value") else 0
    decimals = max(decimals, old.decimals or 0, new.decimals or 0) if new.type != "percent" else decimals
    text = formatter.number(delta, decimals, signed=True)
    while delta and text.lstrip("+-").replace("0", "").strip(",.") == "" and decimals < 8:
        decimals += 1
        text = formatter.number(delta, decimals, signed=True)
    same_print = formatter.figure(old) == formatter.figure(new)
    return f"{text}{unit}" + (" – invariato a stampa" if same_print else "")


def _outcome(old: Figure, new: Figure) -> str | None:
    """Whether the figure's target went from met to missed or back (its judgement says)."""
    if new.judgement is None:
        return None
    before, after = new.judgement.met(old.number), new.judgement.met(new.number)
    if before is None or after is None or before == after:
        return None
    return "obiettivo raggiunto → mancato" if before else "obiettivo mancato → raggiunto"


def _inputs_behind(result: EngineResult) -> callable:
    figures = result.all_figures()
    memo: dict[str, frozenset[str]] = {}

    def inputs(figure_id: str) -> frozenset[str]:
        if figure_id in memo:
            return memo[figure_id]
        memo[figure_id] = frozenset()  # guards against a cycle (the engine refuses them anyway)
        figure = figures.get(figure_id)
        if figure is None or figure.is_input:
            found = frozenset({figure_id})
        else:
            found = frozenset().union(*(inputs(dep) for dep in figure.deps)) if figure.deps else frozenset()
        memo[figure_id] = found
        return found

    return inputs


def compare_figures(old: EngineResult, new: EngineResult, old_report: Report, new_report: Report,
                    formatter: Formatter) -> tuple[list[FigureChange], list[RowChange]]:
    old_figures, new_figures = old.all_figures(), new.all_figures()
    names, old_names = _Names(new, new_report), _Names(old, old_report)
    old_rows = {(t, r.id) for t, table in old.tables.items() for r in table.rows}
    new_rows = {(t, r.id) for t, table in new.tables.items() for r in table.rows}
    rows = [RowChange(t, r, f"{names.sections.get(t, '(tabella non mostrata)')} › "
                            f"{new.tables[t].schema.title} › {names.row_label(t, r)}", "added")
            for t, r in sorted(new_rows - old_rows, key=lambda k: _order(new, k))]
    rows += [RowChange(t, r, f"{old_names.sections.get(t, '(tabella non mostrata)')} › "
                             f"{old.tables[t].schema.title} › {old_names.row_label(t, r)}", "removed")
             for t, r in sorted(old_rows - new_rows, key=lambda k: _order(old, k))]
    changed = [fid for fid in new_figures if fid in old_figures and not _same(old_figures[fid], new_figures[fid])]
    # a figure of a row that exists on both sides but gained or lost a column counts as a change too
    for fid in new_figures.keys() ^ old_figures.keys():
        table, row, _ = fid.split(".", 2)
        if (table, row) in old_rows and (table, row) in new_rows:
            changed.append(fid)
    changed_inputs = {fid for fid in changed if new_figures.get(fid) is not None and new_figures[fid].is_input
                      or new_figures.get(fid) is None}
    inputs = _inputs_behind(new)
    changes = []
    for fid in sorted(set(changed), key=lambda f: _order(new, tuple(f.split(".", 2)[:2]), f.split(".", 2)[2])):
        old_figure, new_figure = old_figures.get(fid), new_figures.get(fid)
        figure = new_figure or old_figure
        kind = "input" if figure.is_input else "derived"
        causes = [] if kind == "input" else sorted(inputs(fid) & changed_inputs)
        outcome = _outcome(old_figure, new_figure) if old_figure is not None and new_figure is not None else None
        changes.append(FigureChange(
            fid, names.place(fid) if new_figure else old_names.place(fid), kind,
            _text(formatter, old_figure), _text(formatter, new_figure),
            _difference(formatter, old_figure, new_figure) if old_figure and new_figure else None,
            None if old_figure is None or old_figure.value is None else str(old_figure.value),
            None if new_figure is None or new_figure.value is None else str(new_figure.value),
            [names.where(c) for c in causes], outcome))
    changes.sort(key=lambda c: c.kind != "input")  # the causes first, then what they changed (stable)
    return changes, rows


def _order(result: EngineResult, key: tuple[str, str], column: str = "") -> tuple:
    """Sort by table, then by the row's position and the column's position in its table."""
    table_id, row_id = key
    table = result.tables.get(table_id)
    if table is None:
        return (table_id, 0, 0)
    row_index = next((i for i, r in enumerate(table.rows) if r.id == row_id), len(table.rows))
    column_index = list(table.columns).index(column) if column in table.columns else len(table.columns)
    return (table_id, row_index, column_index)
