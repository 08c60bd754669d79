"""Models: trusted construction equals validation; clients are strict about types."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

import engine
from engine.models import Action, Client, Recommendation
from engine.tools import scenarios


def test_trusted_recommendations_equal_validated_ones() -> None:
    kb = engine.default_kb()
    cases = [c for p in scenarios.files(kb) for c in scenarios.read_cases(p, kb)[0]]
    for case in cases:
        rec = engine.recommend(case.scenario.client, kb=kb, as_of=case.scenario.as_of)
        again = Recommendation.model_validate(rec.model_dump())
        assert again == rec and again.model_dump_json() == rec.model_dump_json()
        assert all(isinstance(a, Action) for a in rec.actions)


def test_outputs_are_frozen() -> None:
    rec = engine.recommend({"id": "c", "project_type": "lead_gen"}, as_of=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        rec.actions[0].priority = 5


@pytest.mark.parametrize("field, value", [
    ("nps", "8"), ("goals_changed", "yes"), ("monthly_budget", float("inf")),
    ("monthly_budget", float("nan")), ("contact_changes_12m", 1.5),
])
def test_client_fields_are_strict(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Client.model_validate({"id": "c", field: value})


def test_dates_may_be_written_as_iso_text() -> None:
    assert Client.model_validate({"id": "c", "client_since": "2025-01-31"}).client_since == \
        dt.date(2025, 1, 31)
