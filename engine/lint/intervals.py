"""Numeric bands of a fact: intervals with open or closed ends, for the linter.

A rule's band on a numeric fact is the intersection of its top-level ``lt`` / ``lte`` / ``gt`` /
``gte`` / ``between`` tests of that fact. For whole-number facts (``int``: days, months, nps) a
band is narrowed to the whole numbers it holds, so ``lte: 14`` and ``gte: 15`` meet without a gap.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.language.conditions import Test

BAND_OPS = frozenset({"lt", "lte", "gt", "gte", "between"})
INF = math.inf


@dataclass(frozen=True)
class Interval:
    low: float = -INF
    high: float = INF
    low_closed: bool = False
    high_closed: bool = False

    @property
    def empty(self) -> bool:
        if self.low != self.high:
            return self.low > self.high
        return not (self.low_closed and self.high_closed)

    def intersect(self, other: Interval) -> Interval:
        low = max((self.low, not self.low_closed), (other.low, not other.low_closed))
        high = min((self.high, self.high_closed), (other.high, other.high_closed))
        return Interval(low[0], high[0], not low[1], high[1])

    def contains(self, other: Interval) -> bool:
        """Whether every value of ``other`` is in this interval."""
        if other.empty:
            return True
        return other.intersect(self) == other

    def whole(self) -> Interval:
        """The same band narrowed to the whole numbers it holds (closed ends)."""
        low, high = self.low, self.high
        if not math.isinf(low):
            low = math.ceil(low) if self.low_closed or low != math.ceil(low) else low + 1
        if not math.isinf(high):
            high = math.floor(high) if self.high_closed or high != math.floor(high) else high - 1
        return Interval(low, high, not math.isinf(low), not math.isinf(high))

    def tests(self, fact: str) -> list[Test]:
        """Tests of ``fact`` that hold exactly on this interval."""
        out = []
        if self.low != -INF:
            out.append(Test(fact, "gte" if self.low_closed else "gt", self.low))
        if self.high != INF:
            out.append(Test(fact, "lte" if self.high_closed else "lt", self.high))
        return out

    def describe(self, fact: str) -> str:
        """``10 <= fact <= 15``, ``fact > 30``, ``fact = 15``."""
        if self.low == self.high:
            return f"{fact} = {number_text(self.low)}"
        left = (f"{number_text(self.low)} {'<=' if self.low_closed else '<'} "
                if self.low != -INF else "")
        right = f" {'<=' if self.high_closed else '<'} {number_text(self.high)}" \
            if self.high != INF else ""
        if left and not right:
            return f"{fact} {'>=' if self.low_closed else '>'} {number_text(self.low)}"
        return f"{left}{fact}{right}"


EVERYTHING = Interval()


def number_text(value: float) -> str:
    return f"{value:g}"


def of_test(test: Test) -> Interval:
    """The values a numeric test admits (eq on a number is a one-value band)."""
    op, v = test.op, test.value
    if op == "between":
        return Interval(v[0], v[1], True, True)
    if op in ("lt", "lte"):
        return Interval(high=v, high_closed=op == "lte")
    if op in ("gt", "gte"):
        return Interval(low=v, low_closed=op == "gte")
    if op == "eq":
        return Interval(v, v, True, True)
    raise KeyError(op)


def is_numeric(test: Test) -> bool:
    if test.op in BAND_OPS:
        return True
    return test.op == "eq" and isinstance(test.value, (int, float)) \
        and not isinstance(test.value, bool)


def band(tests: Iterable[Test], whole: bool, ops: frozenset[str] = BAND_OPS) -> Interval | None:
    """The intersection of the numeric tests among ``tests`` with an op in ``ops``, or None."""
    found = [of_test(t) for t in tests if t.op in ops and is_numeric(t)]
    if not found:
        return None
    result = EVERYTHING
    for interval in found:
        result = result.intersect(interval)
    return result.whole() if whole else result


def gap(below: Interval, above: Interval, whole: bool) -> Interval:
    """The values between the top of ``below`` and the bottom of ``above`` (may be empty)."""
    between = Interval(below.high, above.low, not below.high_closed, not above.low_closed)
    return between.whole() if whole else between


class Sorted:
    """Tagged intervals sorted once by their low end, with the highest end reached so far, so
    that those containing or meeting a query are found by a binary search and a short walk
    back (no walk at all past the bands that end too low): a group's bands are checked in
    O(n log n) for the usual side-by-side bands, not pair by pair."""

    def __init__(self, items: Iterable[tuple[Interval, int]]) -> None:
        self.items = sorted(items, key=lambda it: _low_key(it[0]))
        self.lows = [_low_key(i) for i, _ in self.items]
        self.reach: list[tuple[float, bool]] = []
        for interval, _ in self.items:
            high = _high_key(interval)
            self.reach.append(max(self.reach[-1], high) if self.reach else high)

    def containing(self, query: Interval) -> list[int]:
        """The tags of the intervals that contain ``query`` (a non-empty interval)."""
        top = _high_key(query)
        return self._walk(bisect.bisect_right(self.lows, _low_key(query)), top,
                          lambda i: _high_key(i) >= top)

    def meeting(self, query: Interval) -> list[int]:
        """The tags of the intervals that may share a value with ``query`` (a few more, never
        fewer: ends are compared as numbers, open or closed)."""
        last = bisect.bisect_right(self.lows, (query.high, True))
        return self._walk(last, (query.low, False), lambda i: i.high >= query.low)

    def _walk(self, end: int, reach: tuple[float, bool], keep: Any) -> list[int]:
        out = []
        k = end - 1
        while k >= 0 and self.reach[k] >= reach:
            interval, tag = self.items[k]
            if keep(interval):
                out.append(tag)
            k -= 1
        return out


def _low_key(interval: Interval) -> tuple[float, bool]:
    """Sorts an interval starting further left first (closed before open at the same value)."""
    return (interval.low, not interval.low_closed)


def _high_key(interval: Interval) -> tuple[float, bool]:
    """Sorts an interval ending further right last (open before closed at the same value)."""
    return (interval.high, interval.high_closed)
