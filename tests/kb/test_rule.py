"""A compiled rule: its id, priority, group, actions and sources read once from its model."""

from __future__ import annotations

import dataclasses

import pytest

import engine
from engine.errors import Location
from engine.kb.rule import CompiledRule
from engine.language.conditions import Test
from engine.models import Rule


def rule(**changes: object) -> Rule:
    data = {"id": "r", "title": {"en": "R", "ru": "Р"}, "reason": {"en": "x", "ru": "х"},
            "priority": 40, "sources": ["K09", "K02"], "when": {"nps": {"lte": 6}},
            "then": [{"warning": "w"}, {"next_step": "briefing"}], **changes}
    return Rule.model_validate(data)


def test_the_shortcuts_are_read_from_the_model() -> None:
    compiled = CompiledRule(rule(group="g"), Test("nps", "lte", 6), {}, Location("f.yaml", 3, 5))
    assert (compiled.id, compiled.priority, compiled.group) == ("r", 40, "g")
    assert compiled.actions == (("warning", "w"), ("next_step", "briefing"))
    assert compiled.source_set == frozenset({"K02", "K09"})


def test_a_rule_is_an_immutable_value_equal_by_its_inputs() -> None:
    where = Location("f.yaml", 3, 5)
    one = CompiledRule(rule(), Test("nps", "lte", 6), {}, where)
    assert one == CompiledRule(rule(), Test("nps", "lte", 6), {}, where)
    assert one != CompiledRule(rule(priority=41), Test("nps", "lte", 6), {}, where)
    assert one != CompiledRule(rule(), Test("nps", "lte", 5), {}, where)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.priority = 1  # type: ignore[misc]


def test_the_small_kbs_rules(small_kb: engine.KnowledgeBase) -> None:
    first, second = small_kb.rules[:2]
    assert (first.id, first.priority, first.group) == ("ads_first_warning", 90, None)
    assert (first.location.line, first.location.col) == (21, 5)
    assert first.location.path.endswith("small_kb/rules/main.yaml")
    assert first.actions == (("warning", "ads_before_landing_pages"),
                             ("next_step", "launch_context_ads"))
    assert (second.id, second.group, second.source_set) == ("optimise_in_band", "kpi",
                                                           frozenset({"K07"}))
