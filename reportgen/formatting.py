"""Locale formatting: the one place where numbers, percentages, amounts and dates become text.

Grouping and decimal marks come from CLDR through Babel, never from the operating system
(glibc's Italian grouping has been wrong) nor from hand-made tables. Two house-style choices
sit on top and are configurable per report: the space before ``%`` and where the euro sign
goes. Rounding is half-up on the exact decimal value, as published tables do; Babel would
round half-to-even (0,125 → 0,12), which changes published figures such as 96,605 → 96,61.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

NBSP = "\u00a0"
MISSING = "–"  # en dash: the usual mark for "no value" in Italian tables
# words, not arrows: the bundled font has no ↑↓ and a missing glyph would pull in a system font
POLARITY_MARKS = {"higher": "più alto è meglio", "lower": "più basso è meglio"}


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round an exact decimal half away from zero (the published convention)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# a number typed before "%", with its sign (a "+ " or "- " before it is the sign, not a dash)
_TYPED_PERCENT = re.compile(r"(?<![\w.,])(?:(?P<sign>[+\-−])[ \u00a0]?)?(?P<number>\d+(?:[.,]\d+)*)[ \u00a0]?%")


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """House style of one report; every field has an Italian public-sector default."""

    locale: str = "it_IT"
    percent_space: bool = True  # "9,56 %" (NBSP) or "9,56%"
    currency_symbol: str = "€"
    currency_position: str = "prefix"  # "€ 1.234,56" (prefix) or "1.234,56 €" (suffix)
    missing: str = MISSING


@lru_cache(maxsize=65536)
def _number(value: Decimal, decimals: int, signed: bool, locale: str) -> str:
    # a report prints the same figures in tables, text, slides and charts: Babel once per figure
    value = round_half_up(value, decimals)
    if value == 0:
        value = abs(value)  # never print "-0,00"
    fraction = "." + "0" * decimals if decimals > 0 else ""
    pattern = f"#,##0{fraction}"
    if signed and value != 0:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, format=pattern, locale=locale)


class Formatter:
    """Formats exact decimals for one report style. Pure: no state besides the style."""

    __digest_fields__ = ("style",)  # what a cache key of formatted output must cover

    def __init__(self, style: NumberStyle | None = None):
        self.style = style or NumberStyle()

    def number(self, value: Decimal | int | None, decimals: int = 2, signed: bool = False) -> str:
        if value is None:
            return self.style.missing
        return _number(Decimal(value), decimals, signed, self.style.locale)

    def integer(self, value: Decimal | int | None, signed: bool = False) -> str:
        return self.number(value, 0, signed)

    def percent(self, fraction: Decimal | None, decimals: int = 2, signed: bool = False) -> str:
        """Format a fraction (0,0956) as a percentage ("9,56 %")."""
        if fraction is None:
            return self.style.missing
        text = self.number(Decimal(fraction) * 100, decimals, signed)
        return f"{text}{NBSP if self.style.percent_space else ''}%"

    def typed_percents(self, text: str) -> str:
        """Percentages typed by hand in a text ("(+1,88%)", "+ 13%") written the way
        :meth:`percent` writes figures ("(+1,88 %)", "+13 %"): one style on every page."""
        space = NBSP if self.style.percent_space else ""
        return _TYPED_PERCENT.sub(lambda m: f"{m['sign'] or ''}{m['number']}{space}%", text)

    def euro(self, value: Decimal | None, decimals: int = 2, symbol: bool = True, signed: bool = False) -> str:
        if value is None:
            return self.style.missing
        text = self.number(value, decimals, signed)
        if not symbol:
            return text
        if self.style.currency_position == "suffix":
            return f"{text}{NBSP}{self.style.currency_symbol}"
        return f"{self.style.currency_symbol}{NBSP}{text}"

    def year(self, value: int | Decimal | None) -> str:
        """Years never take a thousands separator."""
        return self.style.missing if value is None else str(int(value))

    def date(self, value: _dt.date | None) -> str:
        if value is None:
            return self.style.missing
        return format_date(value, format="long", locale=self.style.locale)

    def figure(self, figure: Any, decimals: int | None = None, signed: bool | None = None,
               symbol: bool = True) -> str:
        """Format anything with ``value``, ``type``, ``decimals`` and ``signed`` (a Figure)
        the way tables and narrative show it."""
        value, kind = figure.value, figure.type
        if value is None:
            return self.style.missing
        sign = figure.signed if signed is None else signed
        places = figure.decimals if decimals is None else decimals
        if kind == "percent":
            return self.percent(value, 2 if places is None else places, sign)
        if kind == "euro":
            return self.euro(value, 2 if places is None else places, symbol=symbol, signed=sign)
        if kind == "integer":
            return self.integer(value, sign)
        if kind in ("decimal", "value"):
            return self.number(value, 2 if places is None else places, sign)
        if kind == "date":
            return self.date(value)
        if kind == "polarity":
            return POLARITY_MARKS.get(value, str(value))
        if kind == "sign":
            return "−" if value == -1 else "+"
        return str(value)
