"""Whether a target was met: the one rule used by the reviewers' diff ("obiettivo raggiunto →
mancato") and by the OIV readiness check (a missed target needs its *motivazione*).

A table says which of its columns are the outcome of a target through its derivations: a
``scostamento``, ``realizzazione`` or ``rapporto`` column is an outcome, unless the derivation
sets ``outcome: false`` (a forecast's deviation, the components of an indicator). The
derivation's ``reason`` names the text column holding the motivazione dello scostamento.

The threshold depends on the operation: a scostamento is signed so that positive means better
(met from 0), a realizzazione and a rapporto are consuntivo / obiettivo (met from 1, i.e. 100 %).
A figure exactly on the threshold meets its target; values are compared exactly, never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..load.operations import OPERATIONS, Judgement
from ..load.schema import TableSchema

# The value from which an outcome column says "target met", per operation (their declarations).
THRESHOLDS: dict[str, Decimal] = {name: op.judgement.threshold for name, op in OPERATIONS.items() if op.outcome}


def target_met(op: str, value: Decimal | None) -> bool | None:
    """True when a figure of a column computed by ``op`` says the target was reached, False
    when it was missed, None when there is nothing to judge (no value, or ``op`` is not an
    outcome operation)."""
    threshold = THRESHOLDS.get(op)
    if threshold is None or value is None:
        return None
    return value >= threshold


@dataclass(frozen=True, slots=True)
class OutcomeColumn:
    """A column of a table whose figures say whether each row met its target."""

    table: str
    column: str
    op: str
    reason: str | None  # the text column with the motivazione dello scostamento, if declared
    path: str  # the derivation's key path in the schema file, e.g. "derive[1]"
    judgement: Judgement  # its threshold

    def met(self, value: Decimal | None) -> bool | None:
        return self.judgement.met(value)


def outcome_columns(schema: TableSchema) -> list[OutcomeColumn]:
    """The outcome columns of a table, in the order of its derivations."""
    return [OutcomeColumn(schema.id, d.into, d.op, d.reason, d.path, OPERATIONS[d.op].judgement_of(d.params))
            for d in schema.derive if d.into and d.outcome]


__all__ = ["THRESHOLDS", "OutcomeColumn", "outcome_columns", "target_met"]
