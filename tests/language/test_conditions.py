"""The condition tree: negation, simplification, reference semantics and its data form.
``tests`` is reached through its module: imported by name, pytest would collect it.

(Trees parsed from YAML, `not` pushed into the tests: tests/language/test_when.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.language import conditions as c
from engine.language.conditions import (
    TRUE,
    All,
    AnyOf,
    Node,
    Test,
    is_true,
    passes,
    simplify,
    to_data,
)

NPS_LOW = Test("nps", "lte", 6)
SEO = Test("services", "includes", "seo")


def test_negation_is_de_morgan_down_to_the_tests() -> None:
    tree = All((NPS_LOW, AnyOf((SEO, Test("seg", "one_of", ("a", "b"))))))
    assert tree.negate() == AnyOf((Test("nps", "gt", 6), All((
        Test("services", "excludes", "seo"), Test("seg", "none_of", ("a", "b"))))))
    assert tree.negate().negate() == tree
    assert Test("x", "between", (1, 2)).negate() == Test("x", "outside", (1, 2))
    assert Test("x", "exists").negate() == Test("x", "missing")


def test_simplify_flattens_same_kinds_and_unwraps_single_children() -> None:
    nested = All((All((NPS_LOW, All((SEO,)))), AnyOf((AnyOf((NPS_LOW,)), SEO))))
    assert simplify(nested) == All((NPS_LOW, SEO, AnyOf((NPS_LOW, SEO))))
    assert simplify(All((AnyOf((NPS_LOW,)),))) == NPS_LOW
    assert simplify(TRUE) == TRUE


def test_the_tests_of_a_tree_in_order() -> None:
    assert c.tests(All((NPS_LOW, AnyOf((SEO, NPS_LOW))))) == [NPS_LOW, SEO, NPS_LOW]
    assert c.tests(TRUE) == []


@pytest.mark.parametrize(("test", "value", "expected"), [
    (Test("n", "between", (3, 6)), 3, True),
    (Test("n", "between", (3, 6)), 6.5, False),
    (Test("n", "outside", (3, 6)), 2, True),
    (Test("n", "outside", (3, 6)), 6, False),
    (Test("s", "one_of", ("a", "b")), "b", True),
    (Test("s", "none_of", ("a", "b")), "b", False),
    (Test("l", "includes", "seo"), frozenset({"seo"}), True),
    (Test("l", "excludes", "seo"), frozenset(), True),
    (Test("n", "ne", 5), None, False),
    (Test("n", "exists"), 0, True),
    (Test("n", "missing"), 0, False),
    (Test("n", "missing"), None, True),
])
def test_one_test_against_one_value(test: Test, value: Any, expected: bool) -> None:
    assert passes(test, value) is expected


def test_evaluate_all_any_and_the_empty_all() -> None:
    facts: dict[str, Any] = {"nps": 5, "services": frozenset({"ads"})}
    assert is_true(All((NPS_LOW, SEO)), facts) is False
    assert is_true(AnyOf((NPS_LOW, SEO)), facts) is True
    assert is_true(TRUE, {}) is True
    assert is_true(AnyOf(()), facts) is False


def test_text_and_data_forms() -> None:
    tree: Node = All((NPS_LOW, AnyOf((Test("seg", "one_of", ("a", "b")), Test("x", "missing")))))
    assert str(tree) == "all(nps <= 6, any(seg one_of ['a', 'b'], x missing))"
    assert to_data(tree) == {"all": [
        {"fact": "nps", "op": "lte", "value": 6},
        {"any": [{"fact": "seg", "op": "one_of", "value": ["a", "b"]},
                 {"fact": "x", "op": "missing", "value": None}]}]}
