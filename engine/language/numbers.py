"""Numbers written for people, in each language, by Babel's CLDR data.

``14 000 ₽`` and ``5,6 %`` in Russian (decimal comma, non-breaking spaces), ``14,000 ₽`` and
``5.6%`` in English; counted units take the plural form the language's rules pick (``1 day``,
``2 days``; ``1 день``, ``2 дня``, ``5 дней``).

Each distinct number is formatted once per language and kept (``MEMO`` entries per function,
then they start again): a portfolio writes the same day counts, percentages and sums over and
over. A number met for the first time is written by the locale's and the pattern's parsed forms,
each parsed once (``format_decimal`` parses both on every call). The memo tells 1
from 1.0 (``typed``), which Babel may write differently.

A deviation is written precisely enough that a sentence comparing it with a whole-number
threshold stays true: one decimal, or two when one decimal would round it onto a whole number
it is not (``15.04%`` is never ``15%``, ``29.96%`` never ``30%``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

NBSP = "\u00a0"
# unit -> language -> CLDR plural category -> word
UNIT_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "days": {"en": {"one": "day", "other": "days"},
             "ru": {"one": "день", "few": "дня", "many": "дней", "other": "дня"}},
    "months": {"en": {"one": "month", "other": "months"},
               "ru": {"one": "месяц", "few": "месяца", "many": "месяцев", "other": "месяца"}},
}
PERCENT = {"en": "%", "ru": NBSP + "%"}
MEMO = 8192  # distinct numbers kept per function and language
ROUBLES = NBSP + "₽"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@cache
def _pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "#" * digits if digits else ""))


@lru_cache(maxsize=MEMO, typed=True)
def decimal(value: float, lang: str, digits: int = 2) -> str:
    """Grouped by thousands as the language does, at most ``digits`` decimals (what Babel's
    ``format_decimal`` writes, with the locale and the pattern parsed once, not per number)."""
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    return str(_pattern(digits).apply(exact, _locale(lang), decimal_quantization=True))


def precise_digits(value: float) -> int:
    """One decimal, or two if one would land on a whole number the value is not."""
    if not math.isfinite(value):
        return 0
    one = round(value, 1)
    return 2 if one == int(one) and round(value, 2) != one else 1


@lru_cache(maxsize=MEMO, typed=True)
def percent(value: float, lang: str) -> str:
    return decimal(value, lang, precise_digits(value)) + PERCENT[lang]


@lru_cache(maxsize=MEMO, typed=True)
def roubles(value: float, lang: str) -> str:
    return decimal(value, lang, 0) + ROUBLES


@lru_cache(maxsize=MEMO, typed=True)
def counted(value: float, unit: str, lang: str) -> str:
    """``59 days`` / ``59 дней``: the number and the unit's word in the right plural form."""
    words = UNIT_WORDS[unit][lang]
    form = _locale(lang).plural_form(value)
    return f"{decimal(value, lang)}{NBSP if lang == 'ru' else ' '}{words.get(form, words['other'])}"
