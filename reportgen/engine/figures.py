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

    # Arithmetic on figures, for the narrative ({{ schede.totale.n + 43 }}, {{ 100 - quota | pct }}):
    # the result keeps the unit, its precision and its provenance (see combine()).
    def __add__(self, other):
        return combine(self, other, "+")

    def __radd__(self, other):
        return combine(other, self, "+")

    def __sub__(self, other):
        return combine(self, other, "−")

    def __rsub__(self, other):
        return combine(other, self, "−")

    def __mul__(self, other):
        return combine(self, other, "×")

    def __rmul__(self, other):
        return combine(other, self, "×")

    def __truediv__(self, other):
        return combine(self, other, "/")

    def __rtruediv__(self, other):
        return combine(other, self, "/")

    def __neg__(self):
        return combine(0, self, "−")


class UnitMismatch(TypeError):
    """Arithmetic on figures of different units (an amount plus a percentage)."""


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise UnitMismatch(f"cannot compute with {value!r}: only figures and numbers")
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def combine(left: object, right: object, operator: str) -> Figure:
    """``left operator right`` where one side at least is a figure; a plain number beside a
    percentage is in points (``100 − quota``: 100 %), as authors write them. Sums and
    differences need one unit and keep it; a product keeps the unit of the side that has one
    (an amount × a percentage is an amount); a quotient of two figures is a plain ratio."""
    figures = [f for f in (left, right) if isinstance(f, Figure)]
    kinds = {f.type for f in figures}
    if operator in "+−" and len(kinds) > 1:
        raise UnitMismatch(f"cannot {'add' if operator == '+' else 'subtract'} {' and '.join(sorted(kinds))} figures")
    percent = "percent" in kinds

    def number(side: object) -> Decimal | None:
        if isinstance(side, Figure):
            return side.number
        value = _as_decimal(side)
        return value / 100 if percent and operator in "+−" else value

    a, b = number(left), number(right)
    if operator in "+−":
        col_type = figures[0].type
        decimals = max((f.decimals for f in figures if f.decimals is not None), default=None)
    elif operator == "×":
        col_type = next((f.type for f in figures if f.type != "percent"), figures[0].type)
        decimals = None
    else:
        col_type = "decimal" if len(figures) == 2 else figures[0].type
        decimals = None
    if a is None or b is None:
        value = None
    elif operator == "+":
        value = a + b
    elif operator == "−":
        value = a - b
    elif operator == "×":
        value = a * b
    else:
        value = a / b if b != 0 else None

    def name(side: object) -> str:
        return side.id if isinstance(side, Figure) else str(side)

    # provenance reaches the table figures: a combination's own id is its expression, not a cell
    deps = tuple(dict.fromkeys(d for f in figures for d in (f.deps if f.id.startswith("(") else (f.id,))))
    expression = f"{name(left)} {operator} {name(right)}"
    return Figure(f"({expression})", value, col_type, decimals, any(f.signed for f in figures), formula=expression,
                  deps=deps, judgement=None)


@dataclass(slots=True)
class Row:
    id: str
    kind: str  # "data", "detail" (a "di cui" of the row above, in no total), "subtotal" or "total"
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
