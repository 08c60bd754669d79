"""Full recommend() on the bundled knowledge base: clients per second on one core.

    python bench/recommend.py [--clients 20000] [--runs 5] [--matcher python|durable]

Not a test: prints figures. Four workloads, all deterministic:
- scenarios: the clients of the bundled scenario files (what the knowledge base was written
  for), repeated up to --clients;
- examples: the client files in examples/ (full, realistic profiles), repeated;
- typical: random clients where each optional fact is known with probability 0.6;
- complete: random clients with every fact known (the most rules and actions per client).
Clients are validated up front (``Client`` objects, as a nightly job holding them would); the
typical workload is also passed as plain dicts, which adds validation to the measured time.
The last row is a floor, not recommend(): for the typical clients, only matching, rendering the
reasons and building the very actions recommend() returns, with no journey guard, merging or
ordering; what recommend() costs above it is the planning.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import engine
from engine.models import SERVICES, Action, Recommendation
from engine.runtime.clients import read_clients
from engine.runtime.derived import derive
from engine.tools import scenarios

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

AS_OF = dt.date(2026, 10, 15)


def typical_client(rng: random.Random, kb: engine.KnowledgeBase, i: int) -> dict[str, Any]:
    """A random client knowing each optional fact with probability 0.6."""
    full = random_client(rng, kb, i)
    keep = {"id", "project_type", "completed_steps"}
    return {k: v for k, v in full.items() if k in keep or rng.random() < 0.6}


def scenario_clients(kb: engine.KnowledgeBase, count: int) -> list[tuple[engine.Client, Any]]:
    cases = [c for path in scenarios.files(kb) for c in scenarios.read_cases(path, kb)[0]]
    return repeat([(c.scenario.client, c.scenario.as_of) for c in cases], count)


def example_clients(kb: engine.KnowledgeBase, count: int) -> list[tuple[engine.Client, Any]]:
    clients = [c for path in sorted(EXAMPLES.iterdir()) for c in read_clients(path, kb)[0]]
    return repeat([(c, AS_OF) for c in clients], count)


def repeat(pairs: list[tuple[engine.Client, Any]], count: int) -> list[tuple[engine.Client, Any]]:
    """``pairs`` over and over, ``count`` in all."""
    return (pairs * (count // len(pairs) + 1))[:count]


def random_client(rng: random.Random, kb: engine.KnowledgeBase, i: int) -> dict[str, Any]:
    project_type = rng.choice(sorted(kb.journeys))
    journey = kb.journeys[project_type]
    done = list(journey.order[: rng.randint(0, len(journey.order))])
    day = lambda: AS_OF - dt.timedelta(days=rng.randint(0, 400))  # noqa: E731
    target = rng.uniform(100, 5000)
    return {
        "id": f"c{i}", "project_type": project_type, "completed_steps": done,
        "temperament": rng.choice(["choleric", "sanguine", "melancholic", "phlegmatic"]),
        "activity": rng.choice(["active", "waiting", "passive"]),
        "importance": rng.choice(["key", "regular", "low"]),
        "company_stage": rng.choice(["infancy", "growth", "prime", "stability", "aristocracy"]),
        "knowledge_level": rng.choice(["novice", "intermediate", "expert"]),
        "decision_system": rng.choice(["owner", "manager_and_owner", "committee"]),
        "monthly_budget": round(10 ** rng.uniform(3.7, 6.3)),
        "services": rng.sample(SERVICES, rng.randint(0, 3)), "main_channel": rng.choice(SERVICES),
        "kpis": [{"name": "CPL", "target": target, "actual": target * rng.uniform(0.6, 1.5),
                  "higher_is_better": False}],
        "goals_changed": rng.random() < 0.1, "nps": rng.randint(0, 10),
        "season_peak_months": rng.sample(range(1, 13), rng.randint(0, 2)),
        "contact_changes_12m": rng.randint(0, 4), "campaign_launched_on": day(),
        "last_contact_on": day(), "last_meeting_on": day(), "nps_surveyed_on": day(),
        "client_since": day() - dt.timedelta(days=400),
    }


def measure(label: str, pairs: list[tuple[Any, Any]], kb: engine.KnowledgeBase,
            runs: int) -> float:
    """Median clients per second over ``runs`` passes; prints one row."""

    def once() -> None:
        for client, as_of in pairs:
            engine.recommend(client, kb=kb, as_of=as_of)

    rate = median_rate(once, len(pairs), runs)
    actions = statistics.mean(len(engine.recommend(c, kb=kb, as_of=d).actions)
                              for c, d in pairs[:2000])
    print(f"{label:<34} {rate:>9,.0f} clients/s {1e6 / rate:7.1f} us/client"
          f" {actions:5.1f} actions/client")
    return rate


def median_rate(once: Callable[[], None], clients: int, runs: int) -> float:
    """Median clients per second of ``runs`` calls of ``once``, each over ``clients`` clients."""
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        rates.append(clients / (time.perf_counter() - start))
    return statistics.median(rates)


def floor(label: str, pairs: list[tuple[Any, Any]], kb: engine.KnowledgeBase,
          runs: int) -> None:
    """Median clients per second of matching, reasons and building the same actions only."""
    built = [[a.__dict__ for a in engine.recommend(c, kb=kb, as_of=d).actions] for c, d in pairs]
    reasons = kb.index.reasons["en"]

    def once() -> None:
        for (client, as_of), actions in zip(pairs, built, strict=True):
            facts = derive(client, as_of)
            for i in kb.matcher.match(list(map(facts.get, kb.slots)), client.id):
                reasons[kb.rules[i].id].render(facts)
            Recommendation.trusted({"client_id": client.id, "as_of": as_of,
                                    "kb_version": kb.version,
                                    "actions": [Action.trusted(dict(a)) for a in actions]})

    rate = median_rate(once, len(pairs), runs)
    print(f"{label:<34} {rate:>9,.0f} clients/s {1e6 / rate:7.1f} us/client")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--matcher", default="python")
    args = parser.parse_args()
    kb = engine.load(matcher=args.matcher)
    rng = random.Random(2026)
    typical = [typical_client(rng, kb, i) for i in range(args.clients)]
    complete = [random_client(rng, kb, i) for i in range(args.clients)]
    print(f"bundled kb {kb.version}: {len(kb.rules)} rules, {len(kb.journeys)} journeys; "
          f"{args.clients} clients per workload; matcher {args.matcher}; "
          f"median of {args.runs} runs; one thread")
    typical_clients = [(engine.Client.model_validate(c), AS_OF) for c in typical]
    measure("scenarios (Client)", scenario_clients(kb, args.clients), kb, args.runs)
    measure("examples (Client)", example_clients(kb, args.clients), kb, args.runs)
    measure("typical (Client)", typical_clients, kb, args.runs)
    measure("typical (dict, validated in call)", [(c, AS_OF) for c in typical], kb, args.runs)
    measure("complete (Client)", [(engine.Client.model_validate(c), AS_OF) for c in complete],
            kb, args.runs)
    floor("floor: typical, no planning", typical_clients, kb, args.runs)


if __name__ == "__main__":
    main()
