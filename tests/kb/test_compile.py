"""Compilation: the condition trees the small knowledge base compiles to, pinned.

(Every compile error, with its message: tests/kb/test_load.py and tests/data/errors/.)
"""

from __future__ import annotations

import json

import pytest

import engine
from engine.language import conditions as c

from ..conftest import DATA, SMALL_KB, golden


def test_compiled_trees_of_the_small_kb(small_kb: engine.KnowledgeBase) -> None:
    data = {r.id: {"tree": str(r.tree), "data": c.to_data(r.tree)} for r in small_kb.rules}
    golden(DATA / "golden" / "compiled_trees.json",
           json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def test_rules_are_ranked_by_priority(small_kb: engine.KnowledgeBase) -> None:
    assert [(r.id, r.priority) for r in small_kb.rules] == [
        ("ads_first_warning", 90), ("optimise_in_band", 60), ("grow_when_met", 50),
        ("talk_to_choleric", 20)]


def test_only_the_facts_rules_test_get_a_slot(small_kb: engine.KnowledgeBase) -> None:
    assert small_kb.slots == ("temperament", "services", "completed_steps", "kpi_deviation_pct",
                              "kpi_met", "facts.has_crm")
    assert small_kb.used_facts == set(small_kb.slots)
    assert small_kb.used_thresholds == {"kpi_band_low", "kpi_band_high"}


def test_where_everything_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SMALL_KB)
    kb = engine.load(".")
    assert {name: str(where) for name, where in kb.locations.items()} == {
        "rule:ads_first_warning": "rules/main.yaml:21:5",
        "rule:optimise_in_band": "rules/main.yaml:2:5",
        "rule:grow_when_met": "rules/main.yaml:12:5",
        "rule:talk_to_choleric": "rules/main.yaml:33:5",
        "threshold:kpi_band_low": "rules/settings.yaml:2:3",
        "threshold:kpi_band_high": "rules/settings.yaml:3:3",
        "fact:has_crm": "rules/settings.yaml:5:3",
        "entry:temperament_choleric": "playbooks/communication.yaml:2:5",
        "step:lead_gen:briefing": "journey_maps/lead_gen.yaml:4:5",
        "step:lead_gen:competitor_analysis": "journey_maps/lead_gen.yaml:8:5",
        "step:lead_gen:landing_pages": "journey_maps/lead_gen.yaml:13:5",
        "step:lead_gen:launch_context_ads": "journey_maps/lead_gen.yaml:18:5",
        "step:lead_gen:optimise_campaigns": "journey_maps/lead_gen.yaml:23:5",
        "step:lead_gen:serm": "journey_maps/lead_gen.yaml:29:5"}
