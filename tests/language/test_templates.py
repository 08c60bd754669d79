"""Reason templates: only fact and threshold names, numbers written for people."""

from __future__ import annotations

import pytest

from engine.language.fact_types import FactType
from engine.language.templates import TemplateError, humanise, parse

PERCENT, RUB, INT = FactType("number", unit="percent"), FactType("number", unit="rub"), \
    FactType("int")
TYPES = {"kpi_deviation_pct": PERCENT, "monthly_budget": RUB, "nps": INT,
         "worst_kpi": FactType("text")}


@pytest.mark.parametrize("value, ftype, text", [
    (12.0, PERCENT, "12%"), (12.4, PERCENT, "12%"), (7.25, PERCENT, "7.2%"),
    (-30.0, PERCENT, "-30%"), (150000, RUB, "150 000 ₽"), (5000.0, RUB, "5 000 ₽"),
    (1234567, INT, "1 234 567"), (2.5, FactType("number"), "2.5"), (None, INT, "n/a"),
    (True, FactType("bool"), "yes"), (frozenset({"seo", "context_ads"}),
                                      FactType("list"), "context_ads, seo"),
])
def test_numbers_are_written_for_people(value: object, ftype: FactType, text: str) -> None:
    assert humanise(value, ftype, "en") == text


def test_russian_words() -> None:
    assert humanise(None, INT, "ru") == "н/д" and humanise(False, FactType("bool"), "ru") == "нет"


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
