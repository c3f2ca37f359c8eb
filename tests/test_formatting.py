import datetime as dt
from decimal import Decimal

import pytest

from reportgen.formatting import NBSP, Formatter, NumberStyle, round_half_up

fmt = Formatter()


@pytest.mark.parametrize("value, decimals, expected", [
    (Decimal("6418930625.60"), 2, "6.418.930.625,60"),
    (Decimal("96.605"), 2, "96,61"),      # half-up: Babel alone would give 96,60
    (Decimal("101.535"), 2, "101,54"),
    (Decimal("0.125"), 2, "0,13"),
    (Decimal("-0.001"), 2, "0,00"),       # never "-0,00"
    (Decimal("1234"), 0, "1.234"),
    (Decimal("1.048"), 3, "1,048"),
])
def test_number_is_italian_and_rounds_half_up(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


def test_signed_percent_with_non_breaking_space():
    assert fmt.percent(Decimal("0.51039534"), signed=True) == f"+51,04{NBSP}%"
    assert fmt.percent(Decimal("-1.5849034"), signed=True) == f"-158,49{NBSP}%"
    assert fmt.percent(Decimal("0"), signed=True) == f"0,00{NBSP}%"


def test_percent_style_without_space():
    compact = Formatter(NumberStyle(percent_space=False))
    assert compact.percent(Decimal("0.0956")) == "9,56%"


def test_euro_prefix_and_suffix():
    assert fmt.euro(Decimal("6418930625.6")) == f"€{NBSP}6.418.930.625,60"
    suffix = Formatter(NumberStyle(currency_position="suffix"))
    assert suffix.euro(Decimal("1234.5")) == f"1.234,50{NBSP}€"


def test_missing_values_and_years_and_dates():
    assert fmt.number(None) == "–"
    assert fmt.year(2024) == "2024"
    assert fmt.date(dt.date(2025, 6, 5)) == "5 giugno 2025"


def test_round_half_up_is_exact():
    assert round_half_up(Decimal("2.675"), 2) == Decimal("2.68")  # a float would give 2.67


def test_typed_percentages_follow_the_house_style():
    """A percentage typed in a narrative prints like a computed one: "(+1,88%)" beside
    "+9,33 %" was two styles on one page."""
    from reportgen.formatting import NBSP, Formatter, NumberStyle

    formatter = Formatter()
    assert formatter.typed_percents("(+1,88%) e (-7,62%)") == f"(+1,88{NBSP}%) e (-7,62{NBSP}%)"
    assert formatter.typed_percents("un + 13% rispetto") == f"un +13{NBSP}% rispetto"
    assert formatter.typed_percents("tra il 90% e 100 %.") == f"tra il 90{NBSP}% e 100{NBSP}%."
    assert formatter.typed_percents(f"9,33{NBSP}%") == f"9,33{NBSP}%"  # a formatted figure stays
    assert formatter.typed_percents("2024-2026, art. 5") == "2024-2026, art. 5"
    assert Formatter(NumberStyle(percent_space=False)).typed_percents(f"5 % e 6{NBSP}%") == "5% e 6%"
