"""Plain words for conditions that did not hold: "nps is 8, rule wants <= 6".

Values are written as an author would write them in YAML (``true``, ``[seo, analytics]``), and
numbers exactly, with their unit (``15.4%``, ``150 000 ₽``): an explanation must show why a
value just past a boundary failed, so nothing is rounded away.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.language.conditions import SYMBOL, Test
from engine.language.fact_types import FactType
from engine.language.templates import humanise

NUMBER = FactType("number")
UNITS = {"percent": "%", "rub": " ₽"}
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "is": "{fact} is {actual}, rule wants {wants}",
        "unknown": "{fact} is missing, rule wants {wants}",
        "none_held": "none of the alternatives held",
        "ne": "anything but {v}", "between": "between {low} and {high}",
        "outside": "below {low} or above {high}", "one_of": "one of {values}",
        "none_of": "none of {values}", "includes": "it to include {v}",
        "excludes": "it not to include {v}", "exists": "it known", "missing": "it missing",
    },
    "ru": {
        "is": "{fact} = {actual}, правило требует {wants}",
        "unknown": "{fact} неизвестно, правило требует {wants}",
        "none_held": "не выполнена ни одна из альтернатив",
        "ne": "любое значение, кроме {v}", "between": "от {low} до {high}",
        "outside": "меньше {low} или больше {high}", "one_of": "одно из: {values}",
        "none_of": "ни одно из: {values}", "includes": "чтобы список содержал {v}",
        "excludes": "чтобы список не содержал {v}", "exists": "чтобы значение было известно",
        "missing": "чтобы значения не было",
    },
}


def none_held(lang: str) -> str:
    return WORDS[lang]["none_held"]


def condition_text(test: Test, actual: Any, ftype: FactType, lang: str) -> str:
    """Why ``test`` failed for the client's value ``actual`` (None: the fact is missing)."""
    key = "unknown" if actual is None else "is"
    return WORDS[lang][key].format(fact=test.fact, actual=show(actual, ftype, lang),
                                   wants=wants(test, ftype, lang))


def wants(test: Test, ftype: FactType, lang: str) -> str:
    """What the test asks for: ``<= 6``, ``between 10% and 15%``, ``it to include seo``."""
    item = ftype.item if ftype.kind == "list" and ftype.item else ftype
    c = test.value
    if test.op == "eq":
        return show(c, item, lang)
    if test.op == "ne":
        return WORDS[lang]["ne"].format(v=show(c, item, lang))
    if test.op in SYMBOL:
        return f"{SYMBOL[test.op]} {show(c, item, lang)}"
    words = WORDS[lang][test.op]
    if test.op in ("between", "outside"):
        return words.format(low=show(c[0], item, lang), high=show(c[1], item, lang))
    if test.op in ("one_of", "none_of"):
        return words.format(values=", ".join(show(v, item, lang) for v in c))
    return words.format(v=show(c, item, lang))


def show(value: Any, ftype: FactType, lang: str) -> str:
    """A value as written in YAML, numbers exact and with their unit."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (frozenset, set, list, tuple)):
        return "[" + ", ".join(show(v, ftype, lang) for v in sorted(value, key=str)) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return humanise(value, NUMBER, lang) + UNITS.get(ftype.unit, "")
    return str(value)
