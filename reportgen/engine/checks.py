"""Check values: figures the source document prints beside the data, compared at build time
with what the engine computes from the components.

A mismatch is a warning, not an error: published figures were often computed from unrounded
inputs, so a recomputation from the printed components may differ in the last digit. The
default tolerance is half a unit of the last printed digit (the published figure is the
computed one, correctly rounded); a check can state a wider one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import ErrorCollector, Location
from ..load.schema import CheckSpec
from ..load.values import CellError, parse_number_detail
from ..messages import printed_like
from .figures import Table


@dataclass(frozen=True, slots=True)
class CheckResult:
    table: str
    row: str
    column: str
    published: str
    computed: Decimal | None  # in the printed unit (percentage points for percentages)
    tolerance: Decimal
    location: Location

    @property
    def difference(self) -> Decimal | None:
        if self.computed is None:
            return None
        return self.computed - self.expected

    @property
    def expected(self) -> Decimal:
        value, _, _, _ = parse_number_detail(self.published)
        return value

    @property
    def ok(self) -> bool:
        return self.difference is not None and abs(self.difference) <= self.tolerance

    @property
    def message(self) -> str:
        # both values as the report prints them: the computed one with the decimals of the published
        # text (a reader compares 85,47 with 85,48, not with 85.4761904…); a tolerance only when the
        # check states one wider than half a unit of the last printed digit
        _, percent, decimals, currency = parse_number_detail(self.published)
        computed = "nothing" if self.computed is None else printed_like(self.computed, decimals, percent, currency)
        stated = "" if self.tolerance == _tolerance(None, decimals) else \
            f" (tolerance {printed_like(self.tolerance, _decimals_of(self.tolerance))})"
        return (f"check value of table '{self.table}', row '{self.row}', column '{self.column}': "
                f"published {self.published} · computed {computed}{stated}")

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def run_checks(table: Table, errors: ErrorCollector) -> list[CheckResult]:
    results = []
    for check in table.schema.checks:
        location = Location(table.schema.schema_file)
        figure = table.figure(check.row, check.column)
        if table.row(check.row) is None:
            rows = ", ".join(r.id for r in table.rows)
            errors.add(f"{check.path}: table '{table.id}' has no row '{check.row}'; rows: {rows}", location)
            continue
        try:
            _, _, decimals, _ = parse_number_detail(check.published)
        except CellError:
            errors.add(f"{check.path}: published value '{check.published}' is not a number", location)
            continue
        computed = None
        if figure is not None and figure.number is not None:
            computed = figure.number * 100 if figure.type == "percent" else figure.number
        tolerance = _tolerance(check, decimals)
        results.append(CheckResult(table.id, check.row, check.column, check.published, computed, tolerance, location))
    return results


def _tolerance(check: CheckSpec | None, decimals: int | None) -> Decimal:
    if check is not None and check.tolerance is not None:
        return check.tolerance
    return Decimal(5).scaleb(-(decimals or 0) - 1)


def _decimals_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
