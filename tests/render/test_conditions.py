"""Conditions in words: values as YAML writes them, numbers exact with their unit, both
languages. (Every operator in English: tests/tools/test_explain.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from engine.language.conditions import Test
from engine.language.fact_types import FactType, enum, list_of
from engine.render.conditions import show, unmet_text, wants
from engine.tools.explain import Unmet

PERCENT = FactType("number", unit="percent")
RUB = FactType("number", unit="rub")
INT = FactType("int")
SERVICES = list_of(enum("seo", "ads"))


@pytest.mark.parametrize(("value", "ftype", "lang", "text"), [
    (True, PERCENT, "en", "true"),
    (False, INT, "ru", "false"),
    (frozenset({"seo", "analytics"}), SERVICES, "en", "[analytics, seo]"),
    (dt.date(2026, 1, 2), FactType("date"), "en", "2026-01-02"),
    (15.4, PERCENT, "ru", "15,4\u00a0%"),
    (150000, RUB, "en", "150,000\u00a0₽"),
    (150000.5, RUB, "ru", "150\u00a0000,5\u00a0₽"),
    ("x", FactType("text"), "en", "x"),
])
def test_values_as_written_numbers_exact(value: Any, ftype: FactType, lang: str,
                                         text: str) -> None:
    assert show(value, ftype, lang) == text


@pytest.mark.parametrize(("test", "ftype", "text"), [
    (Test("nps", "eq", 3), INT, "3"),
    (Test("nps", "ne", 3), INT, "любое значение, кроме 3"),
    (Test("nps", "lt", 3), INT, "< 3"),
    (Test("nps", "between", (3, 6)), INT, "от 3 до 6"),
    (Test("kpi_deviation_pct", "outside", (10, 15)), PERCENT,
     "меньше 10\u00a0% или больше 15\u00a0%"),
    (Test("seg", "one_of", ("b", "a")), enum("a", "b"), "одно из: b, a"),
    (Test("nps", "exists"), INT, "чтобы значение было известно"),
    (Test("nps", "missing"), INT, "чтобы значения не было"),
    (Test("services", "includes", "seo"), SERVICES, "чтобы список содержал seo"),
    (Test("services", "excludes", "seo"), SERVICES, "чтобы список не содержал seo"),
])
def test_what_a_rule_wants_in_russian(test: Test, ftype: FactType, text: str) -> None:
    assert wants(test, ftype, "ru") == text


def test_an_unmet_test_and_an_unmet_any() -> None:
    failed = Unmet("nps", "lte", 6, 8, ftype=INT)
    assert unmet_text(failed, "en") == "nps is 8, rule wants <= 6"
    assert unmet_text(failed, "ru") == "nps = 8, правило требует <= 6"
    missing = Unmet("nps", "lte", 6, None, ftype=INT)
    assert unmet_text(missing, "ru") == "nps неизвестно, правило требует <= 6"
    any_of = Unmet(alternatives=(failed, missing))
    assert unmet_text(any_of, "en") == "none of the alternatives held"
    assert unmet_text(any_of, "ru") == "не выполнена ни одна из альтернатив"
