"""Writing typed values back as the data files hold them, so that the loader reads the same value.

Roll forward and collect both produce CSVs from values (last year's figures, workbook cells):
one writer keeps them in the project's own dialect (``;``, the project's decimal mark,
percentages in points) and never in a shape the loader would read differently (``1.234``
with a dot is a thousands separator in Italian data, so no thousands separator is written).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from decimal import Decimal
from typing import Any

from ..load.values import Quantity, Ref


def number_text(value: Decimal, decimals: int | None, decimal_mark: str = ",") -> str:
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals))
    text = format(value, "f")
    if text.startswith("-") and text.strip("-0.") == "":
        text = text[1:]  # never "-0"
    return text.replace(".", decimal_mark) if decimal_mark != "." else text


def quantity_text(value: Decimal, kind: str, decimals: int | None, column_type: str, decimal_mark: str = ",") -> str:
    """A number of type ``kind`` (percent as a fraction, as the engine holds it) in a column
    of ``column_type``: percentages in points, and in a ``value`` column with their unit."""
    if kind == "percent":
        text = number_text(value * 100, decimals, decimal_mark)
        return f"{text}%" if column_type in ("value", "percent") else text
    text = number_text(value, decimals, decimal_mark)
    if kind == "euro" and column_type == "value":
        return f"€ {text}"
    return text


def value_text(value: Any, column_type: str, decimal_mark: str = ",") -> str:
    """Any cell value of the loader (Quantity, Ref, text, polarity, sign, date) as CSV text."""
    if value is None:
        return ""
    if isinstance(value, Ref):
        return str(value)
    if isinstance(value, Quantity):
        return quantity_text(value.value, value.type, value.decimals, column_type, decimal_mark)
    if column_type == "sign":
        return "-" if value == -1 else "+"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, Decimal):
        return number_text(value, None, decimal_mark)
    return str(value)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV separated by ``;`` (what Italian spreadsheets open directly)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
