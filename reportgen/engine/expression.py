"""Evaluation of a schema's arithmetic expression on exact decimals (parsed at load:
:mod:`reportgen.load.expression`). A missing operand gives None, as every indicator does;
division by zero raises ``ZeroDivisionError`` for the caller to report."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..load.expression import Binary, Name, Negative, Node, Number


def evaluate(node: Node, values: Mapping[str, Decimal | None]) -> Decimal | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return values.get(node.name)
    if isinstance(node, Negative):
        operand = evaluate(node.operand, values)
        return None if operand is None else -operand
    left, right = evaluate(node.left, values), evaluate(node.right, values)
    if left is None or right is None:
        return None
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    if right == 0:
        raise ZeroDivisionError("division by zero")
    return left / right


__all__ = ["Binary", "evaluate"]
