"""The fact registry: every fact a rule may test, typed from the models and the knowledge base."""

from __future__ import annotations

from engine.bounds import MAX_MONEY
from engine.language.fact_types import FactType, enum, list_of
from engine.language.facts import registry
from engine.models import SERVICES, FactDecl


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
