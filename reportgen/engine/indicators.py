"""The indicator mathematics of the Relazione, as pure functions on exact decimals.

Conventions (see shared/domain.md):

* Percentages are returned as fractions (0,0956 for 9,56 %); formatting multiplies by 100.
* Every KPI has a polarity. ``scostamento`` is signed so that a positive value always means
  "better than the target": (consuntivo − obiettivo) / |obiettivo| when higher is better,
  (obiettivo − consuntivo) / |obiettivo| when lower is better.
* Nothing is rounded here. Rounding happens once, when a figure is formatted.

A missing operand gives ``None`` (the figure cannot be computed, e.g. a target not set);
division by zero raises ``ZeroDivisionError`` for the caller to report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

HIGHER = "higher"
LOWER = "lower"


def _complete(*values: Decimal | None) -> bool:
    return all(v is not None for v in values)


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    if denominator == 0:
        raise ZeroDivisionError("division by zero")
    return numerator / denominator


def scostamento(obiettivo: Decimal | None, consuntivo: Decimal | None, polarity: str = HIGHER) -> Decimal | None:
    """Deviation from the target as a fraction, positive when the result is better."""
    if not _complete(obiettivo, consuntivo):
        return None
    difference = consuntivo - obiettivo if polarity == HIGHER else obiettivo - consuntivo
    return _divide(difference, abs(obiettivo))


def rapporto(obiettivo: Decimal | None, consuntivo: Decimal | None) -> Decimal | None:
    """Result over target (Customer Experience 4,13 / 3,50 → 1,18)."""
    if not _complete(obiettivo, consuntivo):
        return None
    return _divide(consuntivo, obiettivo)


def realizzazione(obiettivo: Decimal | None, consuntivo: Decimal | None, polarity: str = HIGHER) -> Decimal | None:
    """Degree of achievement as a fraction (1 = target reached), inverted when lower is better."""
    if not _complete(obiettivo, consuntivo):
        return None
    return _divide(consuntivo, obiettivo) if polarity == HIGHER else _divide(obiettivo, consuntivo)


def signed_sum(values: Iterable[Decimal | None], signs: Iterable[int] | None = None) -> Decimal | None:
    """Sum of components, some of which subtract (IEEP: "Pagamenti per interessi legali (−)").
    Missing components are skipped; a sum of nothing is None."""
    values = list(values)
    signs = list(signs) if signs is not None else [1] * len(values)
    terms = [v * s for v, s in zip(values, signs) if v is not None]
    return sum(terms, Decimal(0)) if terms else None


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, Decimal(0)) / len(present)


def weighted_mean(values: Sequence[Decimal | None], weights: Sequence[Decimal | None]) -> Decimal | None:
    """Σ wᵢ·vᵢ / Σ wᵢ over the pairs where both are present; weights need not sum to 1."""
    pairs = [(v, w) for v, w in zip(values, weights) if v is not None and w is not None]
    if not pairs:
        return None
    total_weight = sum((w for _, w in pairs), Decimal(0))
    return _divide(sum((v * w for v, w in pairs), Decimal(0)), total_weight)


def weighted_tree(node: Decimal | Sequence[tuple[Decimal, object]]) -> Decimal:
    """Nested weighted aggregation: a leaf is a value, an inner node a list of (weight, child).

    The Valore Pubblico of a structure is such a tree: ambiti weighted 10/30/30/10/20 %, each
    ambito a weighted mean of its sotto-ambiti, each sotto-ambito of its KPIs.
    """
    if isinstance(node, Decimal):
        return node
    children = [(Decimal(weight), weighted_tree(child)) for weight, child in node]  # type: ignore[arg-type]
    return weighted_mean([v for _, v in children], [w for w, _ in children])


def variazione(precedente: Decimal | None, corrente: Decimal | None) -> Decimal | None:
    """Relative year-on-year change: (corrente − precedente) / |precedente|."""
    if not _complete(precedente, corrente):
        return None
    return _divide(corrente - precedente, abs(precedente))


def differenza(precedente: Decimal | None, corrente: Decimal | None) -> Decimal | None:
    if not _complete(precedente, corrente):
        return None
    return corrente - precedente


def share(part: Decimal | None, total: Decimal | None) -> Decimal | None:
    """Share of a total as a fraction (159 of 181 projects → 0,8785)."""
    if not _complete(part, total):
        return None
    return _divide(part, total)


def carenza(consistenza: Decimal | None, fabbisogno: Decimal | None) -> Decimal | None:
    """Staff shortage (negative) or surplus: (consistenza − fabbisogno) / fabbisogno."""
    if not _complete(consistenza, fabbisogno):
        return None
    return _divide(consistenza - fabbisogno, fabbisogno)
