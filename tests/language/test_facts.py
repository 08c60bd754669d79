"""The facts rules can test: the registry (every fact, typed from the models, the knowledge
base and the table of derived facts), the derived facts of a client for a day, and the docs'
table of derived facts, read from the same declaration."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from engine.bounds import MAX_MONEY
from engine.language.fact_types import FactType, enum, list_of
from engine.language.facts import DERIVED, derive, months_between, registry
from engine.models import SERVICES, Client, FactDecl

from ..conftest import ROOT


def decl(kind: str, *values: str) -> FactDecl:
    return FactDecl.model_validate({"type": kind, "values": list(values) or None,
                                    "description": f"a {kind}"})


def test_types_come_from_the_knowledge_base_and_the_models() -> None:
    facts = registry(["monobrand", "lead_gen"], ["zz_service"], ["b", "a"], {})
    assert facts["project_type"] == enum("lead_gen", "monobrand")
    assert facts["completed_steps"] == list_of(enum("a", "b"))
    assert facts["main_channel"] == enum(*sorted({*SERVICES, "zz_service"}))
    assert facts["services"] == list_of(facts["main_channel"])
    assert facts["temperament"] == enum("choleric", "sanguine", "melancholic", "phlegmatic")
    assert facts["monthly_budget"] == FactType("number", unit="rub", low=0, high=MAX_MONEY)
    assert facts["nps"] == FactType("int", low=0, high=10)  # the domain: see docs "Bounds"
    assert facts["season_peak_months"] == list_of(FactType("int", low=1, high=12))
    assert facts["kpi_deviation_pct"] == FactType("number", unit="percent")
    assert facts["days_since_contact"] == FactType("int", unit="days")
    assert facts["last_contact_on"] == FactType("date")
    assert not any(name.startswith("facts.") for name in facts)


def test_declared_custom_facts_come_last_sorted_by_name() -> None:
    facts = registry([], [], [], {"tier": decl("enum", "gold", "silver"), "crm": decl("bool"),
                                  "tags": decl("list"), "score": decl("number")})
    assert list(facts)[-4:] == ["facts.crm", "facts.score", "facts.tags", "facts.tier"]
    assert facts["facts.tier"] == enum("gold", "silver")
    assert facts["facts.tags"] == list_of(FactType("text"))
    assert facts["facts.crm"] == FactType("bool")
    assert facts["facts.score"].description == "a number"


AS_OF = dt.date(2026, 10, 15)


def kpi(target: float, actual: float, higher: bool, name: str = "k") -> dict[str, object]:
    return {"name": name, "target": target, "actual": actual, "higher_is_better": higher}


@pytest.mark.parametrize("kpis, deviation, met, worst", [
    ([kpi(1000, 1120, False, "CPL")], 12.0, False, "CPL"),   # cost 12% above target
    ([kpi(100, 88, True, "leads")], 12.0, False, "leads"),   # 12% fewer leads
    ([kpi(100, 130, True)], -30.0, True, "k"),               # better than target
    ([kpi(100, 95, True, "a"), kpi(50, 60, False, "b")], 20.0, False, "b"),
])
def test_kpi_deviation_is_direction_aware_and_the_worst_one(
        kpis: list[dict[str, object]], deviation: float, met: bool, worst: str) -> None:
    facts = derive(Client.model_validate({"id": "c", "kpis": kpis}), AS_OF)
    assert (facts["kpi_deviation_pct"], facts["kpi_met"], facts["worst_kpi"]) == \
        (deviation, met, worst)


def test_kpis_without_actuals_give_no_deviation() -> None:
    facts = derive(Client(id="c", kpis=[{"name": "k", "target": 5}]), AS_OF)  # type: ignore[list-item]
    assert "kpi_deviation_pct" not in facts and "kpi_met" not in facts


@pytest.mark.parametrize("peaks, expected", [([12], 2), ([10], 0), ([9], 11), ([3, 11], 1)])
def test_months_to_peak(peaks: list[int], expected: int) -> None:
    facts = derive(Client(id="c", season_peak_months=peaks), AS_OF)
    assert facts["months_to_peak"] == expected


@pytest.mark.parametrize("nps, category", [(0, "detractor"), (6, "detractor"), (7, "passive"),
                                           (8, "passive"), (9, "promoter"), (10, "promoter")])
def test_nps_category(nps: int, category: str) -> None:
    assert derive(Client(id="c", nps=nps), AS_OF)["nps_category"] == category


def test_day_and_month_counts() -> None:
    client = Client(id="c", last_contact_on=dt.date(2026, 9, 15),
                    client_since=dt.date(2025, 10, 16), campaign_launched_on=dt.date(2026, 10, 1),
                    last_meeting_on=dt.date(2026, 7, 1), nps_surveyed_on=dt.date(2025, 10, 15))
    facts = derive(client, AS_OF)
    assert (facts["days_since_contact"], facts["days_since_launch"], facts["days_since_meeting"],
            facts["days_since_survey"], facts["months_as_client"]) == (30, 14, 106, 365, 11)
    assert months_between(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0


def test_missing_fields_stay_missing() -> None:
    facts = derive(Client(id="c"), AS_OF)
    assert set(facts) == {"id", "completed_steps"}
    assert facts["completed_steps"] == frozenset()


def test_the_docs_table_of_derived_facts_is_the_declaration() -> None:
    """docs/authoring.md lists every derived fact, with its type and meaning as declared; facts
    of the same type and meaning share a row, their names in order."""
    rows: dict[tuple[str, str], list[str]] = {}
    for derivation in DERIVED:
        for name, fact in derivation.facts.items():
            rows.setdefault((fact.written, fact.meaning), []).append(name)
    lines = ["| fact | type | meaning |", "|---|---|---|"]
    lines += [f"| {', '.join(f'`{n}`' for n in sorted(names))} | {written} | {meaning}".rstrip()
              + " |" for (written, meaning), names in rows.items()]
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    table = re.search(r"Derived facts, computed for the `as_of` date:\n\n((?:\|.*\n)+)", doc)
    assert table is not None
    assert table.group(1).splitlines() == lines


def test_every_derived_fact_is_typed_and_derived() -> None:
    facts = registry([], [], [], {})
    client = Client.model_validate({
        "id": "c", "nps": 3, "season_peak_months": [12], "client_since": "2025-01-01",
        "campaign_launched_on": "2026-01-01", "last_contact_on": "2026-01-01",
        "last_meeting_on": "2026-01-01", "nps_surveyed_on": "2026-01-01",
        "kpis": [{"name": "k", "target": 10, "actual": 9}]})
    derived = derive(client, AS_OF)
    for derivation in DERIVED:
        for name, fact in derivation.facts.items():
            assert facts[name] == fact.ftype and name in derived
            assert fact.ftype.accepts(derived[name]) or fact.ftype.kind == "enum"
