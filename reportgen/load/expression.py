"""Arithmetic expressions of a schema (``formula: sede * cluster / 100``), read once at load.

Only numbers, names, ``+ - * /``, unary minus and parentheses: an expression is parsed with
Python's own grammar, then every node is checked against that list, so nothing in a schema can
call, index or reach an attribute. The names are columns (a column formula) or row ids (a row
formula); the loader checks they exist. The engine evaluates the tree on exact decimals
(:mod:`reportgen.engine.expression`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_LENGTH = 500  # a formula is a line of a schema, not a program
MAX_NODES = 200

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class ExpressionError(ValueError):
    """An expression that is not plain arithmetic on names and numbers."""


@dataclass(frozen=True, slots=True)
class Number:
    value: Decimal


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Negative:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    operator: str  # + - * /
    left: Node
    right: Node


Node = Number | Name | Negative | Binary


@dataclass(frozen=True, slots=True)
class Expression:
    text: str
    tree: Node

    @property
    def names(self) -> tuple[str, ...]:
        """The names the expression reads, in order of first use."""
        found: list[str] = []

        def visit(node: Node) -> None:
            if isinstance(node, Name) and node.name not in found:
                found.append(node.name)
            elif isinstance(node, Negative):
                visit(node.operand)
            elif isinstance(node, Binary):
                visit(node.left)
                visit(node.right)

        visit(self.tree)
        return tuple(found)


def _convert(node: ast.AST) -> Node:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        try:
            return Number(Decimal(str(node.value)))
        except InvalidOperation:  # pragma: no cover - str() of a parsed number is always valid
            raise ExpressionError(f"'{node.value}' is not a number") from None
    if isinstance(node, ast.Name):
        return Name(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _convert(node.operand)
        return Negative(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return Binary(_OPERATORS[type(node.op)], _convert(node.left), _convert(node.right))
    raise ExpressionError("only numbers, names, + - * / and parentheses are allowed")


def parse_expression(text: str) -> Expression:
    """Parse ``text``; raises :class:`ExpressionError` with a message for the author."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("expected an arithmetic expression, e.g. 'sede * cluster / 100'")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"an expression has at most {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        raise ExpressionError(f"'{text.strip()}' is not an arithmetic expression") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"an expression has at most {MAX_NODES} terms")
    return Expression(text.strip(), _convert(tree.body))
