"""The facts rules can test, declared once: the client's own fields, the derived facts and the
knowledge base's declared custom facts.

``DERIVED`` is the one table of derived facts: for each derivation, the facts it gives (name,
type and what it means), the client fields it needs, and how it is computed for a day. Everything
else reads it: ``registry`` (the type of every fact a rule may test, and so the JSON Schemas),
``derive`` (a client's facts for a day), the lint's guarantees (engine/lint/reasons.py: which
facts come together) and the docs (docs/authoring.md's table, pinned to it by
tests/language/test_facts.py). Adding a derived fact is one entry here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from typing import get_args as _args

from engine.bounds import MAX_COUNT, MAX_MONEY
from engine.language.fact_types import FactType, enum, list_of
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
NPS, MONTH = FactType("int", low=0, high=10), FactType("int", low=1, high=12)
LIST_FACTS = ("services", "completed_steps", "season_peak_months")  # tested as sets
NPS_CATEGORY = enum("detractor", "passive", "promoter")


@dataclass(frozen=True)
class DerivedFact:
    """One derived fact: its type, and for the docs how its type and meaning read."""

    ftype: FactType
    meaning: str
    written: str  # the type as docs/authoring.md writes it


Compute = Callable[[Client, dt.date], dict[str, Any] | None]


@dataclass(frozen=True)
class Derivation:
    """Facts derived together from a client's fields for an ``as_of`` day: present together
    (``compute`` gives all of them, or None), and, when ``exact``, exactly when every field of
    ``needs`` is present."""

    facts: dict[str, DerivedFact]
    needs: tuple[str, ...]
    exact: bool
    compute: Compute

    def together(self) -> frozenset[str]:
        """Facts that are present whenever any one of them is (for the lint's guarantees)."""
        return frozenset(self.facts) | (frozenset(self.needs) if self.exact else frozenset())


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def nps_category(nps: int) -> str:
    return "detractor" if nps <= 6 else "passive" if nps <= 8 else "promoter"


def kpi_facts(client: Client, as_of: dt.date | None = None) -> dict[str, Any] | None:
    """The worst KPI deviation in percent (positive = worse than target) and whether all are met.

    KPIs that tie for the worst are told apart by name: the one whose name sorts first (by
    code point) is named, whatever the order of the list. Targets and actuals are bounded by
    the model (engine.models.KPI), so the deviation is always finite.
    """
    deviations = []
    for kpi in client.kpis or ():
        if kpi.actual is None:
            continue
        gap = kpi.target - kpi.actual if kpi.higher_is_better else kpi.actual - kpi.target
        deviations.append((round(gap / kpi.target * 100, 2), kpi.name))
    if not deviations:
        return None
    worst, name = min(deviations, key=lambda d: (-d[0], d[1]))
    return {"kpi_deviation_pct": worst, "worst_kpi": name, "kpi_met": worst <= 0}


# a date field of the client -> the days from it to the ``as_of`` day
DATE_FACTS = {"campaign_launched_on": "days_since_launch", "last_contact_on": "days_since_contact",
              "last_meeting_on": "days_since_meeting", "nps_surveyed_on": "days_since_survey"}


def _days_since(field: str, fact: str) -> Derivation:
    def compute(client: Client, as_of: dt.date) -> dict[str, Any] | None:
        day = getattr(client, field)
        return None if day is None else {fact: (as_of - day).days}
    return Derivation({fact: DerivedFact(DAYS, "days from the date to `as_of`", "int")},
                      (field,), True, compute)


DERIVED: tuple[Derivation, ...] = (  # in the registry's order
    Derivation({
        "kpi_deviation_pct": DerivedFact(
            FactType("number", unit="percent"), "the worst KPI deviation; positive = worse than "
            "target (direction-aware)", "number, %"),
        "worst_kpi": DerivedFact(
            TEXT, "the name of that KPI; when several tie for the worst, the name that sorts "
            "first (by code point), whatever the order of the list", "text"),
        "kpi_met": DerivedFact(BOOL, "every KPI is at or better than target", "bool")},
        ("kpis",), False, kpi_facts),
    Derivation({"months_to_peak": DerivedFact(
        FactType("int", unit="months", low=0, high=11),
        "months to the next seasonal peak; 0 in the peak month", "int")},
        ("season_peak_months",), False,
        lambda c, d: {"months_to_peak": min((p - d.month) % 12 for p in c.season_peak_months)}
        if c.season_peak_months else None),
    Derivation({"nps_category": DerivedFact(
        NPS_CATEGORY, "", "`detractor` 0-6, `passive` 7-8, `promoter` 9-10")},
        ("nps",), True,
        lambda c, d: None if c.nps is None else {"nps_category": nps_category(c.nps)}),
    *(_days_since(field, fact) for field, fact in DATE_FACTS.items()),
    Derivation({"months_as_client": DerivedFact(MONTHS, "whole months since `client_since`",
                                                "int")},
               ("client_since",), True,
               lambda c, d: None if c.client_since is None
               else {"months_as_client": months_between(c.client_since, d)}),
)


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
        **{name: fact.ftype for d in DERIVED for name, fact in d.facts.items()},
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
    """The client's facts for ``as_of``, by fact name (absent = missing): its fields (lists as
    sets), its custom facts as ``facts.NAME``, and the derived facts of ``DERIVED``."""
    facts: dict[str, Any] = {k: v for k, v in client.__dict__.items() if v is not None}
    facts.pop("facts", None)
    facts.pop("kpis", None)
    for name in LIST_FACTS:
        if name in facts:
            facts[name] = frozenset(facts[name])
    for name, value in client.facts.items():
        facts[f"facts.{name}"] = frozenset(value) if isinstance(value, list) else value
    for derivation in DERIVED:
        found = derivation.compute(client, as_of)
        if found is not None:
            facts.update(found)
    return facts
