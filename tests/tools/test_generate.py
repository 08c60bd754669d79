"""Random clients: valid for the knowledge base they are drawn for, deterministic per seed,
enum values read from the client model, declared custom facts drawn by their type."""

from __future__ import annotations

import datetime as dt
import random

import pytest

import engine
from engine.language.fact_types import FactType, enum, list_of
from engine.models import Client
from engine.tools.generate import custom_value, enum_values, random_client, random_clients

AS_OF = dt.date(2026, 11, 1)


def test_enum_values_come_from_the_client_model() -> None:
    assert enum_values("temperament") == ("choleric", "sanguine", "melancholic", "phlegmatic")
    assert enum_values("activity") == ("active", "waiting", "passive")
    assert enum_values("importance") == ("key", "regular", "low")


def test_the_same_seed_gives_the_same_clients(small_kb: engine.KnowledgeBase) -> None:
    first = list(random_clients(small_kb, 20, seed=5))
    assert first == list(random_clients(small_kb, 20, seed=5))
    assert first != list(random_clients(small_kb, 20, seed=6))
    assert [c["id"] for c in first] == [f"c{i}" for i in range(20)]
    assert random_client(random.Random(1), small_kb, 3) == random_client(random.Random(1),
                                                                         small_kb, 3)


def test_every_client_is_one_the_bundled_knowledge_base_accepts() -> None:
    kb = engine.default_kb()
    clients = list(random_clients(kb, 150, known=0.5))
    for client in clients:
        Client.model_validate(client)
        engine.recommend(client, kb=kb, as_of=AS_OF)  # raises ClientError otherwise
        if "project_type" in client:
            steps = client["completed_steps"]
            assert set(steps) <= set(kb.journeys[client["project_type"]].steps)
            assert len(steps) == len(set(steps))
    drawn = {name for c in clients for name in c.get("facts", {})}
    assert {f"facts.{name}" for name in drawn} <= set(kb.facts)
    assert len(drawn) > 5, "declared custom facts are drawn too"
    assert {c.get("project_type") for c in clients} == {*kb.journeys, None}


def test_with_nothing_known_only_the_journey_progress_remains(
        small_kb: engine.KnowledgeBase) -> None:
    shapes = {tuple(sorted(c)) for c in random_clients(small_kb, 200, known=0.0)}
    assert shapes == {("completed_steps", "id", "project_type"), ("completed_steps", "id")}


def test_with_everything_known_every_fact_is_there(small_kb: engine.KnowledgeBase) -> None:
    client = next(c for c in random_clients(small_kb, 10) if "project_type" in c)
    assert set(client) == {
        "id", "project_type", "completed_steps", "temperament", "activity", "importance",
        "company_stage", "knowledge_level", "decision_system", "monthly_budget", "services",
        "main_channel", "kpis", "goals_changed", "nps", "season_peak_months",
        "contact_changes_12m", "campaign_launched_on", "last_contact_on", "last_meeting_on",
        "nps_surveyed_on", "client_since", "industry", "facts"}
    assert set(client["facts"]) == {"has_crm"} and isinstance(client["facts"]["has_crm"], bool)


@pytest.mark.parametrize(("ftype", "allowed"), [
    (FactType("bool"), {True, False}),
    (enum("a", "b"), {"a", "b"}),
    (FactType("text"), {"x", "y"}),
    (FactType("number"), {0.0, 1.5, 12.0, 99.9}),
    (FactType("date"), {dt.date(2026, 10, 23)}),
])
def test_a_custom_value_is_one_its_type_allows(ftype: FactType, allowed: set[object]) -> None:
    rng = random.Random(3)
    drawn = {custom_value(rng, ftype, AS_OF) for _ in range(50)}
    assert drawn == allowed


def test_a_custom_list_is_a_few_distinct_items() -> None:
    rng = random.Random(4)
    for _ in range(30):
        items = custom_value(rng, list_of(enum("a", "b", "c")), AS_OF)
        assert len(items) <= 2 and len(set(items)) == len(items) and set(items) <= {"a", "b", "c"}
