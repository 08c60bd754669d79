"""Numbers that cannot overflow: any client the model accepts, however extreme its values,
gets its derived facts, its reasons and its explanation without an exception; a client beyond
the documented bounds is a ClientError naming the field, never another exception."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

import engine
from engine.bounds import MAX_COUNT, MAX_MAGNITUDE, MAX_MONEY, MIN_KPI_TARGET
from engine.errors import ClientError
from engine.language.facts import derive
from engine.models import Client
from engine.render import reporter
from engine.render.text import explanation_summary
from engine.tools.explain import explain

EDGES = [0.0, 1e-300, MIN_KPI_TARGET, 1.0, 1e11, MAX_MAGNITUDE * (1 - 1e-15)]
DATES = st.sampled_from([dt.date.min, dt.date(1970, 1, 1), dt.date(2026, 10, 15), dt.date.max])
BUDGET = st.sampled_from([0.0, 0.5, MAX_MONEY * (1 - 1e-15)]) | st.floats(0, MAX_MONEY,
                                                                          exclude_max=True)
KPI = st.fixed_dictionaries({
    "name": st.sampled_from(["CPL", "ROMI", "b", "a"]),
    "target": st.sampled_from(EDGES[2:]) | st.floats(MIN_KPI_TARGET, MAX_MAGNITUDE,
                                                     exclude_max=True),
    "actual": st.sampled_from([-x for x in EDGES] + EDGES) | st.floats(
        -MAX_MAGNITUDE, MAX_MAGNITUDE, exclude_min=True, exclude_max=True),
    "higher_is_better": st.booleans()})
CLIENT = st.fixed_dictionaries({"id": st.just("c")}, optional={
    "project_type": st.sampled_from(["marketplace", "lead_gen", "web_development"]),
    "monthly_budget": BUDGET,
    "nps": st.integers(0, 10),
    "contact_changes_12m": st.sampled_from([0, MAX_COUNT - 1]) | st.integers(0, MAX_COUNT - 1),
    "season_peak_months": st.lists(st.integers(1, 12), max_size=30),
    "kpis": st.lists(KPI, max_size=4),
    "campaign_launched_on": DATES, "last_contact_on": DATES, "nps_surveyed_on": DATES,
    "last_meeting_on": DATES, "client_since": DATES,
    "services": st.lists(st.sampled_from(["seo", "context_ads", "serm"]), max_size=3),
    "temperament": st.sampled_from(["choleric", "melancholic"]),
    "importance": st.sampled_from(["key", "low"]), "activity": st.just("passive"),
})
AS_OF = st.sampled_from([dt.date.min, dt.date(2026, 10, 15), dt.date.max])


@seed(17)
@settings(max_examples=400, deadline=None, database=None)
@given(client=CLIENT, as_of=AS_OF)
@pytest.mark.slow
def test_any_client_the_model_accepts_is_advised_without_an_exception(
        client: dict[str, Any], as_of: dt.date) -> None:
    kb = engine.default_kb()
    model = Client.model_validate(client)
    facts = derive(model, as_of)
    if "kpi_deviation_pct" in facts:
        assert math.isfinite(facts["kpi_deviation_pct"])
    for lang in ("en", "ru"):
        rec = engine.recommend(model, kb=kb, as_of=as_of, lang=lang)
        reporter("json").recommendations([(rec, None)], kb, lang, None)
        explanation_summary(explain(kb, model, as_of, lang), lang)


TOO_BIG: list[tuple[str, Any]] = [
    ("contact_changes_12m", 10**400), ("contact_changes_12m", MAX_COUNT), ("nps", 10**5000),
    ("monthly_budget", 1e300), ("monthly_budget", math.inf), ("monthly_budget", math.nan),
    ("kpis", [{"name": "k", "target": 5e-324, "actual": 1.0}]),
    ("kpis", [{"name": "k", "target": 1e-10, "actual": 1e300}]),
    ("season_peak_months", [13]), ("services", ["seo"] * 1001), ("facts", {"has_crm": 10**400}),
]


def test_values_beyond_the_bounds_are_client_errors() -> None:
    for field, value in TOO_BIG:
        try:
            engine.recommend({"id": "c", field: value})
        except ClientError as exc:
            assert all(len(d.message) < 400 for d in exc.diagnostics), field
            assert exc.diagnostics[0].message.startswith(field), exc.diagnostics[0].message
        else:
            raise AssertionError(f"{field}={value!r:.40} was accepted")


def test_kpi_ties_name_the_kpi_whose_name_sorts_first_whatever_the_order() -> None:
    kpis = [{"name": "ROMI", "target": 100.0, "actual": 88.0},
            {"name": "CPL", "target": 100.0, "actual": 112.0, "higher_is_better": False}]
    for order in (kpis, kpis[::-1]):
        facts = derive(Client.model_validate({"id": "c", "kpis": order}), dt.date(2026, 1, 1))
        assert (facts["worst_kpi"], facts["kpi_deviation_pct"]) == ("CPL", 12.0)
