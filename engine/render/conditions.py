"""Plain words for conditions that did not hold: "nps is 8, rule wants <= 6".

Values are written as an author would write them in YAML (``true``, ``[seo, analytics]``), and
numbers exactly, with their unit (``15.4%``, ``150 000 ₽``): an explanation must show why a
value just past a boundary failed, so nothing is rounded away.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from engine.language import numbers
from engine.language.conditions import SYMBOL, Test
from engine.language.fact_types import FactType
from engine.render.words import CONDITION_WORDS

if TYPE_CHECKING:
    from engine.tools.explain import Unmet

NUMBER = FactType("number")


def none_held(lang: str) -> str:
    return CONDITION_WORDS[lang]["none_held"]


def condition_text(test: Test, actual: Any, ftype: FactType, lang: str) -> str:
    """Why ``test`` failed for the client's value ``actual`` (None: the fact is missing)."""
    key = "unknown" if actual is None else "is"
    return CONDITION_WORDS[lang][key].format(fact=test.fact, actual=show(actual, ftype, lang),
                                   wants=wants(test, ftype, lang))


def wants(test: Test, ftype: FactType, lang: str) -> str:
    """What the test asks for: ``<= 6``, ``between 10% and 15%``, ``it to include seo``."""
    item = ftype.item if ftype.kind == "list" and ftype.item else ftype
    c = test.value
    if test.op == "eq":
        return show(c, item, lang)
    if test.op == "ne":
        return CONDITION_WORDS[lang]["ne"].format(v=show(c, item, lang))
    if test.op in SYMBOL:
        return f"{SYMBOL[test.op]} {show(c, item, lang)}"
    words = CONDITION_WORDS[lang][test.op]
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
        unit = {"percent": numbers.PERCENT[lang], "rub": numbers.ROUBLES}.get(ftype.unit, "")
        return numbers.decimal(value, lang) + unit
    return str(value)


def unmet_text(unmet: Unmet, lang: str) -> str:
    """A condition that did not hold, in words: one test, or an ``any`` none of whose
    alternatives held."""
    if unmet.alternatives or unmet.fact is None or unmet.ftype is None:
        return none_held(lang)
    test = Test(unmet.fact, unmet.op or "eq", unmet.wanted)
    return condition_text(test, unmet.actual, unmet.ftype, lang)
