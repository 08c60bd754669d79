"""Reason templates: only fact and threshold names, numbers written for people."""

from __future__ import annotations

import pytest

from engine.language.fact_types import FactType
from engine.language.templates import TemplateError, humanise, parse

PERCENT, RUB, INT = FactType("number", unit="percent"), FactType("number", unit="rub"), \
    FactType("int")
TYPES = {"kpi_deviation_pct": PERCENT, "monthly_budget": RUB, "nps": INT,
         "worst_kpi": FactType("text")}


NB = "\u00a0"
DAYS, MONTHS = FactType("int", unit="days"), FactType("int", unit="months")


@pytest.mark.parametrize("value, ftype, text", [
    (12.0, PERCENT, "12%"), (12.4, PERCENT, "12.4%"), (7.25, PERCENT, "7.2%"),
    (-30.0, PERCENT, "-30%"), (150000, RUB, f"150,000{NB}₽"), (5000.0, RUB, f"5,000{NB}₽"),
    (1234567, INT, "1,234,567"), (2.5, FactType("number"), "2.5"), (None, INT, "n/a"),
    (1, DAYS, "1 day"), (2, DAYS, "2 days"), (1, MONTHS, "1 month"), (0, MONTHS, "0 months"),
    (True, FactType("bool"), "yes"), (frozenset({"seo", "context_ads"}),
                                      FactType("list"), "context_ads, seo"),
])
def test_numbers_are_written_for_people(value: object, ftype: FactType, text: str) -> None:
    assert humanise(value, ftype, "en") == text


@pytest.mark.parametrize("value, ftype, text", [
    (5.6, PERCENT, f"5,6{NB}%"), (12.0, PERCENT, f"12{NB}%"), (14000, RUB, f"14{NB}000{NB}₽"),
    (1234567, INT, f"1{NB}234{NB}567"), (2.5, FactType("number"), "2,5"),
    (1, DAYS, f"1{NB}день"), (2, DAYS, f"2{NB}дня"), (5, DAYS, f"5{NB}дней"),
    (21, DAYS, f"21{NB}день"), (22, DAYS, f"22{NB}дня"), (11, DAYS, f"11{NB}дней"),
    (1, MONTHS, f"1{NB}месяц"), (3, MONTHS, f"3{NB}месяца"), (7, MONTHS, f"7{NB}месяцев"),
])
def test_russian_numbers_and_plurals(value: object, ftype: FactType, text: str) -> None:
    """Decimal comma, non-breaking spaces in thousands and before units, CLDR plural forms."""
    assert humanise(value, ftype, "ru") == text


@pytest.mark.parametrize("value, text", [
    (15.4, "15.4%"), (15.04, "15.04%"), (14.96, "14.96%"), (29.6, "29.6%"), (29.96, "29.96%"),
    (30.0, "30%"), (9.99, "9.99%"), (12.34, "12.3%"),
])
def test_deviations_near_a_whole_threshold_stay_true(value: float, text: str) -> None:
    """A value just past a whole-number edge is never rounded onto it."""
    assert humanise(value, PERCENT, "en") == text


def test_a_threshold_with_a_unit_is_written_with_it() -> None:
    template = parse("wait {$stats_days}; {days_since_launch} so far")
    types = {"days_since_launch": DAYS}
    assert template.render({"days_since_launch": 1}, types, {"stats_days": 14}, "en",
                           {"stats_days": "days"}) == "wait 14 days; 1 day so far"
    assert template.render({"days_since_launch": 3}, types, {"stats_days": 21}, "ru",
                           {"stats_days": "days"}) == f"wait 21{NB}день; 3{NB}дня so far"


def test_russian_words() -> None:
    assert humanise(None, INT, "ru") == "н/д" and humanise(False, FactType("bool"), "ru") == "нет"


def test_a_client_text_never_reaches_the_terminal_raw() -> None:
    text = FactType("text")
    assert humanise("toys\x1b]0;pwned\x07", text, "en") == "toys\\x1b]0;pwned\\x07"
    assert humanise(frozenset({"a\x1b[2J", "b"}), FactType("list"), "en") == "a\\x1b[2J, b"


def test_render_names_facts_and_thresholds() -> None:
    template = parse("{worst_kpi} is {kpi_deviation_pct} off (band {$band}%), {{literal}}")
    text = template.render({"worst_kpi": "CPL", "kpi_deviation_pct": 12.0}, TYPES,
                           {"band": 15}, "en")
    assert text == "CPL is 12% off (band 15%), {literal}"
    bound = template.bind(TYPES, {"band": 15}, "en")
    assert bound.render({"worst_kpi": "CPL", "kpi_deviation_pct": 12.0}) == text


@pytest.mark.parametrize("text, message", [
    ("{client.__class__}", "'{client.__class__}' is not a fact or $threshold name"),
    ("{nps:>10}", "'{nps:>10}' is not a fact or $threshold name"),
    ("{nps[0]}", "'{nps[0]}' is not a fact or $threshold name"),
    ("a { b", "a lone '{' at column 3: write '{{'"),
    ("a } b", "a lone '}' at column 3: write '}}'"),
])
def test_no_attribute_access_or_format_tricks(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse(text)
    assert str(info.value) == message
