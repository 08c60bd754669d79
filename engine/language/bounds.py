"""Whether the tests of one fact written in one mapping can ever hold together.

``{nps: {gt: 5, lt: 3}}`` or ``{nps: {gt: 10}}`` (nps is at most 10) can never be true: the
interval the tests leave, inside the fact's domain, is empty. Whole-number facts leave only
whole numbers (``{gt: 5, lt: 6}`` is empty too).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from engine.language.conditions import Test
from engine.language.fact_types import FactType

LOWER = {"gt": True, "gte": False}   # op -> the bound is open
UPPER = {"lt": True, "lte": False}


def never_true(ftype: FactType, tests: Iterable[Test]) -> bool:
    """Whether no value of the fact's domain passes every one of ``tests``."""
    if ftype.kind not in ("int", "number"):
        return False
    low, low_open, high, high_open = float(ftype.low), False, float(ftype.high), False
    for test in tests:
        for op, value in _bounds(test):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return False  # a mistake already reported
            if op in LOWER and (value > low or (value == low and LOWER[op])):
                low, low_open = value, LOWER[op]
            elif op in UPPER and (value < high or (value == high and UPPER[op])):
                high, high_open = value, UPPER[op]
    if ftype.kind == "int":
        low = math.floor(low) + 1 if low_open or low != math.floor(low) else low
        high = math.ceil(high) - 1 if high_open or high != math.ceil(high) else high
        return low > high
    return low > high or (low == high and (low_open or high_open))


def _bounds(test: Test) -> list[tuple[str, object]]:
    if test.op in LOWER or test.op in UPPER:
        return [(test.op, test.value)]
    if test.op == "between" and isinstance(test.value, tuple):
        return [("gte", test.value[0]), ("lte", test.value[1])]
    if test.op == "eq":
        return [("gte", test.value), ("lte", test.value)]
    return []
