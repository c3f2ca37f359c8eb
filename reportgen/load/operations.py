"""The derivations a table schema can declare, each declared once: its parameters, the type of
the column it creates, and how its result is judged.

The declarations live in the load stage because validating a schema must not depend on a later
stage; the engine (:mod:`reportgen.engine.operations`) implements each one under the same name,
and a test checks the two lists are the same. Adding an operation = one entry here, one
function there, tests.

A parameter kind is one of: column / columns (existing columns), new (the column the operation
creates), text, polarity (a polarity column or ``higher``/``lower``), numbers, boolean,
aggregates, levels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Judgement:
    """How a figure is judged against its target.

    ``by_sign``: its sign says better (positive) or worse (negative), so outputs colour it and
    print "meglio"/"peggio" (a scostamento: the engine flips its sign when lower is better).
    ``threshold``: the value from which the target is met (an outcome: the diff's "obiettivo
    raggiunto → mancato", the readiness check's missing motivazione); None when the figure is
    not a target's outcome."""

    by_sign: bool = False
    threshold: Decimal | None = None

    def met(self, value: Decimal | None) -> bool | None:
        """True when ``value`` reaches the target, False when it misses it, None when there is
        nothing to judge. Exact comparison: a figure on the threshold meets its target."""
        if self.threshold is None or value is None:
            return None
        return value >= self.threshold


# A figure whose sign alone says better or worse, and that is no target's outcome: a published
# scostamento typed into the data, or a mean of scostamenti.
BY_SIGN = Judgement(by_sign=True)

ResultType = Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[str, bool]]


def _fixed(col_type: str, signed: bool) -> ResultType:
    return lambda params, columns: (col_type, signed)


def _like(param: str, signed: bool, first: bool = False) -> ResultType:
    """The type of the column named by ``param`` (its first, for a list), else decimal."""

    def result(params: Mapping[str, Any], columns: Mapping[str, Any]) -> tuple[str, bool]:
        name = params.get(param)
        if first:
            name = (name or ("",))[0]
        source = columns.get(name)
        return (source.type if source is not None else "decimal"), signed

    return result


_OUTCOME_PARAMS = MappingProxyType({"reason": "column", "outcome": "boolean"})


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    required: Mapping[str, str]  # parameter -> kind
    optional: Mapping[str, str]
    result: ResultType  # (params, columns) -> (type, shown with a sign) of the column it creates
    doc: str
    # How its figures are judged when the derivation is a target's outcome (``outcome`` is not
    # false); None: never judged. Only outcome operations take ``reason`` and ``outcome``.
    judgement: Judgement | None = None
    params: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType({**self.required, **self.optional}))

    @property
    def outcome(self) -> bool:
        return self.judgement is not None and self.judgement.threshold is not None

    def judgement_of(self, params: Mapping[str, Any]) -> Judgement | None:
        """The judgement carried by the figures of one derivation: ``outcome: false`` keeps the
        colour of a scostamento (a forecast's deviation) but makes it no target's outcome; a
        formula is judged as its author says (``judged: true``, ``target: N``)."""
        if "target" in self.params:
            by_sign, target = bool(params.get("judged", False)), params.get("target")
            return Judgement(by_sign, target) if by_sign or target is not None else None
        if self.judgement is None or params.get("outcome", True):
            return self.judgement
        return Judgement(by_sign=True) if self.judgement.by_sign else None


def _declare(*operations: Operation) -> Mapping[str, Operation]:
    return MappingProxyType({op.name: op for op in operations})


_PAIR = {"into": "new", "obiettivo": "column", "consuntivo": "column"}
_CHANGE = {"into": "new", "from": "column", "to": "column"}

OPERATIONS: Mapping[str, Operation] = _declare(
    Operation("sum", {"into": "new", "of": "columns"}, {"label": "text"}, _like("of", False, first=True),
              "the signed sum of some columns of each row"),
    Operation("mean", {"into": "new", "of": "columns"}, {"weights": "numbers", "label": "text"},
              _like("of", False, first=True), "the mean of some columns of each row, optionally weighted"),
    Operation("scostamento", _PAIR, {"polarity": "polarity", "label": "text", **_OUTCOME_PARAMS},
              _fixed("percent", True), "(consuntivo − obiettivo) / |obiettivo|, sign flipped when lower is better",
              Judgement(by_sign=True, threshold=Decimal(0))),
    Operation("rapporto", _PAIR, {"label": "text", **_OUTCOME_PARAMS}, _fixed("decimal", False),
              "consuntivo / obiettivo", Judgement(threshold=Decimal(1))),
    Operation("realizzazione", _PAIR, {"polarity": "polarity", "label": "text", **_OUTCOME_PARAMS},
              _fixed("percent", False), "consuntivo / obiettivo as a percentage (inverted when lower is better)",
              Judgement(threshold=Decimal(1))),
    Operation("variazione", _CHANGE, {"label": "text"}, _fixed("percent", True), "(to − from) / |from|"),
    Operation("differenza", _CHANGE, {"label": "text"}, _like("from", True), "to − from, in the unit of the operands"),
    Operation("carenza", {"into": "new", "consistenza": "column", "fabbisogno": "column"}, {"label": "text"},
              _fixed("percent", True), "(consistenza − fabbisogno) / fabbisogno"),
    Operation("share", {"into": "new", "of": "column"}, {"by": "column", "total": "column", "label": "text"},
              _fixed("percent", False), "a row's part of the column's total (within a group, or of a total column)"),
    Operation("total", {"columns": "aggregates"}, {"levels": "levels", "sign": "column"}, _fixed("decimal", False),
              "total and subtotal rows (sum, mean, weighted_mean, count, min, max), nested by levels"),
    Operation("formula", {"into": "new", "formula": "expression"},
              {"type": "type", "signed": "boolean", "judged": "boolean", "target": "number", "reason": "column",
               "label": "text"},
              lambda params, columns: (params.get("type", "decimal"), bool(params.get("signed", False))),
              "a column computed from others of its row: + − × / on column names and numbers, e.g. "
              "'sede * cluster / 100'; judged by its sign with judged: true, an outcome met from target: N"),
    Operation("row_formula", {"row": "text", "formula": "row_expression", "columns": "columns"},
              {"label": "text", "kind": "text"}, _fixed("decimal", False),
              "a row computed from other rows, column by column: + − × / on row ids and numbers, e.g. "
              "'ieep_accertato + ieep_incassi_e_pagamenti'; kind: total (default), subtotal or data"),
    Operation("summarize", {"by": "columns", "columns": "aggregates"}, {"count": "new", "count_label": "text"},
              _fixed("integer", False), "one row per group of rows, with aggregated columns and a count"),
)

OUTCOME_OPERATIONS = tuple(name for name, op in OPERATIONS.items() if op.outcome)


def judged_by_sign(column_name: str) -> bool:
    """The default of a column's ``judged`` key: a column named ``scostamento…`` holds
    scostamenti (published, or a mean of them), which the Relazione judges by their sign."""
    return column_name.startswith("scostamento")
