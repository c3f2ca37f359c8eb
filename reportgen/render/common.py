"""What every renderer shares: how a table cell and a header read. Both the PDF and the
deck call these, so the two outputs never disagree on a printed figure."""

from __future__ import annotations

import datetime as _dt

from ..content.model import Column
from ..engine import Figure
from ..formatting import Formatter


def header_text(column: Column) -> str:
    """Column label with its unit: amounts print without the euro sign in the cells."""
    unit = "€" if column.type == "euro" else column.unit
    return f"{column.label} ({unit})" if unit else column.label


def cell_text(formatter: Formatter, column: Column, figure: Figure | None) -> str:
    if figure is None:
        return ""
    if figure.value is None:
        return formatter.style.missing if column.numeric else ""
    return formatter.figure(figure, symbol=column.type != "euro")


def tone(figure: Figure | None) -> str:
    """``better``/``worse`` for a signed deviation, for colour; the printed sign carries the
    same information, so colour is never the only cue."""
    if figure is None or not figure.signed or figure.number is None or figure.number == 0:
        return ""
    return "better" if figure.number > 0 else "worse"


def iso_date(value: _dt.date | None) -> str:
    return value.isoformat() if value else ""
