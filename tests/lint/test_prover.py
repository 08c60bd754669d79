"""Cheap, sound reasoning about condition trees: implication, contradiction, compatibility."""

from __future__ import annotations

import pytest

from engine.language.conditions import TRUE, All, AnyOf, Node, Test
from engine.lint.prover import compatible, contradicts, implies

from .conditions import t


@pytest.mark.parametrize(("given", "goal", "expected"), [
    (All((t("eq", 1, "a"), t("eq", 2, "b"))), t("eq", 1, "a"), True),
    (t("eq", 1, "a"), All((t("eq", 1, "a"), t("eq", 2, "b"))), False),
    (t("eq", 1, "a"), TRUE, True),
    (t("between", (20, 30)), t("gte", 10), True),
    (t("between", (5, 30)), t("gte", 10), False),
    (t("gt", 14, "d"), t("gte", 15, "d"), True),  # whole numbers: d > 14 means d >= 15
    (t("eq", "key"), t("one_of", ("key", "regular")), True),
    (t("one_of", ("key", "low")), t("one_of", ("key", "regular")), False),
    (t("eq", True), t("ne", False), True),
    (t("none_of", ("a", "b")), t("ne", "a"), True),
    (t("eq", "a"), t("exists", None), True),
    (t("missing", None), t("exists", None), False),
    (t("eq", "a"), AnyOf((t("eq", "b"), t("eq", "a"))), True),
    (AnyOf((t("eq", "a"), t("eq", "b"))), t("eq", "a"), False),
    (t("includes", "seo"), t("includes", "seo"), True),
    (t("includes", "seo"), t("excludes", "ads"), False),
])
def test_implies(given: Node, goal: Node, expected: bool) -> None:
    assert implies(given, goal, whole={"d"}) is expected


@pytest.mark.parametrize(("tests", "expected"), [
    ([t("eq", True), t("ne", True)], True),
    ([t("eq", True), t("eq", False)], True),
    ([t("one_of", ("a", "b")), t("none_of", ("a",))], False),
    ([t("includes", "a"), t("excludes", "a")], True),
    ([t("missing", None), t("eq", 1)], True),
    ([t("gt", 40), t("between", (10, 15))], True),
    ([t("gte", 15), t("lte", 15)], False),
])
def test_contradictions(tests: list[Test], expected: bool) -> None:
    assert contradicts(tests, whole=False) is expected


def test_compatible_looks_at_every_fact() -> None:
    assert compatible([t("eq", True, "g")], [t("gt", 1, "k")], set())
    assert not compatible([t("eq", True, "g")], [t("ne", True, "g"), t("gt", 1, "k")], set())
