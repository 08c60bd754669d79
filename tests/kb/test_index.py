"""The runtime index: each rule's actions prepared once per language and project type, when a
recommendation first needs them; not part of the knowledge base's value (equal and pickled
alike, cold or warm)."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

import engine
from engine.kb.index import Proposal, build_index
from engine.models import Action

from ..conftest import SMALL_KB

AS_OF = dt.date(2026, 11, 1)
CLIENT = {"id": "acme", "project_type": "lead_gen", "temperament": "choleric",
          "completed_steps": ["briefing"], "facts": {"has_crm": True}}


def test_the_index_holds_its_inputs(small_kb: engine.KnowledgeBase) -> None:
    index = small_kb.index
    assert list(index.rules_by_id) == ["ads_first_warning", "optimise_in_band", "grow_when_met",
                                       "talk_to_choleric"]
    assert index.all_steps == {"briefing", "competitor_analysis", "landing_pages",
                               "launch_context_ads", "optimise_campaigns", "serm"}
    assert index.thresholds == {"kpi_band_low": 10, "kpi_band_high": 15}


def test_a_view_is_prepared_when_first_needed_and_once() -> None:
    kb = engine.load(SMALL_KB)
    assert kb.index.memo.views == {}
    view = kb.index.view("en", "lead_gen")
    assert kb.index.view("en", "lead_gen") is view
    assert sorted(kb.index.memo.views) == [("en", ""), ("en", "lead_gen")]
    assert kb.index.view("ru", "lead_gen") is not view


def test_an_action_whose_reason_names_no_fact_is_built_whole(
        small_kb: engine.KnowledgeBase) -> None:
    (upsell,) = small_kb.index.view("ru", "lead_gen").proposals["grow_when_met"]
    assert upsell is not None and upsell.action == Action(
        kind="upsell", id="serm", title="Предложить SERM", reason="KPI выполнены", priority=50,
        rules=("grow_when_met",), sources=("K08",), missing=())


def test_an_action_whose_reason_names_facts_is_a_proposal_without_an_action(
        small_kb: engine.KnowledgeBase) -> None:
    warning, step = small_kb.index.view("en", "lead_gen").proposals["ads_first_warning"]
    assert warning == Proposal("warning", "ads_before_landing_pages", "Landing pages before ads",
                               90, "ads_first_warning", frozenset({"K28"}), ("K28",), None)
    assert step == warning._replace(kind="next_step", id="launch_context_ads",
                                    title="Launch contextual ads")
    assert small_kb.index.reasons("en")["ads_first_warning"].text is None
    assert small_kb.index.reasons("en")["grow_when_met"].text == "KPIs are met"


def test_a_step_outside_the_clients_journey_is_none(small_kb: engine.KnowledgeBase) -> None:
    no_journey = small_kb.index.view("en", "").proposals
    assert no_journey["optimise_in_band"] == (None,) and no_journey["grow_when_met"] == (None,)
    warning, step = no_journey["ads_first_warning"]
    assert warning is not None and warning.kind == "warning" and step is None
    (talk,) = no_journey["talk_to_choleric"]
    assert talk is not None and talk.action is not None
    assert talk.action.title == "Talking to a choleric client"


def test_what_does_not_depend_on_the_journey_is_shared_between_journeys(
        small_kb: engine.KnowledgeBase) -> None:
    mine, plain = small_kb.index.view("en", "lead_gen"), small_kb.index.view("en", "")
    assert mine.reasons is plain.reasons
    for rule in small_kb.rules:
        for (kind, _), a, b in zip(rule.actions, mine.proposals[rule.id],
                                   plain.proposals[rule.id], strict=True):
            assert (a is b) == (kind in ("warning", "communication"))


def test_titles_in_both_languages(small_kb: engine.KnowledgeBase) -> None:
    titles = small_kb.index.titles
    assert titles["warning"]["ru"]["ads_first_warning"] == "Сначала посадочные"
    assert titles["communication"] == {
        "en": {"temperament_choleric": "Talking to a choleric client"},
        "ru": {"temperament_choleric": "Как говорить с холериком"}}


def test_prepared_actions_are_shared_between_recommendations(
        small_kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen", "temperament": "choleric",
              "facts": {"has_crm": True}}
    first = engine.recommend(client, kb=small_kb, as_of=AS_OF)
    second = engine.recommend({**client, "id": "d"}, kb=small_kb, as_of=AS_OF)
    talk = next(a for a in first.actions if a.kind == "communication")
    assert talk is next(a for a in second.actions if a.kind == "communication")
    (prepared,) = small_kb.index.view("en", "lead_gen").proposals["talk_to_choleric"]
    assert prepared is not None and talk is prepared.action


def test_building_again_from_the_same_inputs_gives_an_equal_index(
        small_kb: engine.KnowledgeBase) -> None:
    values = {name: t.value for name, t in small_kb.thresholds.items()}
    units = {name: t.unit for name, t in small_kb.thresholds.items()}
    again = build_index(small_kb.rules, small_kb.journeys, small_kb.playbook, values,
                        small_kb.facts, units)
    assert again == small_kb.index
    view, same = again.view("ru", "lead_gen"), small_kb.index.view("ru", "lead_gen")
    assert view.frontier == same.frontier and all(
        view.reasons[r.id] == same.reasons[r.id] and view.proposals[r.id] == same.proposals[r.id]
        for r in small_kb.rules)


def test_a_view_makes_each_rules_entries_when_first_asked(small_kb: engine.KnowledgeBase) -> None:
    view = build_index(small_kb.rules, small_kb.journeys, small_kb.playbook,
                       {n: t.value for n, t in small_kb.thresholds.items()},
                       small_kb.facts).view("en", "lead_gen")
    first = small_kb.rules[0].id
    assert not view.proposals and view.proposals[first] and list(view.proposals) == [first]
    with pytest.raises(KeyError):
        view.proposals["no_such_rule"]


def test_cold_and_warm_knowledge_bases_are_equal_and_pickle_alike() -> None:
    cold, warm = engine.load(SMALL_KB), engine.load(SMALL_KB)
    expected = engine.recommend(CLIENT, kb=warm, as_of=AS_OF, lang="ru")
    assert warm == cold and pickle.dumps(warm) == pickle.dumps(cold)
    back = pickle.loads(pickle.dumps(warm))
    assert back == warm and back.index == warm.index and back.index.memo.views == {}
    assert engine.recommend(CLIENT, kb=back, as_of=AS_OF, lang="ru") == expected
