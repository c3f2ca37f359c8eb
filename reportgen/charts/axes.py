"""Numbers on chart axes and labels, in the report's locale: ``1.234``, ``9,5 %``,
``€ 6,4 mld``. A scale suffix is chosen from the largest value so that ticks stay short."""

from __future__ import annotations

from decimal import Decimal

from ..formatting import NBSP, Formatter

SCALES = ((Decimal("1e9"), "mld"), (Decimal("1e6"), "mln"), (Decimal("1e3"), "mila"))


def euro_scale(largest: float) -> tuple[Decimal, str]:
    for factor, suffix in SCALES[:2]:
        if abs(largest) >= float(factor):
            return factor, suffix
    return Decimal(1), ""


class AxisFormat:
    """Formats values of one chart: ``tick`` for axis ticks, ``label`` for value labels."""

    def __init__(self, formatter: Formatter, value_type: str, values: list[float]):
        self.formatter = formatter
        self.type = value_type
        finite = [abs(v) for v in values if v is not None] or [0.0]
        self.largest = max(finite)
        self.factor, self.suffix = euro_scale(self.largest) if value_type == "euro" else (Decimal(1), "")

    def _euro(self, value: float, decimals: int) -> str:
        scaled = Decimal(str(value)) / self.factor
        text = self.formatter.euro(scaled, decimals)
        return f"{text}{NBSP}{self.suffix}" if self.suffix else text

    def tick(self, value: float, _position=None) -> str:
        if self.type == "percent":
            return self.formatter.percent(Decimal(str(value)), 0 if self.largest >= 0.1 else 1)
        if self.type == "euro":
            return self._euro(value, 0 if self.suffix == "" else 1)
        if self.type == "integer" or self.largest >= 1000:
            return self.formatter.integer(Decimal(str(round(value))))
        return self.formatter.number(Decimal(str(value)), 2 if self.largest < 10 else 1)

    def label(self, figure) -> str:
        """A value label: the figure as printed, amounts scaled like the axis."""
        if figure is None or figure.value is None:
            return ""
        if self.type == "euro" and self.suffix:
            return self._euro(float(figure.value), 2)
        return self.formatter.figure(figure)
