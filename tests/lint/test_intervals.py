"""Numeric bands of a fact: the band a rule's tests allow, gaps between bands, containment."""

from __future__ import annotations

import math

import pytest

from engine.language.conditions import Test
from engine.lint.intervals import Interval, band, gap

from .conditions import t


@pytest.mark.parametrize(("tests", "whole", "expected"), [
    ([t("between", (10, 15))], False, "10 <= x <= 15"),
    ([t("gt", 15), t("lte", 30)], False, "15 < x <= 30"),
    ([t("gte", 30)], False, "x >= 30"),
    ([t("lt", 10)], False, "x < 10"),
    ([t("gt", 14)], True, "x >= 15"),
    ([t("gt", 2.5), t("lt", 6)], True, "3 <= x <= 5"),
    ([t("between", (15, 15))], False, "x = 15"),
])
def test_bands(tests: list[Test], whole: bool, expected: str) -> None:
    found = band(tests, whole)
    assert found is not None and found.describe("x") == expected


def test_no_band_without_a_numeric_test() -> None:
    assert band([t("eq", "a"), t("exists", None)], False) is None


@pytest.mark.parametrize(("below", "above", "whole", "expected"), [
    ([t("between", (10, 15))], [t("between", (20, 30))], False, "15 < x < 20"),
    ([t("between", (10, 15))], [t("gt", 15)], False, None),
    ([t("lt", 15)], [t("gt", 15)], False, "x = 15"),
    ([t("lte", 14)], [t("gte", 15)], True, None),
    ([t("lte", 14)], [t("gte", 15)], False, "14 < x < 15"),
    ([t("lte", 14)], [t("gte", 17)], True, "15 <= x <= 16"),
    ([t("gte", 10)], [t("gte", 20)], True, None),
    ([t("gte", 10)], [t("gte", 20)], False, None),
])
def test_gaps(below: list[Test], above: list[Test], whole: bool, expected: str | None) -> None:
    low, high = band(below, whole), band(above, whole)
    assert low is not None and high is not None
    hole = gap(low, high, whole)
    assert (None if hole.empty else hole.describe("x")) == expected


def test_interval_containment() -> None:
    wide, narrow = Interval(0, math.inf, True, False), Interval(10, 15, True, True)
    assert wide.contains(narrow) and not narrow.contains(wide)
    assert Interval(10, 15, False, True).intersect(Interval(15, 30, True, True)) == Interval(
        15, 15, True, True)
