"""The document tree every output is rendered from: Report → Section → Block.

It holds figures (values with provenance), never formatted strings or layout decisions:
rows per slide, page breaks and fonts belong to the renderers. The diff and the exports
read the same tree.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..engine import Figure
from ..load.blocks import Signatory  # a role and a name: printed as report.yaml gives them
from ..load.config import Theme
from .chartspec import ChartSpec
from .narrative import RenderedNarrative

NUMERIC_DISPLAY = frozenset({"integer", "decimal", "percent", "euro", "value"})


@dataclass(frozen=True, slots=True)
class Footnote:
    """A note printed under its table (on the same slide in the slide outputs), called by
    ``marker`` where it applies: a column header, a row's label, a cell."""

    marker: str
    text: str


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    label: str
    type: str
    unit: str | None = None
    marks: tuple[str, ...] = ()  # footnote markers of the header
    group: str | None = None  # a heading over this and the next columns of the same group

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_DISPLAY


@dataclass(frozen=True, slots=True)
class TableRow:
    id: str
    kind: str  # data / detail ("di cui": under its parent, in no total) / subtotal / total

    @property
    def heading(self) -> bool:
        """A subtotal or total row: its first cell heads the row."""
        return self.kind in ("subtotal", "total")
    cells: tuple[Figure | None, ...]
    group: str | None = None  # value of the group_by column, for group header rows
    marks: tuple[tuple[str, ...], ...] = ()  # footnote markers of each cell (empty: none)

    def marks_of(self, index: int) -> tuple[str, ...]:
        return self.marks[index] if index < len(self.marks) else ()


@dataclass(frozen=True, slots=True)
class TableBlock:
    table: str  # the table id, for anchors and exports
    title: str
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    note: str | None = None
    group_by: str | None = None
    merge_repeats: tuple[str, ...] = ()
    group_label: str | None = None  # label of the group_by column (the exports name their group column)
    footnotes: tuple[Footnote, ...] = ()
    fonte: str | None = None  # where the data come from ("Fonte: …" under the table)
    kind: str = field(default="table", init=False)

    def tables_shown(self) -> list[str]:
        """The ids of the tables whose figures this block prints (the diff names changes by them)."""
        return [self.table]

    def header_groups(self) -> list[tuple[str | None, int, int]]:
        """The upper row of a two-level header: (group heading, columns it spans, index of its
        first column), in order; None for a column without a group (its own header spans both
        rows). Empty when no column has a group: the header is one row."""
        if not any(c.group for c in self.columns):
            return []
        spans: list[tuple[str | None, int, int]] = []
        for index, column in enumerate(self.columns):
            if column.group and spans and spans[-1][0] == column.group:
                group, span, first = spans[-1]
                spans[-1] = (group, span + 1, first)
            else:
                spans.append((column.group, 1, index))
        return spans

    def repeated(self) -> list[list[bool]]:
        """For each row and column: whether the cell repeats the one above in a column of
        ``merge_repeats`` (a renderer prints it once). Runs end at group and total rows."""
        merged = [i for i, c in enumerate(self.columns) if c.name in self.merge_repeats]
        result, previous = [], None
        for row in self.rows:
            flags = [False] * len(self.columns)
            if row.kind == "data" and previous is not None and previous.group == row.group:
                for i in merged:
                    a, b = previous.cells[i], row.cells[i]
                    flags[i] = a is not None and b is not None and a.value == b.value
            previous = row if row.kind == "data" else None
            result.append(flags)
        return result


@dataclass(frozen=True, slots=True)
class TextBlock:
    narrative: RenderedNarrative
    kind: str = field(default="text", init=False)

    def tables_shown(self) -> list[str]:
        return []


@dataclass(frozen=True, slots=True)
class KpiItem:
    label: str
    figure: Figure
    compare: Figure | None = None
    compare_label: str = "obiettivo"


@dataclass(frozen=True, slots=True)
class KpiBlock:
    items: tuple[KpiItem, ...]
    kind: str = field(default="kpi", init=False)

    def tables_shown(self) -> list[str]:
        return [item.figure.id.split(".")[0] for item in self.items]


@dataclass(frozen=True, slots=True)
class ChartBlock:
    spec: ChartSpec
    kind: str = field(default="chart", init=False)

    def tables_shown(self) -> list[str]:
        return [f.id.split(".")[0] for s in self.spec.series for f in s.figures if f is not None]


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    """The closing of a document: place and date, then each signatory's role and name."""

    place: str | None
    date: _dt.date
    signatories: tuple[Signatory, ...]
    kind: str = field(default="signature", init=False)

    def tables_shown(self) -> list[str]:
        return []


Block = TextBlock | TableBlock | KpiBlock | ChartBlock | SignatureBlock


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    level: int
    number: str  # "4.2": position in the tree, for the table of contents
    blocks: tuple[Block, ...]
    children: tuple[Section, ...] = ()
    note: str | None = None  # a footnote to the heading (marked *)

    @property
    def heading(self) -> str:
        """The heading as printed: number (when it has one) and title."""
        return f"{self.number} {self.title}" if self.number else self.title

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class ReportMeta:
    name: str
    administration: str
    title: str
    year: int
    subtitle: str | None
    approval_body: str | None
    approval_act: str | None
    approval_date: _dt.date | None
    document_date: _dt.date  # the date written into the outputs (see content.document_date)
    locale: str
    theme: Theme
    open_data_license: str = "CC-BY-4.0"  # the licence of the tables as open data
    open_data_url: str | None = None  # where they are published, when report.yaml says
    protocol: str | None = None  # the document's protocol number


@dataclass(frozen=True, slots=True)
class Report:
    meta: ReportMeta
    sections: tuple[Section, ...]
    partial: bool = False  # True when built for some sections only

    def walk(self):
        for section in self.sections:
            yield from section.walk()

    def charts(self) -> list[ChartSpec]:
        return [b.spec for s in self.walk() for b in s.blocks if isinstance(b, ChartBlock)]
