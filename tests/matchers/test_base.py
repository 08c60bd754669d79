"""Matchers are values: equal, hashed and pickled by (kind, trees, slots); ``build`` by name."""

from __future__ import annotations

import pickle

import pytest

from engine.language.conditions import All, Node, Test
from engine.matchers import build
from engine.matchers import python as python_module
from engine.matchers.python import PythonMatcher

SLOTS = {"nps": 0, "seg": 1}
TREES: list[Node] = [Test("nps", "lte", 6), All((Test("seg", "eq", "a"), Test("nps", "gt", 8)))]


def test_equal_by_trees_and_slots() -> None:
    one = PythonMatcher(TREES, SLOTS)
    assert one == PythonMatcher(list(TREES), dict(SLOTS))
    assert hash(one) == hash(PythonMatcher(TREES, SLOTS))
    assert one != PythonMatcher(TREES[:1], SLOTS)
    assert one != PythonMatcher(TREES, {"nps": 1, "seg": 0})
    assert one != "python"
    assert (one.trees, one.slots) == (tuple(TREES), SLOTS)


def test_a_pickled_matcher_is_built_again_and_matches_the_same() -> None:
    one = PythonMatcher(TREES, SLOTS)
    again = pickle.loads(pickle.dumps(one))
    assert again == one and again is not one
    assert again.source == one.source
    for values in ([5, "a"], [9, "a"], [9, "b"], [None, None]):
        assert again.match(values) == one.match(values)
    assert again.match([9, "a"]) == [1]


def test_a_pickled_python_matcher_brings_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read back by the same Python, it runs the code it was pickled with (nothing generated
    or compiled again); pickled by a Python with another bytecode format, it is built again."""
    one = PythonMatcher(TREES, SLOTS)
    data = pickle.dumps(one)
    monkeypatch.setattr(python_module, "generate", None)  # generating again would fail
    again = pickle.loads(data)
    assert again == one and again.source == one.source
    for values in ([5, "a"], [9, "a"], [9, "b"], [None, None]):
        assert again.match(values) == one.match(values)
    monkeypatch.undo()
    monkeypatch.setattr(python_module, "MAGIC_NUMBER", b"\0\0\r\n")  # another Python's
    other = pickle.loads(data)
    assert other == one and other.match([9, "a"]) == [1]


def test_build_by_name() -> None:
    assert build("python", TREES, SLOTS) == PythonMatcher(TREES, SLOTS)
    with pytest.raises(ValueError) as info:
        build("rete", TREES, SLOTS)
    assert str(info.value) == "unknown matcher 'rete': expected one of python, durable"
