"""Full recommend() on the bundled knowledge base: clients per second on one core, and each
workload as a ratio to a reference measured beside it.

    python bench/recommend.py [--clients 20000] [--runs 5] [--matcher python|durable]

Not a test: prints figures. The first table measures every row once per round, rounds
interleaved (``--runs`` of them), in CPU seconds of this process: on a shared machine the
ratios within one round are what to read, and their spread (lowest to highest over the rounds)
says how steady they were. The reference row is the matcher benchmark's one-closure-per-
condition matcher (bench/matchers.py) on its synthetic workload of 100 rules: what matching
alone costs, written plainly. Four workloads, all deterministic:
- scenarios: the clients of the bundled scenario files (what the knowledge base was written
  for), repeated up to --clients;
- examples: the client files in examples/ (full, realistic profiles), repeated;
- typical: random clients where each optional fact is known with probability 0.6;
- complete: random clients with every fact known (the most rules and actions per client).
Clients are validated up front (``Client`` objects, as a nightly job holding them would); the
typical workload is also passed as plain dicts, which adds validation to the measured time.
The last row is a floor, not recommend(): for the typical clients, only matching, rendering the
reasons and building the very actions recommend() returns, with no journey guard, merging or
ordering; what recommend() costs above it is the planning. After it, what building those
actions costs per client through ``Action.trusted`` (what recommend() uses), pydantic's
``model_construct`` and full ``model_validate``: what the trusted construction still saves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine
from bench.matchers import ClosureMatcher
from bench.workload import SLOTS
from bench.workload import clients as synthetic_clients
from bench.workload import rules as synthetic_rules
from bench.workload import values as synthetic_values
from engine.language.facts import derive
from engine.models import Action, Recommendation
from engine.runtime.clients import read_clients
from engine.tools import scenarios
from engine.tools.generate import random_client

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

AS_OF = dt.date(2026, 10, 15)


def scenario_clients(kb: engine.KnowledgeBase, count: int) -> list[tuple[engine.Client, Any]]:
    cases = [c for path in scenarios.files(kb) for c in scenarios.read_cases(path, kb)[0]]
    return repeat([(c.scenario.client, c.scenario.as_of) for c in cases], count)


def example_clients(kb: engine.KnowledgeBase, count: int) -> list[tuple[engine.Client, Any]]:
    clients = [c for path in sorted(EXAMPLES.iterdir()) if path.is_file()
               for c in read_clients(path, kb)[0]]
    return repeat([(c, AS_OF) for c in clients], count)


def repeat(pairs: list[tuple[engine.Client, Any]], count: int) -> list[tuple[engine.Client, Any]]:
    """``pairs`` over and over, ``count`` in all."""
    return (pairs * (count // len(pairs) + 1))[:count]


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
    reasons = kb.index.reasons("en")

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


def construction(pairs: list[tuple[Any, Any]], kb: engine.KnowledgeBase, runs: int) -> None:
    """What Model.trusted saves: the typical clients' actions built three ways, per client."""
    built = [[dict(a.__dict__) for a in engine.recommend(c, kb=kb, as_of=d).actions]
             for c, d in pairs]
    ways: dict[str, Callable[[dict[str, Any]], Action]] = {
        "Action.trusted": Action.trusted, "Action.model_construct":
        lambda a: Action.model_construct(**a), "Action.model_validate": Action.model_validate}
    for label, make in ways.items():
        def once(make: Callable[[dict[str, Any]], Action] = make) -> None:
            for actions in built:
                [make(a) for a in actions]
        rate = median_rate(once, len(pairs), runs)
        print(f"{'  actions built by ' + label:<40} {1e6 / rate:7.1f} us/client")


def reference(count: int) -> Callable[[], None]:
    """The reference: 100 rules of the synthetic workload, one closure per condition."""
    matcher = ClosureMatcher([r.when for r in synthetic_rules(100)], SLOTS)
    inputs = [synthetic_values(c) for c in synthetic_clients(count)]

    def once() -> None:
        for v in inputs:
            matcher.match(v)
    return once


def recommending(pairs: list[tuple[Any, Any]], kb: engine.KnowledgeBase) -> Callable[[], None]:
    def once() -> None:
        for client, as_of in pairs:
            engine.recommend(client, kb=kb, as_of=as_of)
    return once


def side_by_side(rows: dict[str, tuple[Callable[[], None], int]], runs: int) -> None:
    """Every row once per round, rounds interleaved; CPU us per client, the median over the
    rounds, and each row's ratio to the reference within a round (median, lowest-highest)."""
    times: dict[str, list[float]] = {label: [] for label in rows}
    for _ in range(runs):
        for label, (once, count) in rows.items():
            start = time.process_time()
            once()
            times[label].append((time.process_time() - start) / count * 1e6)
    base = times["reference: 100 rules, one closure per condition"]
    print(f"| row | CPU us per client (median of {runs}) | x reference (median) | "
          "x reference (lowest-highest) |")
    print("|---|---:|---:|---:|")
    for label, found in times.items():
        ratios = [t / b for t, b in zip(found, base, strict=True)]
        print(f"| {label} | {statistics.median(found):.1f} | {statistics.median(ratios):.2f}x | "
              f"{min(ratios):.2f}-{max(ratios):.2f}x |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--matcher", default="python")
    args = parser.parse_args()
    kb = engine.load(matcher=args.matcher)
    rng = random.Random(2026)
    typical = [random_client(rng, kb, i, known=0.6) for i in range(args.clients)]
    complete = [random_client(rng, kb, i) for i in range(args.clients)]
    print(f"bundled kb {kb.version}: {len(kb.rules)} rules, {len(kb.journeys)} journeys; "
          f"{args.clients} clients per workload; matcher {args.matcher}; "
          f"{args.runs} rounds; one thread")
    typical_clients = [(engine.Client.model_validate(c), AS_OF) for c in typical]
    workloads: dict[str, list[tuple[Any, Any]]] = {
        "scenarios (Client)": scenario_clients(kb, args.clients),
        "examples (Client)": example_clients(kb, args.clients),
        "typical (Client)": typical_clients,
        "typical (dict, validated in call)": [(c, AS_OF) for c in typical],
        "complete (Client)": [(engine.Client.model_validate(c), AS_OF) for c in complete]}
    for pairs in workloads.values():  # warm up: the knowledge base's memo, the allocator
        recommending(pairs[:2000], kb)()
    rows = {"reference: 100 rules, one closure per condition": (
        reference(args.clients), args.clients)}
    rows.update({f"recommend(), {label}": (recommending(pairs, kb), len(pairs))
                 for label, pairs in workloads.items()})
    side_by_side(rows, args.runs)
    for label, pairs in workloads.items():
        measure(label, pairs, kb, args.runs)
    floor("floor: typical, no planning", typical_clients, kb, args.runs)
    construction(typical_clients, kb, args.runs)


if __name__ == "__main__":
    main()
