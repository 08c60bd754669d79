"""The synthetic "collect" workload of research/engines_benchmark.md, rebuilt deterministically.

10,000 clients with 16 fields and rule bases of N rules expressed as engine.conditions trees:
each rule has 1-4 conditions ANDed (about 40% of the 3-4 condition rules OR their last two),
operators == != < <= > >= and step in / not in completed_steps; 90% of the rules are also scoped
by an equality on a categorical field; priorities are 1..100. Same seed, same workload.

    from bench.workload import SLOTS, clients, rules, values
    for client in clients(10_000): values(client)  # fact values in slot order
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from engine.language.conditions import All, AnyOf, Node, Test

CATEGORIES: dict[str, tuple[str, ...]] = {
    "segment": ("key", "large", "medium", "small", "micro"),
    "temperament": ("choleric", "sanguine", "melancholic", "phlegmatic"),
    "activity": ("active", "waiting", "passive"),
    "project_type": ("marketplace", "monobrand", "lead_gen", "web_development", "saas", "media"),
    "industry": tuple(f"industry_{i}" for i in range(10)),
    "decision_system": ("owner", "manager_and_owner", "committee"),
    "knowledge_level": ("novice", "intermediate", "expert"),
}
# numeric fact -> (low, high, share of clients where it is missing)
NUMBERS: dict[str, tuple[float, float, float]] = {
    "kpi_deviation_pct": (-50.0, 50.0, 0.0),
    "months_to_peak": (0, 11, 0.2),
    "nps": (0, 10, 0.3),
    "budget": (5_000.0, 2_000_000.0, 0.0),
    "months_as_client": (0, 120, 0.0),
    "contact_changes_12m": (0, 4, 0.0),
    "days_since_contact": (0, 180, 0.0),
}
STEPS = tuple(f"step_{i:02d}" for i in range(20))
FIELDS = ("id", *CATEGORIES, *NUMBERS, "completed_steps")
SLOTS = {name: i for i, name in enumerate(FIELDS)}
OPS = ("eq", "ne", "lt", "lte", "gt", "gte")


@dataclass(frozen=True)
class Rule:
    id: str
    priority: int
    when: Node


def _number(rng: random.Random, name: str) -> float | int | None:
    return None if rng.random() < NUMBERS[name][2] else _sample(rng, name)


def _sample(rng: random.Random, name: str) -> float | int:
    low, high, _ = NUMBERS[name]
    if name == "budget":  # log-uniform
        return round(math.exp(rng.uniform(math.log(low), math.log(high))), 2)
    if isinstance(low, float):
        return round(rng.uniform(low, high), 1)
    return rng.randint(int(low), int(high))


def client(rng: random.Random, i: int) -> dict[str, Any]:
    facts: dict[str, Any] = {"id": f"c{i:05d}"}
    facts.update({name: rng.choice(choices) for name, choices in CATEGORIES.items()})
    facts.update({name: _number(rng, name) for name in NUMBERS})
    facts["completed_steps"] = frozenset(rng.sample(STEPS, rng.randint(0, 12)))
    return facts


def clients(n: int = 10_000, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [client(rng, i) for i in range(n)]


def values(facts: dict[str, Any]) -> tuple[Any, ...]:
    """The fact values in slot order (None = missing)."""
    return tuple(facts.get(name) for name in FIELDS)


def condition(rng: random.Random) -> Test:
    """One unscoped condition: a comparison, a category (in)equality or a step test."""
    kind = rng.random()
    if kind < 0.5:
        name = rng.choice(list(NUMBERS))
        return Test(name, rng.choice(OPS), _sample(rng, name))
    if kind < 0.75:
        name = rng.choice(list(CATEGORIES))
        return Test(name, rng.choice(("eq", "eq", "ne")), rng.choice(CATEGORIES[name]))
    return Test("completed_steps", rng.choice(("includes", "excludes")), rng.choice(STEPS))


def tree(rng: random.Random) -> Node:
    n = rng.randint(1, 4)
    parts: list[Node] = [condition(rng) for _ in range(n)]
    if n >= 3 and rng.random() < 0.4:
        parts[-2:] = [AnyOf((parts[-2], parts[-1]))]
    if rng.random() < 0.9:  # scoped by an equality on a categorical field
        name = rng.choice(list(CATEGORIES))
        parts.insert(0, Test(name, "eq", rng.choice(CATEGORIES[name])))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def rules(n: int, seed: int = 11) -> list[Rule]:
    """N rules in rank order: priority descending, then id."""
    rng = random.Random(seed * 100_003 + n)
    made = [Rule(f"r{i:04d}", rng.randint(1, 100), tree(rng)) for i in range(n)]
    return sorted(made, key=lambda r: (-r.priority, r.id))
