"""The engine-neutral condition tree.

Authors write conditions in YAML (see docs/authoring.md). ``parse`` checks them against the
known facts and thresholds and returns a tree in negation normal form: ``All`` / ``AnyOf`` of
``Test`` leaves, with ``not`` pushed down into the tests. Every test except ``missing`` requires
the fact to be present, so a missing fact never satisfies a condition, under ``not`` too.
Matchers (engine/matchers/) compile this tree; nothing else is needed to evaluate a rule.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

# operator -> its negation (the negation also requires the fact to be present)
NEGATION = {
    "eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "lte": "gt", "gt": "lte",
    "between": "outside", "outside": "between", "one_of": "none_of", "none_of": "one_of",
    "includes": "excludes", "excludes": "includes", "exists": "missing", "missing": "exists",
}
SYMBOL = {"eq": "==", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


@dataclass(frozen=True)
class Test:
    """One test of one fact. ``value`` is a scalar, a (low, high) pair or a tuple of values."""

    __test__ = False  # not a pytest test class
    fact: str
    op: str
    value: Any = None

    def negate(self) -> Test:
        return Test(self.fact, NEGATION[self.op], self.value)

    def __str__(self) -> str:
        if self.op in SYMBOL:
            return f"{self.fact} {SYMBOL[self.op]} {self.value!r}"
        if self.op in ("exists", "missing"):
            return f"{self.fact} {self.op}"
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return f"{self.fact} {self.op} {value!r}"


@dataclass(frozen=True)
class All:
    children: tuple[Node, ...]

    def negate(self) -> AnyOf:
        return AnyOf(tuple(c.negate() for c in self.children))

    def __str__(self) -> str:
        return "all(" + ", ".join(map(str, self.children)) + ")"


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Node, ...]

    def negate(self) -> All:
        return All(tuple(c.negate() for c in self.children))

    def __str__(self) -> str:
        return "any(" + ", ".join(map(str, self.children)) + ")"


Node = Union[Test, All, AnyOf]  # noqa: UP007 (a runtime alias of forward references)
TRUE = All(())


def simplify(node: Node) -> Node:
    """Flatten nested all/any of the same kind and unwrap single children."""
    if isinstance(node, Test):
        return node
    kind = type(node)
    children: list[Node] = []
    for child in (simplify(c) for c in node.children):
        children.extend(child.children if type(child) is kind else (child,))
    if len(children) == 1:
        return children[0]
    return kind(tuple(children))


def tests(node: Node) -> list[Test]:
    """Every test in the tree, in order."""
    if isinstance(node, Test):
        return [node]
    return [t for c in node.children for t in tests(c)]


def is_true(node: Node, facts: dict[str, Any]) -> bool:
    """Reference semantics of the tree, used by explanations and tests (not a hot path)."""
    if isinstance(node, All):
        return all(is_true(c, facts) for c in node.children)
    if isinstance(node, AnyOf):
        return any(is_true(c, facts) for c in node.children)
    return passes(node, facts.get(node.fact))


def passes(test: Test, v: Any) -> bool:
    """Whether one test passes for the fact value ``v`` (None = missing). (A rule that *holds*
    a step is something else: engine/runtime/guard.py.)"""
    if test.op == "missing":
        return v is None
    return v is not None and bool(CHECKS[test.op](v, test.value))


CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "exists": lambda v, c: True,
    "eq": operator.eq, "ne": operator.ne,
    "lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge,
    "between": lambda v, c: bool(c[0] <= v <= c[1]),
    "outside": lambda v, c: bool(v < c[0] or v > c[1]),
    "one_of": lambda v, c: v in c, "none_of": lambda v, c: v not in c,
    "includes": lambda v, c: c in v, "excludes": lambda v, c: c not in v,
}


def to_data(node: Node) -> Any:
    """A JSON-ready form of the tree (golden files, ``--format json``)."""
    if isinstance(node, Test):
        value = list(node.value) if isinstance(node.value, tuple) else node.value
        return {"fact": node.fact, "op": node.op, "value": value}
    key = "all" if isinstance(node, All) else "any"
    return {key: [to_data(c) for c in node.children]}
