"""The facts rules can test: the client's own fields, derived facts and declared custom facts.

``registry`` names every fact with its type. The values of one client's facts are computed by
engine.runtime.derived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import get_args as _args

from engine.bounds import MAX_COUNT, MAX_MONEY
from engine.language.fact_types import FactType, enum, list_of
from engine.models import (
    SERVICES,
    Activity,
    CompanyStage,
    DecisionSystem,
    FactDecl,
    Importance,
    KnowledgeLevel,
    Temperament,
)

TEXT, INT, NUMBER, BOOL, DATE = (FactType("text"), FactType("int"), FactType("number"),
                                 FactType("bool"), FactType("date"))
DAYS, MONTHS = FactType("int", unit="days"), FactType("int", unit="months")
NPS, MONTH = FactType("int", low=0, high=10), FactType("int", low=1, high=12)
LIST_FACTS = ("services", "completed_steps", "season_peak_months")
DATE_FACTS = {"campaign_launched_on": "days_since_launch", "last_contact_on": "days_since_contact",
              "last_meeting_on": "days_since_meeting", "nps_surveyed_on": "days_since_survey"}


def registry(project_types: Iterable[str], services: Iterable[str], steps: Iterable[str],
             custom: Mapping[str, FactDecl]) -> dict[str, FactType]:
    """Every fact a rule may test, with its type."""
    service = enum(*sorted({*SERVICES, *services}))
    facts: dict[str, FactType] = {
        "id": TEXT, "name": TEXT, "owner": TEXT, "crm_id": TEXT, "crm_url": TEXT,
        "industry": TEXT,
        "project_type": enum(*sorted(project_types)),
        "company_stage": enum(*_args(CompanyStage)), "temperament": enum(*_args(Temperament)),
        "activity": enum(*_args(Activity)), "knowledge_level": enum(*_args(KnowledgeLevel)),
        "decision_system": enum(*_args(DecisionSystem)), "importance": enum(*_args(Importance)),
        "monthly_budget": FactType("number", unit="rub", low=0, high=MAX_MONEY),
        "services": list_of(service), "main_channel": service,
        "completed_steps": list_of(enum(*sorted(steps))),
        "goals_changed": BOOL, "season_peak_months": list_of(MONTH),
        "nps": NPS, "contact_changes_12m": FactType("int", low=0, high=MAX_COUNT - 1),
        "client_since": DATE, **{name: DATE for name in DATE_FACTS},
        "kpi_deviation_pct": FactType("number", unit="percent"), "worst_kpi": TEXT,
        "kpi_met": BOOL, "months_to_peak": FactType("int", unit="months", low=0, high=11),
        "nps_category": enum("detractor", "passive", "promoter"),
        **{name: DAYS for name in DATE_FACTS.values()}, "months_as_client": MONTHS,
    }
    for name, decl in sorted(custom.items()):
        facts[f"facts.{name}"] = _custom_type(decl)
    return facts


def _custom_type(decl: FactDecl) -> FactType:
    if decl.type == "enum":
        return enum(*(decl.values or ()), description=decl.description)
    if decl.type == "list":
        return list_of(TEXT, description=decl.description)
    return FactType(decl.type, description=decl.description)
