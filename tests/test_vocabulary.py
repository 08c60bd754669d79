"""One vocabulary: the kinds, their order and the languages are those the models, the planner,
the words and the command line use."""

from __future__ import annotations

import argparse
import datetime as dt
import typing

import pytest
from pydantic import ValidationError

import engine
from engine.cli import main, parser
from engine.models import Action
from engine.render.words import EXPLAIN_LABELS, HEADERS, KIND_LABEL
from engine.vocabulary import ACTION_KINDS, KIND_ORDER, LANGUAGES, STEP_ID_KINDS, STEP_KINDS


def test_the_kinds_are_those_of_the_action_model_in_output_order() -> None:
    literal = typing.get_args(Action.model_fields["kind"].annotation)
    assert sorted(literal) == sorted(ACTION_KINDS)
    assert ACTION_KINDS == ("warning", "blocked", "next_step", "upsell", "communication")
    assert KIND_ORDER == {"warning": 0, "blocked": 1, "next_step": 2, "upsell": 3,
                          "communication": 4}
    assert set(STEP_KINDS) < set(STEP_ID_KINDS) < set(ACTION_KINDS)
    with pytest.raises(ValidationError):
        Action.model_validate({"kind": "advice", "id": "x", "title": "t", "reason": "r",
                               "priority": 1, "rules": (), "sources": ("K01",)})


def test_actions_of_one_priority_come_in_kind_order(small_kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen", "services": ["context_ads"],
              "completed_steps": ["briefing"]}
    rec = engine.recommend(client, kb=small_kb, as_of=dt.date(2026, 11, 1))
    assert [(a.priority, a.kind, a.id) for a in rec.actions] == [
        (90, "warning", "ads_before_landing_pages"), (90, "blocked", "launch_context_ads"),
        (90, "next_step", "competitor_analysis"), (90, "next_step", "landing_pages")]
    ranks = [(-a.priority, KIND_ORDER[a.kind]) for a in rec.actions]
    assert ranks == sorted(ranks)


def test_every_language_has_all_its_words() -> None:
    assert LANGUAGES == ("en", "ru")
    for words in (KIND_LABEL, HEADERS, EXPLAIN_LABELS):
        assert tuple(words) == LANGUAGES
    for lang in LANGUAGES:
        assert set(KIND_LABEL[lang]) == set(ACTION_KINDS)
        assert set(EXPLAIN_LABELS[lang]) == set(EXPLAIN_LABELS["en"])


@pytest.mark.parametrize("command", ["dry-run", "explain", "graph"])
def test_the_lang_choices_are_the_languages(command: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    lang = next(a for a in sub.choices[command]._actions if a.dest == "lang")
    assert tuple(lang.choices or ()) == LANGUAGES and lang.default == "en"
    assert main([command, "c.yaml", "--lang", "de"]) == 1
    assert "argument --lang: invalid choice: 'de'" in capsys.readouterr().err
