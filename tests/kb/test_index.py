"""The runtime index: each rule's actions prepared once per language and project type."""

from __future__ import annotations

import datetime as dt

import engine
from engine.kb.index import build_index
from engine.models import Action

AS_OF = dt.date(2026, 11, 1)


def test_actions_are_prepared_per_language_and_project_type(
        small_kb: engine.KnowledgeBase) -> None:
    index = small_kb.index
    assert sorted(index.prepared) == [("en", ""), ("en", "lead_gen"), ("ru", ""),
                                      ("ru", "lead_gen")]
    assert list(index.rules_by_id) == ["ads_first_warning", "optimise_in_band", "grow_when_met",
                                       "talk_to_choleric"]
    assert index.all_steps == {"briefing", "competitor_analysis", "landing_pages",
                               "launch_context_ads", "optimise_campaigns", "serm"}
    assert index.threshold_values == {"kpi_band_low": 10, "kpi_band_high": 15}


def test_an_action_whose_reason_names_no_fact_is_built_whole(
        small_kb: engine.KnowledgeBase) -> None:
    (upsell,) = small_kb.index.prepared["ru", "lead_gen"]["grow_when_met"]
    assert upsell == Action(kind="upsell", id="serm", title="Предложить SERM",
                            reason="KPI выполнены", priority=50, rules=("grow_when_met",),
                            sources=("K08",), missing=())


def test_an_action_whose_reason_names_facts_keeps_its_fields_reason_left_out(
        small_kb: engine.KnowledgeBase) -> None:
    warning, step = small_kb.index.prepared["en", "lead_gen"]["ads_first_warning"]
    assert warning == {"kind": "warning", "id": "ads_before_landing_pages",
                       "title": "Landing pages before ads", "reason": None, "priority": 90,
                       "rules": ("ads_first_warning",), "sources": ("K28",), "missing": (),
                       "details": None}
    assert step == {**warning, "kind": "next_step", "id": "launch_context_ads",
                    "title": "Launch contextual ads"}
    assert small_kb.index.reasons["en"]["ads_first_warning"].text is None
    assert small_kb.index.reasons["en"]["grow_when_met"].text == "KPIs are met"


def test_a_step_outside_the_clients_journey_is_none(small_kb: engine.KnowledgeBase) -> None:
    no_journey = small_kb.index.prepared["en", ""]
    assert no_journey["optimise_in_band"] == (None,) and no_journey["grow_when_met"] == (None,)
    warning, step = no_journey["ads_first_warning"]
    assert isinstance(warning, dict) and warning["kind"] == "warning" and step is None
    (talk,) = no_journey["talk_to_choleric"]
    assert isinstance(talk, Action) and talk.title == "Talking to a choleric client"


def test_titles_in_both_languages(small_kb: engine.KnowledgeBase) -> None:
    index = small_kb.index
    assert index.rule_titles["ru"]["ads_first_warning"] == "Сначала посадочные"
    assert index.playbook_titles == {
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
    assert talk is small_kb.index.prepared["en", "lead_gen"]["talk_to_choleric"][0]


def test_building_again_from_the_same_inputs_gives_an_equal_index(
        small_kb: engine.KnowledgeBase) -> None:
    values = {name: t.value for name, t in small_kb.thresholds.items()}
    again = build_index(small_kb.rules, small_kb.journeys, small_kb.playbook, values,
                        small_kb.facts)
    assert again.prepared == small_kb.index.prepared
    assert again.rule_titles == small_kb.index.rule_titles
