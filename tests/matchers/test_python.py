"""The generated matcher agrees with the reference semantics of the tree, and splices nothing."""

from __future__ import annotations

import random
from typing import Any

import engine
from engine.language.conditions import All, AnyOf, Node, Test, is_true
from engine.matchers.python import PythonMatcher

from ..conftest import DATA, golden

SLOTS = {"seg": 0, "n": 1, "steps": 2, "x": 3}
VALUES: dict[str, list[Any]] = {"seg": ["a", "b", "c", None], "n": [None, 0, 3, 5.5, 10],
          "steps": [None, frozenset(), frozenset({"s1"}), frozenset({"s1", "s2"})],
          "x": [None, True, False]}


def random_test(rng: random.Random) -> Test:
    fact = rng.choice(list(SLOTS))
    value: Any
    if fact == "seg":
        op = rng.choice(["eq", "ne", "one_of", "none_of", "exists", "missing"])
        value = ("a", "b") if op.endswith("of") else rng.choice("abc")
    elif fact == "n":
        op = rng.choice(["eq", "ne", "lt", "lte", "gt", "gte", "between", "outside"])
        value = (2, 6) if op in ("between", "outside") else rng.choice([0, 3, 5.5, 7])
    elif fact == "steps":
        op, value = rng.choice(["includes", "excludes"]), rng.choice(["s1", "s2"])
    else:
        op, value = rng.choice(["eq", "ne"]), rng.choice([True, False])
    return Test(fact, op, None if op in ("exists", "missing") else value)


def random_tree(rng: random.Random, depth: int = 0) -> Node:
    if depth > 2 or rng.random() < 0.4:
        return random_test(rng)
    kinds: list[type[All] | type[AnyOf]] = [All, AnyOf]
    kind = rng.choice(kinds)
    return kind(tuple(random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))))


def test_generated_code_equals_reference_semantics() -> None:
    rng = random.Random(7)
    trees = [random_tree(rng) for _ in range(300)]
    trees += [All((Test("seg", "eq", "a"), random_tree(rng))) for _ in range(50)]
    matcher = PythonMatcher(trees, SLOTS)
    for _ in range(500):
        facts = {k: rng.choice(v) for k, v in VALUES.items()}
        expected = [i for i, t in enumerate(trees) if is_true(t, facts)]
        assert matcher.match([facts[k] for k in SLOTS]) == expected


def test_author_text_never_reaches_the_source() -> None:
    evil = "'); import os; os.system('echo pwned') #"
    matcher = PythonMatcher([Test("seg", "eq", evil), Test("seg", "eq", "a")], SLOTS)
    assert evil not in matcher.source and "os.system" not in matcher.source
    assert matcher.match([evil, None, None, None]) == [0]


def test_rules_scoped_on_one_fact_share_a_dispatch() -> None:
    trees = [All((Test("seg", "eq", v), Test("n", "gt", 1))) for v in "abcab"]
    matcher = PythonMatcher(trees, SLOTS)
    lines = matcher.source.splitlines()
    assert sum(line.startswith("    if f0 == ") for line in lines) == 1
    assert sum(line.startswith("    elif f0 == ") for line in lines) == 2
    assert matcher.match(["a", 2, None, None]) == [0, 3]
    assert matcher.match(["a", 1, None, None]) == []


def test_generated_matcher_source_of_the_small_kb(small_kb: engine.KnowledgeBase) -> None:
    assert isinstance(small_kb.matcher, PythonMatcher)
    golden(DATA / "golden" / "matcher_source.py.txt", small_kb.matcher.source)
