"""recommend(): the journey guard, exclusive groups, merging, order, languages, purity."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

import engine
from engine.errors import ClientError
from engine.vocabulary import KIND_ORDER

AS_OF = dt.date(2026, 11, 1)
BASE: dict[str, Any] = {"id": "acme", "project_type": "lead_gen", "temperament": "choleric",
                        "monthly_budget": 150000, "services": ["context_ads"],
                        "facts": {"has_crm": True}}


def cpl(actual: float) -> list[dict[str, Any]]:
    return [{"name": "CPL", "target": 1000, "actual": actual, "higher_is_better": False}]


def run(kb: engine.KnowledgeBase, lang: str = "en", **fields: Any) -> list[tuple[str, str]]:
    rec = engine.recommend({**BASE, **fields}, kb=kb, as_of=AS_OF, lang=lang)
    return [(a.kind, a.id) for a in rec.actions]


def test_a_step_with_missing_prerequisites_is_blocked_and_its_ready_ones_proposed(
        small_kb: engine.KnowledgeBase) -> None:
    rec = engine.recommend({**BASE, "completed_steps": ["briefing", "competitor_analysis"]},
                           kb=small_kb, as_of=AS_OF)
    blocked = next(a for a in rec.actions if a.kind == "blocked")
    assert (blocked.id, blocked.missing) == ("launch_context_ads", ("landing_pages",))
    landing = next(a for a in rec.actions if a.id == "landing_pages")
    assert landing.kind == "next_step" and landing.rules == ("ads_first_warning",)
    assert "launch_context_ads" not in [a.id for a in rec.actions if a.kind == "next_step"]


def test_the_journey_alone_yields_next_steps(small_kb: engine.KnowledgeBase) -> None:
    rec = engine.recommend({"id": "new", "project_type": "lead_gen"}, kb=small_kb, as_of=AS_OF)
    assert [(a.kind, a.id, a.rules) for a in rec.actions] == [("next_step", "briefing", ())]
    assert rec.actions[0].sources == ("K02",)


def test_exclusive_group_lets_only_the_highest_priority_rule_act(
        small_kb: engine.KnowledgeBase) -> None:
    done = ["briefing", "competitor_analysis", "landing_pages", "launch_context_ads"]

    def rules_of(actual: float) -> dict[str, tuple[str, ...]]:
        rec = engine.recommend({**BASE, "kpis": cpl(actual), "completed_steps": done},
                               kb=small_kb, as_of=AS_OF)
        return {f"{a.kind}:{a.id}": a.rules for a in rec.actions}

    off, met = rules_of(1120), rules_of(900)
    assert off["next_step:optimise_campaigns"] == ("optimise_in_band",)
    assert off["next_step:serm"] == ()  # only the journey proposes it
    assert met["upsell:serm"] == ("grow_when_met",)
    assert met["next_step:optimise_campaigns"] == ()


def test_completed_steps_are_not_proposed_again_unless_repeatable(
        small_kb: engine.KnowledgeBase) -> None:
    done = ["briefing", "competitor_analysis", "landing_pages", "launch_context_ads",
            "optimise_campaigns", "serm"]
    actions = run(small_kb, kpis=cpl(900), completed_steps=done)
    assert ("upsell", "serm") not in actions
    assert ("next_step", "optimise_campaigns") in run(small_kb, kpis=cpl(1120),
                                                      completed_steps=done)


def test_reasons_carry_the_clients_figures_in_both_languages(
        small_kb: engine.KnowledgeBase) -> None:
    done = ["briefing", "competitor_analysis", "landing_pages", "launch_context_ads"]
    client = {**BASE, "kpis": cpl(1120), "completed_steps": done}
    en = engine.recommend(client, kb=small_kb, as_of=AS_OF)
    ru = engine.recommend(client, kb=small_kb, as_of=AS_OF, lang="ru")
    assert next(a.reason for a in en.actions if a.id == "optimise_campaigns") == \
        "CPL is 12% worse than target"
    assert next(a.reason for a in ru.actions if a.id == "optimise_campaigns") == \
        "CPL хуже цели на 12\u00a0%"
    assert next(a.title for a in ru.actions if a.id == "optimise_campaigns") == \
        "Оптимизировать кампании"


def test_order_is_priority_then_kind_then_id(small_kb: engine.KnowledgeBase) -> None:
    rec = engine.recommend({**BASE, "completed_steps": ["briefing"]}, kb=small_kb, as_of=AS_OF)
    keys = [(-a.priority, KIND_ORDER[a.kind], a.id)
            for a in rec.actions]
    assert keys == sorted(keys)
    assert [a.kind for a in rec.actions][:2] == ["warning", "blocked"]


def test_every_action_cites_sources(small_kb: engine.KnowledgeBase) -> None:
    rec = engine.recommend({**BASE, "completed_steps": ["briefing"]}, kb=small_kb, as_of=AS_OF)
    assert rec.actions and all(a.sources for a in rec.actions)


def test_no_project_type_means_no_journey_steps(small_kb: engine.KnowledgeBase) -> None:
    actions = run(small_kb, project_type=None)
    assert actions == [("warning", "ads_before_landing_pages"),
                       ("communication", "temperament_choleric")]


def test_identical_input_gives_identical_output_from_many_threads(
        small_kb: engine.KnowledgeBase) -> None:
    client = {**BASE, "kpis": cpl(1120), "completed_steps": ["briefing"]}
    expected = engine.recommend(client, kb=small_kb, as_of=AS_OF).model_dump_json()
    results: list[str] = []

    def work() -> None:
        results.extend(engine.recommend(client, kb=small_kb, as_of=AS_OF).model_dump_json()
                       for _ in range(200))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 1600 and set(results) == {expected}


def test_threads_sharing_a_cold_knowledge_base_get_what_one_thread_gets() -> None:
    """The knowledge base fills its caches (prepared actions, journey progress) on first use;
    threads that race to fill them get the same results as a single thread."""
    from ..conftest import SMALL_KB
    steps = ["briefing", "competitor_analysis", "landing_pages", "launch_context_ads"]
    clients = [{**BASE, "id": f"c{i}", "kpis": cpl(900 + 20 * i), "completed_steps": steps[:i % 5]}
               for i in range(20)]
    cold = engine.load(SMALL_KB)
    results: dict[tuple[int, str], str] = {}

    def work(n: int) -> None:
        for i, client in enumerate(clients[n:] + clients[:n]):
            lang = "ru" if (n + i) % 2 else "en"
            results[n, f"{client['id']}:{lang}"] = engine.recommend(
                client, kb=cold, as_of=AS_OF, lang=lang).model_dump_json()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    alone = engine.load(SMALL_KB)
    for (_, key), got in results.items():
        client_id, lang = key.split(":")
        client = next(c for c in clients if c["id"] == client_id)
        assert got == engine.recommend(client, kb=alone, as_of=AS_OF, lang=lang).model_dump_json()
    assert len(results) == 8 * len(clients)


def test_loading_twice_gives_the_same_version(small_kb: engine.KnowledgeBase) -> None:
    from ..conftest import SMALL_KB
    assert engine.load(SMALL_KB).version == small_kb.version


@pytest.mark.parametrize("fields, message", [
    ({"nps": 11}, "nps: Input should be less than or equal to 10; got 11"),
    ({"project_type": "lead_genn"}, "project_type: unknown project type 'lead_genn'"),
    ({"services": ["seo", "sero"]}, "services.1: unknown service 'sero'"),
    ({"completed_steps": ["brief"]}, "completed_steps.0: unknown journey step 'brief'"),
    ({"facts": {"has_crn": True}}, "facts.has_crn: the knowledge base declares no fact 'has_crn'"),
    ({"facts": {"has_crm": "yes"}}, "facts.has_crm: 'yes' is not true or false"),
    ({"season_peak_months": [13]}, "season_peak_months.0: Input should be less than or equal "
                                   "to 12; got 13"),
    ({"kpis": [{"name": "k", "target": 0}]}, "kpis.0.target: Input should be greater than or equal "
                                             "to 0.000001; got 0"),
    ({"nps_surveyed_on": "2026-02-30"}, "nps_surveyed_on: Input should be a valid date or "
                                        "datetime, day value is outside expected range; "
                                        "got '2026-02-30'"),
    ({"budget": 5}, "unknown key 'budget'"),
])
def test_bad_clients_are_named_field_by_field(small_kb: engine.KnowledgeBase,
                                              fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as info:
        engine.recommend({**BASE, **fields}, kb=small_kb, as_of=AS_OF)
    assert [d.message for d in info.value.diagnostics] == [message]


def test_unknown_language_is_refused(small_kb: engine.KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        engine.recommend(BASE, kb=small_kb, lang="de")
