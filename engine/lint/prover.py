"""Cheap, sound reasoning about condition trees, for the linter.

Only a rule's *top-level* tests are reasoned about: the tree itself when it is a test, or the
tests among the children of its top ``all``. Tests inside ``any`` are never assumed to hold.
``implies`` and ``contradicts`` answer True only when sure; False means "not shown".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from engine.language.conditions import All, AnyOf, Node, Test
from engine.lint.intervals import BAND_OPS, band, of_test

VALUE_OPS = frozenset({"eq", "one_of"})


def conjuncts(node: Node) -> tuple[Node, ...]:
    """The parts of a tree that must all hold."""
    return node.children if isinstance(node, All) else (node,)


def top_tests(node: Node) -> list[Test]:
    return [c for c in conjuncts(node) if isinstance(c, Test)]


def by_fact(tests: Iterable[Test]) -> dict[str, list[Test]]:
    out: dict[str, list[Test]] = defaultdict(list)
    for test in tests:
        out[test.fact].append(test)
    return dict(out)


def allowed(tests: Iterable[Test]) -> set[object] | None:
    """The only values the ``eq`` / ``one_of`` / ``ne`` / ``none_of`` tests leave, or None (any)."""
    values: set[object] | None = None
    banned: set[object] = set()
    for t in tests:
        if t.op in VALUE_OPS:
            these = {t.value} if t.op == "eq" else set(t.value)
            values = these if values is None else values & these
        elif t.op in ("ne", "none_of"):
            banned |= {t.value} if t.op == "ne" else set(t.value)
    return None if values is None else values - banned


def contradicts(tests: Collection[Test], whole: bool) -> bool:
    """Whether tests of one fact can never all hold together."""
    ops = {t.op for t in tests}
    if "missing" in ops and len(ops) > 1:
        return True
    numeric = band(tests, whole, BAND_OPS | {"eq"})
    if numeric is not None and numeric.empty:
        return True
    values = allowed(tests)
    if values is not None and not values:
        return True
    included = {t.value for t in tests if t.op == "includes"}
    return any(t.op == "excludes" and t.value in included for t in tests)


def compatible(a: Iterable[Test], b: Iterable[Test], whole: Collection[str]) -> bool:
    """False when the tests of two rules are shown never to hold together."""
    facts = by_fact([*a, *b])
    return not any(contradicts(tests, fact in whole) for fact, tests in facts.items())


def implies(given: Node, goal: Node, whole: Collection[str]) -> bool:
    """Whether ``goal`` holds whenever ``given`` holds (shown from ``given``'s top-level tests)."""
    parts = conjuncts(given)
    facts = by_fact(top_tests(given))
    return _implied(goal, parts, facts, whole)


def _implied(goal: Node, parts: tuple[Node, ...], facts: dict[str, list[Test]],
             whole: Collection[str]) -> bool:
    if goal in parts:
        return True
    if isinstance(goal, All):
        return all(_implied(c, parts, facts, whole) for c in goal.children)
    if isinstance(goal, AnyOf):
        return any(_implied(c, parts, facts, whole) for c in goal.children)
    return test_implied(facts.get(goal.fact, []), goal, goal.fact in whole)


def test_implied(tests: list[Test], goal: Test, whole: bool) -> bool:
    """Whether ``goal`` holds whenever all ``tests`` (of the same fact) hold."""
    if goal in tests:
        return True
    if goal.op == "exists":
        return any(t.op != "missing" for t in tests)
    if goal.op in BAND_OPS:
        numeric = band(tests, whole, BAND_OPS | {"eq"})
        return numeric is not None and not numeric.empty and of_test(goal).contains(numeric)
    values = allowed(tests)
    if values is None or not values:
        return goal.op in ("ne", "none_of") and _banned(tests) >= _goal_values(goal)
    if goal.op in VALUE_OPS:
        return values <= _goal_values(goal)
    if goal.op in ("ne", "none_of"):
        return not values & _goal_values(goal)
    return False


def _goal_values(goal: Test) -> set[object]:
    return {goal.value} if goal.op in ("eq", "ne") else set(goal.value)


def _banned(tests: list[Test]) -> set[object]:
    return {v for t in tests if t.op in ("ne", "none_of") for v in _goal_values(t)}

