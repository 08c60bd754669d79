"""Fact types: the operators each allows, what it accepts as a constant, how it is described."""

from __future__ import annotations

import pytest

from engine.language.fact_types import ALL_OPERATORS, FactType, enum, list_of

SERVICES = list_of(enum("seo", "ads"))


def test_operators_per_kind() -> None:
    assert FactType("bool").operators == {"eq", "ne", "exists", "missing"}
    assert FactType("date").operators == {"exists", "missing"}
    assert SERVICES.operators == {"includes", "excludes", "exists", "missing"}
    assert enum("a").operators == {"eq", "ne", "one_of", "none_of", "exists", "missing"}
    assert FactType("int").operators == FactType("number").operators
    assert "between" in FactType("number").operators and "outside" not in ALL_OPERATORS


@pytest.mark.parametrize(("ftype", "value", "accepted"), [
    (FactType("bool"), True, True),
    (FactType("bool"), 1, False),
    (FactType("int"), 3, True),
    (FactType("int"), True, False),
    (FactType("int"), 3.5, False),
    (FactType("number"), 3, True),
    (FactType("number"), False, False),
    (enum("a", "b"), "b", True),
    (enum("a", "b"), "c", False),
    (SERVICES, "seo", True),
    (SERVICES, "web", False),
    (list_of(FactType("text")), "anything", True),
    (FactType("text"), 5, False),
])
def test_what_a_type_accepts_as_a_constant(ftype: FactType, value: object,
                                           accepted: bool) -> None:
    assert ftype.accepts(value) is accepted


def test_descriptions() -> None:
    assert enum("a", "b").describe() == "one of a, b"
    assert SERVICES.describe() == "a list of one of seo, ads"
    assert [FactType(k).describe() for k in ("int", "number", "bool", "text", "date")] == [
        "a whole number", "a number", "true or false", "text", "a date"]
    assert enum("a", description="x") == enum("a", description="y")
