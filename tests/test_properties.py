"""Property test over random clients and random completed steps, on every knowledge base we ship.

Never a proposed step with a missing prerequisite (all of an all-of list, one of an any-of list),
never a step a matching rule holds back, never an exception, same output twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.language.conditions import is_true
from engine.models import Client, JourneyMapFile
from engine.runtime.derived import derive
from engine.tools.generate import random_client

from .conftest import SMALL_KB

KBS = {"small": lambda: engine.load(SMALL_KB), "bundled": engine.default_kb}


def clients(kb: engine.KnowledgeBase) -> st.SearchStrategy[dict[str, Any]]:
    """Random clients of the shared generator, each fact known with a random probability."""
    return st.builds(random_client, st.randoms(use_true_random=False), st.just(kb),
                     st.just(0), st.floats(0, 1))


def waits_for(spec: JourneyMapFile, step: str, done: set[str]) -> list[str]:
    """Independently of the engine: every step ``step`` waits for through ``after`` links that
    is not done, in the order the map writes its steps, each after its own prerequisites."""
    after = {s.id: list(s.after) for s in spec.steps}
    needed: set[str] = set()
    todo = list(after[step])
    while todo:
        s = todo.pop()
        if s not in needed:
            needed.add(s)
            todo += after[s]
    order: list[str] = []
    while len(order) < len(needed):  # written order, but never before a prerequisite
        order.append(next(s for s in after if s in needed and s not in order
                          and all(p in order for p in after[s] if p in needed)))
    return [s for s in order if s not in done]


def held_by_matching_rules(kb: engine.KnowledgeBase, client: dict[str, Any], as_of: dt.date,
                           journey: Any) -> dict[str, str]:
    """Independently of the planner: every step of the client's journey that a rule whose
    conditions hold (by the reference semantics of the condition tree) holds back, by id,
    category or phase -> the rule."""
    if journey is None:
        return {}
    facts = derive(Client.model_validate(client), as_of)
    held: dict[str, str] = {}
    for rule in kb.rules:
        hold = rule.spec.hold
        if hold is None or not is_true(rule.tree, facts):
            continue
        for step in journey.spec.steps:
            if (step.id in hold.names("step") or step.category in hold.names("category")
                    or step.phase in hold.names("phase")):
                held.setdefault(step.id, rule.id)
    return held


@pytest.mark.parametrize("name", sorted(KBS))
@pytest.mark.slow
def test_order_is_law_for_random_clients(name: str) -> None:
    kb = KBS[name]()

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(client=clients(kb), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
           lang=st.sampled_from(["en", "ru"]))
    def check(client: dict[str, Any], as_of: dt.date, lang: str) -> None:
        rec = engine.recommend(client, kb=kb, as_of=as_of, lang=lang)
        journey = kb.journeys[client["project_type"]] if "project_type" in client else None
        done = set(client.get("completed_steps", ()))
        held = held_by_matching_rules(kb, client, as_of, journey)
        assert {h.step for h in rec.held} <= set(held)
        for action in rec.actions:
            assert action.sources
            if action.kind in ("next_step", "upsell"):
                assert journey is not None
                assert journey.prerequisites[action.id] <= done, action
                any_of = set(journey.spec.steps[list(journey.steps).index(action.id)].after_any)
                assert not any_of or any_of & done, action  # one of an any-of list
                assert action.id not in done or journey.steps[action.id].repeatable
            if action.kind in ("next_step", "upsell", "blocked"):
                assert action.id not in held, (action, held[action.id])
            if action.kind == "blocked":
                assert journey is not None
                assert list(action.missing) == waits_for(journey.spec, action.id, done)
        again = engine.recommend(client, kb=kb, as_of=as_of, lang=lang)
        assert again.model_dump_json() == rec.model_dump_json()

    check()
