"""The facts rules can test: the client's own fields, derived facts and declared custom facts.

``registry`` names every fact with its type; ``derive`` computes the facts of one client for
an ``as_of`` date, as a mapping from fact name to value (None or absent = missing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from typing import get_args as _args

from engine.facttypes import FactType, enum, list_of
from engine.models import (
    SERVICES,
    Activity,
    Client,
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
LIST_FACTS = ("services", "completed_steps", "season_peak_months")
DATE_FACTS = {"campaign_launched_on": "days_since_launch", "last_contact_on": "days_since_contact",
              "last_meeting_on": "days_since_meeting", "nps_surveyed_on": "days_since_survey"}


def registry(project_types: Iterable[str], services: Iterable[str], steps: Iterable[str],
             custom: Mapping[str, FactDecl]) -> dict[str, FactType]:
    """Every fact a rule may test, with its type."""
    service = enum(*sorted({*SERVICES, *services}))
    facts: dict[str, FactType] = {
        "id": TEXT, "name": TEXT, "industry": TEXT,
        "project_type": enum(*sorted(project_types)),
        "company_stage": enum(*_args(CompanyStage)), "temperament": enum(*_args(Temperament)),
        "activity": enum(*_args(Activity)), "knowledge_level": enum(*_args(KnowledgeLevel)),
        "decision_system": enum(*_args(DecisionSystem)), "importance": enum(*_args(Importance)),
        "monthly_budget": FactType("number", unit="rub"),
        "services": list_of(service), "main_channel": service,
        "completed_steps": list_of(enum(*sorted(steps))),
        "goals_changed": BOOL, "season_peak_months": list_of(INT),
        "nps": INT, "contact_changes_12m": INT,
        "client_since": DATE, **{name: DATE for name in DATE_FACTS},
        "kpi_deviation_pct": FactType("number", unit="percent"), "worst_kpi": TEXT,
        "kpi_met": BOOL, "months_to_peak": MONTHS,
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


def derive(client: Client, as_of: dt.date) -> dict[str, Any]:
    """The client's facts for ``as_of``: its fields plus the derived facts."""
    facts: dict[str, Any] = {k: v for k, v in client.__dict__.items() if v is not None}
    facts.pop("facts", None)
    facts.pop("kpis", None)
    for name in LIST_FACTS:
        if name in facts:
            facts[name] = frozenset(facts[name])
    for name, value in client.facts.items():
        facts[f"facts.{name}"] = frozenset(value) if isinstance(value, list) else value
    for field, derived in DATE_FACTS.items():
        if field in facts:
            facts[derived] = (as_of - facts[field]).days
    if client.client_since is not None:
        facts["months_as_client"] = months_between(client.client_since, as_of)
    if client.season_peak_months:
        facts["months_to_peak"] = min((p - as_of.month) % 12 for p in client.season_peak_months)
    if client.nps is not None:
        facts["nps_category"] = nps_category(client.nps)
    if client.kpis:
        facts.update(kpi_facts(client))
    return facts


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def nps_category(nps: int) -> str:
    return "detractor" if nps <= 6 else "passive" if nps <= 8 else "promoter"


def kpi_facts(client: Client) -> dict[str, Any]:
    """The worst KPI deviation in percent (positive = worse than target) and whether all are met."""
    deviations = []
    for kpi in client.kpis or ():
        if kpi.actual is None:
            continue
        gap = kpi.target - kpi.actual if kpi.higher_is_better else kpi.actual - kpi.target
        deviations.append((round(gap / kpi.target * 100, 2), kpi.name))
    if not deviations:
        return {}
    worst, name = max(deviations, key=lambda d: d[0])
    return {"kpi_deviation_pct": worst, "worst_kpi": name, "kpi_met": worst <= 0}
