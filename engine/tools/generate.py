"""Random, valid clients of a knowledge base: for property tests, benchmarks and impact previews.

Enum values come from the client model itself, project types, steps and services from the
knowledge base, so a generated client is always one the knowledge base accepts. Deterministic
for a given ``random.Random``.
"""

from __future__ import annotations

import datetime as dt
import random
import typing
from collections.abc import Iterator
from typing import Any

from engine.kb.knowledge_base import KnowledgeBase
from engine.language.fact_types import FactType
from engine.models import Client

AS_OF = dt.date(2026, 10, 15)
ENUM_FIELDS = ("temperament", "activity", "importance", "company_stage", "knowledge_level",
               "decision_system")
ALWAYS = ("id", "project_type", "completed_steps")


def enum_values(field: str) -> tuple[str, ...]:
    """The values the client model accepts for an enum field (its Literal, without None)."""
    annotation = Client.model_fields[field].annotation
    literal = next(a for a in typing.get_args(annotation) if a is not type(None))
    return typing.get_args(literal)


def random_client(rng: random.Random, kb: KnowledgeBase, i: int, known: float = 1.0,
                  as_of: dt.date = AS_OF) -> dict[str, Any]:
    """Client ``c{i}`` with a random project type and journey progress; each other fact is
    known with probability ``known``; declared custom facts are drawn too."""
    facts = _facts(rng, kb, as_of) if kb.journeys else {}
    client = {k: v for k, v in facts.items() if k in ALWAYS or rng.random() < known}
    if rng.random() < 0.05:  # a client not yet placed on a journey
        client.pop("project_type", None)
    custom = {name[6:]: custom_value(rng, kb.facts[name], as_of) for name in kb.facts
              if name.startswith("facts.") and rng.random() < known}
    return {"id": f"c{i}", **client, **({"facts": custom} if custom else {})}


def random_clients(kb: KnowledgeBase, count: int, seed: int = 2026, known: float = 1.0,
                   as_of: dt.date = AS_OF) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    return (random_client(rng, kb, i, known, as_of) for i in range(count))


def _facts(rng: random.Random, kb: KnowledgeBase, as_of: dt.date) -> dict[str, Any]:
    project_type = rng.choice(sorted(kb.journeys))
    order = kb.journeys[project_type].order
    # mostly a journey walked in order; sometimes steps done out of order (imported data)
    done = (list(order[: rng.randint(0, len(order))]) if rng.random() < 0.7
            else rng.sample(order, rng.randint(0, len(order))))
    services = sorted(kb.services)

    def day() -> dt.date:
        return as_of - dt.timedelta(days=rng.randint(-30, 500))

    target = rng.uniform(100, 5000)
    return {
        "project_type": project_type,
        "completed_steps": done,
        **{field: rng.choice(enum_values(field)) for field in ENUM_FIELDS},
        "monthly_budget": rng.choice([0.0, 50_000.0, round(10 ** rng.uniform(3.5, 6.5), 2)]),
        "services": rng.sample(services, rng.randint(0, 3)), "main_channel": rng.choice(services),
        "kpis": [{"name": "CPL", "target": target, "actual": target * rng.uniform(0.6, 1.5),
                  "higher_is_better": rng.random() < 0.3}],
        "goals_changed": rng.random() < 0.2, "nps": rng.randint(0, 10),
        "season_peak_months": rng.sample(range(1, 13), rng.randint(0, 3)),
        "contact_changes_12m": rng.randint(0, 4), "campaign_launched_on": day(),
        "last_contact_on": day(), "last_meeting_on": day(), "nps_surveyed_on": day(),
        "client_since": day() - dt.timedelta(days=400),
        "industry": rng.choice(["retail", "b2b", "medicine"]),
    }


def custom_value(rng: random.Random, ftype: FactType, as_of: dt.date = AS_OF) -> Any:
    """A value of a fact the knowledge base declares itself."""
    values = ftype.values or ("x", "y")
    if ftype.kind == "list":
        items = (ftype.item.values if ftype.item else None) or ("x", "y", "z")
        return rng.sample(list(items), rng.randint(0, min(2, len(items))))
    choices: dict[str, Any] = {
        "bool": [True, False], "int": range(-5, 40), "number": [0.0, 1.5, 12.0, 99.9],
        "enum": values, "text": values, "date": [as_of - dt.timedelta(days=9)]}
    return rng.choice(list(choices[ftype.kind]))
