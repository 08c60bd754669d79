"""The journal's words for people: Russian agreement with the kind of advice, plurals by
Babel's rules, dates in each language's own format, dismissal reasons in either language, and
the days people type."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from engine.cli.common import day
from engine.journal import Counts
from engine.render import journal_words as jw
from engine.render.journal import counts_text


@pytest.mark.parametrize(("status", "kind", "said"), [
    ("new", "warning", "новое"), ("new", "next_step", "новый"), ("new", "upsell", "новая"),
    ("done", "warning", "выполнено"), ("done", "blocked", "выполнен"),
    ("snoozed", "next_step", "отложен"), ("dismissed", "communication", "отклонена"),
])
def test_a_status_agrees_with_the_kind_in_russian(status: str, kind: str, said: str) -> None:
    assert jw.status(status, kind, "ru") == said
    assert jw.status(status, kind, "en") == status


def test_counts_take_the_plural_form_of_their_number() -> None:
    assert counts_text(Counts(1, 2, 5, 21), "ru") == (
        "+1 новая ~2 изменены -5 снято, 21 без изменений")
    assert counts_text(Counts(21, 22, 11, 0), "ru") == (
        "+21 новая ~22 изменены -11 снято, 0 без изменений")
    assert counts_text(Counts(1, 0, 2, 3), "en") == (
        "+1 new ~0 changed -2 resolved, 3 unchanged")
    assert [jw.plural("ru", "day", n) for n in (1, 3, 5, 21)] == [
        "1 день", "3 дня", "5 дней", "21 день"]
    assert [jw.plural("en", "open_todo", n) for n in (1, 2)] == ["1 open to-do", "2 open to-dos"]


def test_dates_are_written_as_each_language_writes_them() -> None:
    assert jw.day(dt.date(2026, 12, 8), "en") == "Dec 8, 2026"
    assert jw.day(dt.date(2026, 12, 8), "ru") == "8 дек. 2026\u202fг."


@pytest.mark.parametrize("said", ["not_relevant", "not relevant", "Неактуально",
                                  "не актуально", "irrelevant"])
def test_a_dismissal_reason_in_either_language(said: str) -> None:
    assert jw.reason_code(said) == "not_relevant"
    assert jw.reason("not_relevant", "ru") == "неактуально"


def test_an_unknown_reason_is_left_for_the_journal_to_refuse() -> None:
    assert jw.reason_code("boring") is None


def test_days_as_people_type_them() -> None:
    today = dt.date.today()
    assert day("2026-12-20") == day("20.12.2026") == dt.date(2026, 12, 20)
    assert day("+7d") == today + dt.timedelta(days=7)
    assert day("+2w") == today + dt.timedelta(days=14)
    with pytest.raises(argparse.ArgumentTypeError, match=r"expected 2026-12-20, 20\.12\.2026"):
        day("next tuesday")
