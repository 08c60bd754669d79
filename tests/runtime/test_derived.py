"""Derived facts for an as_of date."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.models import Client
from engine.runtime.derived import derive, months_between

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
