"""The engine's own sentences, in every supported language.

Author text is only ever passed as a value to these templates, never used as one.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "journey_next": {
        # one sentence for one step or several shown in one row: no pronoun to agree with
        "en": "Next on the {journey} journey: everything that comes before is done.",
        "ru": "Дальше по карте «{journey}»: всё, что этому предшествует, уже сделано.",
    },
    "needed_before": {
        "en": "{step} cannot start before this is done.",
        "ru": "Без этого нельзя начать {step}.",
    },
    "not_yet": {  # follows the reason of a blocked step
        "en": "Not yet: first {missing}.",
        "ru": "Пока рано: сначала {missing}.",
    },
    "quoted": {"en": "\u201c{text}\u201d", "ru": "\u00ab{text}\u00bb"},
    "foreign_step": {
        "en": "The completed step '{step}' is not on the {journey} journey, so it was ignored.",
        "ru": "Выполненного шага «{step}» нет на карте «{journey}», поэтому он не учтён.",
    },
    "out_of_order": {
        "en": "{step} is marked done, but {missing} {are} not: check the record in the CRM; "
              "nothing that depends on it is proposed until then.",
        "ru": "Шаг {step} отмечен выполненным, но {missing} — нет: проверьте запись в CRM; "
              "до тех пор ничего, что от него зависит, не предлагается.",
    },
    "out_of_order_many": {
        "en": "{step} is marked done, but {count} steps before it are not, starting with "
              "{first}: check the record in the CRM; nothing that depends on it is proposed "
              "until then.",
        "ru": "Шаг {step} отмечен выполненным, но не выполнены шаги до него ({count}), начиная с "
              "{first}: проверьте запись в CRM; до тех пор ничего, что от него зависит, "
              "не предлагается.",
    },
    "one_of": {"en": "one of {steps}", "ru": "одно из: {steps}"},
    "or": {"en": " or ", "ru": " или "},
}


def say(key: str, lang: str, **values: str) -> str:
    return MESSAGES[key][lang].format(**values)


def listing(steps: list[str], groups: list[list[str]], lang: str) -> str:
    """Missing steps, then each any-of group: ``A, B, one of C or D``."""
    return ", ".join([*steps, *(say("one_of", lang, steps=MESSAGES["or"][lang].join(g))
                                for g in groups)])


def sentence(text: str) -> str:
    """``text`` ending with a full stop (or its own ! ? …)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "\u2026", ":")) else text + "."
