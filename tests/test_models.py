"""Models: trusted construction equals validation; clients are strict about types."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from pydantic import ConfigDict, PrivateAttr, ValidationError

import engine
from engine.model_base import Model
from engine.models import Action, ActionSpec, Client, Recommendation, Text
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


def test_a_model_pickles_lean_and_comes_back_the_same() -> None:
    """Fields, the names of those given (an action spec is the one it names), extra and private
    state; smaller than pydantic's own form (a dict of four entries per model)."""
    spec = ActionSpec(upsell="seo")
    text = Text(en="a", ru="б")
    for model in (spec, text, engine.default_kb().rules[0].spec):
        again = pickle.loads(pickle.dumps(model))
        assert again == model and type(again) is type(model)
        assert again.model_fields_set == model.model_fields_set
        assert (again.__pydantic_extra__, again.__pydantic_private__) == (None, None)
        with pytest.raises(ValidationError):  # still frozen
            setattr(again, next(iter(again.model_fields_set)), None)
    assert pickle.loads(pickle.dumps(spec)).kind == "upsell"
    assert len(pickle.dumps(text)) < len(pickle.dumps(text.__getstate__()))


class Loose(Model):
    model_config = ConfigDict(extra="allow", frozen=False)
    _seen: int = PrivateAttr(default=0)
    name: str


def test_a_model_with_extra_or_private_state_keeps_it_through_pickle() -> None:
    loose = Loose.model_validate({"name": "x", "more": 1})
    loose._seen = 2
    again = pickle.loads(pickle.dumps(loose))
    assert again.__pydantic_extra__ == {"more": 1} and again._seen == 2 and again == loose
