"""A Russian CRM export for portfolio tests: rows written the CRM's way (examples/crm/mapping.yaml)
next to the very same clients written as the engine's client facts."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import random
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parents[2]
CRM = ROOT / "examples" / "crm"
MAPPING = CRM / "mapping.yaml"
AS_OF = dt.date(2026, 10, 15)
STEPS = ("qualification", "briefing", "proposal", "contract_signed", "payment_received")


@functools.cache
def _mapping() -> dict[str, Any]:
    return yaml.safe_load(MAPPING.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def _reverse(field: str) -> dict[Any, str]:
    """The mapping's values of a field, engine value -> CRM value."""
    return {v: k for k, v in _mapping()["values"][field].items()}


def _columns() -> list[str]:
    return list(_mapping()["columns"])


def crm_client(rng: random.Random, i: int) -> tuple[dict[str, Any], list[str]]:
    """One client as the engine's facts and as the CRM's row (in _columns() order)."""
    project = rng.choice(["lead_gen", "marketplace", "monobrand"])
    temperament = rng.choice(["choleric", "sanguine", "melancholic", "phlegmatic"])
    activity, importance = rng.choice(["active", "waiting", "passive"]), rng.choice(
        ["key", "regular", "low"])
    budget = rng.randint(20, 900) * 1000 + rng.choice([0, 0.5])
    services = rng.sample(["seo", "context_ads", "serm", "analytics"], rng.randint(0, 2))
    steps = list(STEPS[: rng.randint(0, len(STEPS))])
    contact = AS_OF - dt.timedelta(days=rng.randint(0, 200))
    nps = rng.choice([None, *range(11)])
    reader = rng.choice([None, "owner", "marketing_manager"])
    facts: dict[str, Any] = {
        "id": f"клиент-{i:05d}", "name": f"ООО «Ромашка {i}»", "project_type": project,
        "temperament": temperament, "activity": activity, "importance": importance,
        "monthly_budget": float(budget), "completed_steps": steps, "last_contact_on": contact}
    if services:
        facts["services"] = services
    if nps is not None:
        facts["nps"] = nps
    if reader:
        facts["facts"] = {"report_reader": reader}
    facts["owner"] = f"менеджер {i % 5}"
    facts["crm_url"] = _mapping()["crm_url"].replace("{id}", quote(facts["id"], safe=""))
    row = [facts["id"], facts["name"], _reverse("project_type")[project],
           _reverse("temperament")[temperament].upper() if i % 7 == 0
           else _reverse("temperament")[temperament],
           _reverse("activity")[activity], f" {_reverse('importance')[importance]} ",
           f"{int(budget):,}".replace(",", "\u00a0") + (",50" if budget % 1 else ""),
           ", ".join(_reverse("services")[s] for s in services), ", ".join(steps),
           contact.strftime("%d.%m.%Y"), "" if nps is None else str(nps),
           _reverse("facts.report_reader")[reader] if reader else "", f"менеджер {i % 5}"]
    return facts, row


def crm_export(count: int, seed: int = 13) -> tuple[list[dict[str, Any]], str]:
    """``count`` clients as engine facts, and the CRM's CSV text of them (';'-separated)."""
    rng = random.Random(seed)
    pairs = [crm_client(rng, i) for i in range(count)]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(_columns())
    writer.writerows(row for _, row in pairs)
    return [facts for facts, _ in pairs], text.getvalue()
