"""Property test over random clients and random completed steps, on every knowledge base we ship.

Never a proposed step with a missing prerequisite, never an exception, same output twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.models import SERVICES

from .conftest import SMALL_KB

KBS = {"small": lambda: engine.load(SMALL_KB), "bundled": engine.default_kb}


def clients(kb: engine.KnowledgeBase) -> st.SearchStrategy[dict[str, Any]]:
    """Random clients; completed steps come from the client's own journey map."""
    return st.one_of(st.none(), st.sampled_from(sorted(kb.journeys))).flatmap(
        lambda project_type: _clients(kb, project_type))


def _clients(kb: engine.KnowledgeBase, project_type: str | None
             ) -> st.SearchStrategy[dict[str, Any]]:
    journey = kb.journeys.get(project_type or "")
    steps = sorted(journey.step_ids if journey else kb.index.all_steps)
    days = st.dates(dt.date(2023, 1, 1), dt.date(2027, 1, 1))
    kpi = st.fixed_dictionaries({
        "name": st.sampled_from(["CPL", "CPO", "ROAS", "leads"]),
        "target": st.floats(1, 1e6), "higher_is_better": st.booleans()},
        optional={"actual": st.floats(0, 2e6)})
    fields = {
        "completed_steps": st.lists(st.sampled_from(steps), unique=True),
        "temperament": st.sampled_from(["choleric", "sanguine", "melancholic", "phlegmatic"]),
        "activity": st.sampled_from(["active", "waiting", "passive"]),
        "importance": st.sampled_from(["key", "regular", "low"]),
        "company_stage": st.sampled_from(["infancy", "growth", "prime", "stability",
                                          "aristocracy"]),
        "knowledge_level": st.sampled_from(["novice", "intermediate", "expert"]),
        "decision_system": st.sampled_from(["owner", "manager_and_owner", "committee"]),
        "monthly_budget": st.floats(0, 5e6), "services": st.lists(st.sampled_from(SERVICES),
                                                                  unique=True),
        "main_channel": st.sampled_from(SERVICES), "kpis": st.lists(kpi, max_size=3),
        "goals_changed": st.booleans(), "nps": st.integers(0, 10),
        "season_peak_months": st.lists(st.integers(1, 12), max_size=3),
        "contact_changes_12m": st.integers(0, 5), "campaign_launched_on": days,
        "last_contact_on": days, "last_meeting_on": days, "nps_surveyed_on": days,
        "client_since": days,
    }
    required: dict[str, Any] = {"id": st.just("c")}
    if project_type:
        required["project_type"] = st.just(project_type)
    return st.fixed_dictionaries(required, optional=fields)


@pytest.mark.parametrize("name", sorted(KBS))
def test_order_is_law_for_random_clients(name: str) -> None:
    kb = KBS[name]()

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(client=clients(kb), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
           lang=st.sampled_from(["en", "ru"]))
    def check(client: dict[str, Any], as_of: dt.date, lang: str) -> None:
        rec = engine.recommend(client, kb=kb, as_of=as_of, lang=lang)
        journey = kb.journeys[client["project_type"]] if "project_type" in client else None
        done = set(client.get("completed_steps", ()))
        for action in rec.actions:
            assert action.sources
            if action.kind in ("next_step", "upsell"):
                assert journey is not None
                assert journey.prerequisites[action.id] <= done, action
                assert action.id not in done or journey.steps[action.id].repeatable
            if action.kind == "blocked":
                assert action.missing == journey.missing(action.id, done)  # type: ignore[union-attr]
        again = engine.recommend(client, kb=kb, as_of=as_of, lang=lang)
        assert again.model_dump_json() == rec.model_dump_json()

    check()
