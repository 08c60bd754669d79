"""Results out: a JSON line is the recommendation with each action's playbook content named by
its entry, written in one pass by pydantic, the same bytes the standard library writes."""

from __future__ import annotations

import datetime as dt
import json

import engine
from engine.portfolio.writers import json_line, recommendation_line, recommendation_record
from engine.tools.generate import random_clients

AS_OF = dt.date(2026, 10, 15)


def test_a_line_names_the_playbook_content_and_is_what_the_stdlib_writes() -> None:
    kb = engine.default_kb()
    for client in random_clients(kb, 300, seed=5, known=0.8):
        for lang in ("en", "ru"):
            rec = engine.recommend(client, kb=kb, as_of=AS_OF, lang=lang)
            line = recommendation_line(rec)
            assert line == json_line(recommendation_record(rec))
            full = rec.model_dump(mode="json")
            for written, action in zip(json.loads(line)["actions"], full["actions"],
                                       strict=True):
                details = action.pop("details")
                assert written.pop("details") == (details and {"entry": details["entry"]})
                assert written == action


def test_text_that_is_no_utf8_still_makes_a_line() -> None:
    rec = engine.recommend({"id": "c"}, as_of=AS_OF).model_copy(update={"notes": ["a\ud800"]})
    assert recommendation_line(rec) == json_line(recommendation_record(rec))
