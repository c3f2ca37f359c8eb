"""Figures: a value with its type, display precision and provenance.

Every number the report prints is a :class:`Figure`. An input figure remembers the cell it
came from; a computed figure remembers the formula and the ids of the figures it was
computed from, so any printed number can be traced back to its input cells (the diff and an
OIV reviewer both rely on this).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import Location
from ..load.operations import Judgement
from ..load.schema import ColumnSpec, TableSchema

Value = Decimal | str | int | _dt.date | None


@dataclass(slots=True)  # not frozen: built hundreds of thousands of times, never changed
class Figure:
    id: str  # "table.row.column"
    value: Value
    type: str  # a column type: euro, percent, decimal, integer, text, polarity, ...
    decimals: int | None = None
    signed: bool = False
    formula: str | None = None  # None for an input
    deps: tuple[str, ...] = ()  # ids of the figures this one was computed from
    source: Location | None = None  # the input cell (or the cell holding a reference)
    # how the figure is judged against its target: by its sign (coloured better/worse), and
    # whether it meets it (an outcome); from its column and the operation that computed it
    judgement: Judgement | None = None

    @property
    def is_input(self) -> bool:
        return self.formula is None

    @property
    def number(self) -> Decimal | None:
        return self.value if isinstance(self.value, Decimal) else None


@dataclass(slots=True)
class Row:
    id: str
    kind: str  # "data", "subtotal" or "total"
    figures: dict[str, Figure] = field(default_factory=dict)
    number: int | None = None  # spreadsheet row of a data row

    def value(self, column: str) -> Any:
        figure = self.figures.get(column)
        return None if figure is None else figure.value


@dataclass(slots=True)
class Table:
    """A computed table: input rows, derived columns, subtotal and total rows."""

    schema: TableSchema
    rows: list[Row]
    columns: dict[str, ColumnSpec]

    @property
    def id(self) -> str:
        return self.schema.id

    def row(self, row_id: str) -> Row | None:
        return next((r for r in self.rows if r.id == row_id), None)

    def figure(self, row_id: str, column: str) -> Figure | None:
        row = self.row(row_id)
        return None if row is None else row.figures.get(column)

    def data_rows(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "data"]

    def figures(self) -> Iterator[Figure]:
        for row in self.rows:
            yield from row.figures.values()

    def to_frame(self):
        """The table as a pandas DataFrame (exact Decimals kept as objects), for notebooks."""
        import pandas as pd

        records = [{"row": r.id, "kind": r.kind, **{c: r.value(c) for c in self.columns}} for r in self.rows]
        return pd.DataFrame.from_records(records, columns=["row", "kind", *self.columns])
