"""Matchers side by side on the synthetic workload of research/engines_benchmark.md.

    python bench/matchers.py [--clients 10000] [--sizes 20,100,500] [--scale 1000,2000,5000]

For each rule base size: the p50 time per client of the default PythonMatcher (generated
code), a one-closure-per-condition reference written here, and DurableMatcher when
durable-rules is installed; every matcher must return identical results for every client.
``--scale`` then checks how large a rule base the durable matcher handles (on 1,000 clients).
"""

from __future__ import annotations

import argparse
import operator
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.workload import SLOTS, clients, rules, values
from engine.errors import MatcherUnavailable
from engine.language.conditions import All, Node, Test
from engine.matchers import Matcher, build

Check = Callable[[Sequence[Any]], bool]
CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
    "gt": operator.gt, "gte": operator.ge,
    "one_of": lambda x, c: x in c, "none_of": lambda x, c: x not in c,
    "includes": lambda x, c: c in x, "excludes": lambda x, c: c not in x,
    "between": lambda x, c: c[0] <= x <= c[1], "outside": lambda x, c: x < c[0] or x > c[1],
}


def closure(node: Node, slots: dict[str, int]) -> Check:
    """One closure per test, all / any closures over their children."""
    if isinstance(node, Test):
        return _test(node, slots[node.fact])
    children = tuple(closure(c, slots) for c in node.children)
    if isinstance(node, All):

        def all_of(v: Sequence[Any]) -> bool:  # a loop: faster than all() of a generator
            for check in children:  # noqa: SIM110
                if not check(v):
                    return False
            return True

        return all_of

    def any_of(v: Sequence[Any]) -> bool:
        for check in children:  # noqa: SIM110
            if check(v):
                return True
        return False

    return any_of


def _test(t: Test, slot: int) -> Check:
    if t.op in ("exists", "missing"):
        present = t.op == "exists"
        return lambda v: (v[slot] is not None) is present
    check = CHECKS[t.op]
    c = frozenset(t.value) if t.op in ("one_of", "none_of") else t.value

    def test(v: Sequence[Any]) -> bool:
        x = v[slot]
        return x is not None and check(x, c)

    return test


class ClosureMatcher:
    name = "closures"

    def __init__(self, trees: Sequence[Node], slots: dict[str, int]) -> None:
        self._rules = [(i, closure(t, slots)) for i, t in enumerate(trees)]

    def match(self, values: Sequence[Any], label: str | None = None) -> list[int]:
        return [i for i, check in self._rules if check(values)]


def matchers(trees: Sequence[Node]) -> list[Matcher]:
    made: list[Matcher] = [build("python", trees, SLOTS), ClosureMatcher(trees, SLOTS)]
    try:
        made.append(build("durable", trees, SLOTS))
    except MatcherUnavailable as exc:
        print(f"durable matcher skipped: {exc}", file=sys.stderr)
    return made


def timed(matcher: Matcher, inputs: Sequence[Sequence[Any]]) -> tuple[float, list[list[int]]]:
    """The p50 microseconds per client and every client's result."""
    times, results = [], []
    clock = time.perf_counter_ns
    for v in inputs:
        start = clock()
        result = matcher.match(v)
        times.append(clock() - start)
        results.append(result)
    return statistics.median(times) / 1000, results


def compare(sizes: Sequence[int], inputs: Sequence[Sequence[Any]]) -> dict[str, dict[int, float]]:
    table: dict[str, dict[int, float]] = {}
    for n in sizes:
        trees = [r.when for r in rules(n)]
        runs = {m.name: timed(m, inputs) for m in matchers(trees)}
        reference = runs["python"][1]
        for name, (p50, results) in runs.items():
            wrong = sum(a != b for a, b in zip(results, reference, strict=True))
            assert not wrong, f"{name} differs from python on {wrong} clients at N={n}"
            table.setdefault(name, {})[n] = p50
        mean = sum(map(len, reference)) / len(reference)
        print(f"N={n}: identical results from {', '.join(runs)}; {mean:.1f} matches/client")
    return table


def report(table: dict[str, dict[int, float]], sizes: Sequence[int]) -> None:
    labels = {"python": "python (generated code)", "closures": "closures (reference)",
              "durable": "durable (raw C API)"}
    print(f"\np50 per client (ratio to the closures), Python {sys.version.split()[0]}")
    print(f"| {'matcher':<24} |" + "|".join(f" {'N=' + str(n):>18} " for n in sizes) + "|")
    print(f"|{'-' * 26}|" + "|".join("-" * 19 + ":" for _ in sizes) + "|")
    for name, row in table.items():
        cells = [f"{row[n]:.1f} us ({row[n] / table['closures'][n]:.2f}x)" for n in sizes]
        print(f"| {labels.get(name, name):<24} |" + "|".join(f" {c:>18} " for c in cells) + "|")


def scale(sizes: Sequence[int], inputs: Sequence[Sequence[Any]]) -> None:
    """How large a rule base the durable matcher takes, checked against python."""
    for n in sizes:
        trees = [r.when for r in rules(n)]
        start = time.perf_counter()
        try:
            durable = build("durable", trees, SLOTS)
        except MatcherUnavailable as exc:
            print(f"scale: durable unavailable: {exc}")
            return
        built = time.perf_counter() - start
        p50, results = timed(durable, inputs)
        python = build("python", trees, SLOTS)
        wrong = sum(r != python.match(v) for r, v in zip(results, inputs, strict=True))
        shards = len(durable._shards)  # type: ignore[attr-defined]
        print(f"scale N={n}: {shards} rulesets, built in {built:.2f} s, p50 {p50:.0f} us, "
              f"{wrong} of {len(inputs)} clients differ from python")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--sizes", default="20,100,500")
    parser.add_argument("--scale", default="1000,2000,5000", help="'' to skip")
    args = parser.parse_args()
    inputs = [values(c) for c in clients(args.clients)]
    sizes = [int(n) for n in args.sizes.split(",")]
    report(compare(sizes, inputs), sizes)
    if args.scale:
        print()
        scale([int(n) for n in args.scale.split(",")], inputs[:1000])


if __name__ == "__main__":
    main()
