"""Full recommend() on the bundled knowledge base: clients per second on one core.

    python bench/recommend.py [--clients 20000] [--matcher python|durable]

Not a test: prints figures. Clients are random but deterministic (seeded), validated once up
front (``Client`` objects, as a nightly job holding them would) and also passed as plain dicts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any

import engine
from engine.models import SERVICES

AS_OF = dt.date(2026, 10, 15)


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


def measure(label: str, clients: list[Any], kb: engine.KnowledgeBase, runs: int) -> float:
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for client in clients:
            engine.recommend(client, kb=kb, as_of=AS_OF)
        rates.append(len(clients) / (time.perf_counter() - start))
    rate = statistics.median(rates)
    print(f"{label:<40} {rate:>10,.0f} clients/s   {1e6 / rate:8.1f} us/client")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--matcher", default="python")
    args = parser.parse_args()
    kb = engine.load(matcher=args.matcher)
    rng = random.Random(2026)
    dicts = [random_client(rng, kb, i) for i in range(args.clients)]
    objects = [engine.Client.model_validate(d) for d in dicts]
    actions = sum(len(engine.recommend(c, kb=kb, as_of=AS_OF).actions) for c in objects)
    print(f"bundled kb {kb.version}: {len(kb.rules)} rules, {len(kb.journeys)} journeys; "
          f"{args.clients} clients, {actions / len(objects):.1f} actions per client; "
          f"matcher {args.matcher}; median of {args.runs} runs, one thread")
    measure("recommend(Client)", objects, kb, args.runs)
    measure("recommend(dict)  (includes validation)", dicts, kb, args.runs)


if __name__ == "__main__":
    main()
