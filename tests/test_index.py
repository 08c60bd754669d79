"""The runtime index: prepared per (language, project type) when first needed, once, and not
part of the knowledge base's value (equal and pickled alike, cold or warm)."""

from __future__ import annotations

import datetime as dt
import pickle

import engine

from .conftest import SMALL_KB

AS_OF = dt.date(2026, 11, 1)
CLIENT = {"id": "acme", "project_type": "lead_gen", "temperament": "choleric",
          "completed_steps": ["briefing"], "facts": {"has_crm": True}}


def test_a_view_is_prepared_once_and_shares_what_does_not_depend_on_the_journey() -> None:
    kb = engine.load(SMALL_KB)
    view = kb.index.view("en", "lead_gen")
    assert kb.index.view("en", "lead_gen") is view
    plain = kb.index.view("en", "")
    assert view.reasons is plain.reasons
    for rule in kb.rules:
        for (kind, _), mine, base in zip(rule.actions, view.proposals[rule.id],
                                         plain.proposals[rule.id], strict=True):
            assert (mine is base) == (kind in ("warning", "communication"))
    assert kb.index.view("ru", "lead_gen") is not view


def test_cold_and_warm_knowledge_bases_are_equal_and_pickle_alike() -> None:
    cold, warm = engine.load(SMALL_KB), engine.load(SMALL_KB)
    expected = engine.recommend(CLIENT, kb=warm, as_of=AS_OF, lang="ru")
    assert warm == cold and pickle.dumps(warm) == pickle.dumps(cold)
    back = pickle.loads(pickle.dumps(warm))
    assert back == warm and back.index == warm.index
    assert engine.recommend(CLIENT, kb=back, as_of=AS_OF, lang="ru") == expected
