"""Conditions on one fact ``x`` (or another) for the linter's tests."""

from __future__ import annotations

from engine.language.conditions import Test


def t(op: str, value: object, fact: str = "x") -> Test:
    return Test(fact, op, value)
