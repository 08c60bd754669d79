"""The facts of one client for an ``as_of`` date: its fields plus the derived facts, as a mapping
from fact name to value (absent = missing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.language.facts import DATE_FACTS, LIST_FACTS
from engine.models import Client


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
        return {}
    worst, name = min(deviations, key=lambda d: (-d[0], d[1]))
    return {"kpi_deviation_pct": worst, "worst_kpi": name, "kpi_met": worst <= 0}
