"""The long portfolio fuzz run: hostile clients through ``recommend_many``.

    python bench/fuzz_portfolio.py [--clients 100000] [--seed 27] [--workers 2]

Not a test: prints counts. Each client is an example client (examples/) changed as data by
tests/fuzzing.py's mutations, and a share of them get an id or a whole value no code expects
(a number of thousands of digits, an object whose ``str()`` raises, a mapping whose methods
raise, a line break, 201 characters, None). Every client must come out as exactly one outcome,
in order: recommended, or refused with diagnostics. Counted as failures: clients lost (fewer
outcomes than clients: the generator stopped), exceptions that escaped ``recommend_many``, and
outcomes whose errors are ``internal-error`` (the engine failed on a valid client). Exit 1 on
any. ``--workers N`` runs them on the process pool (clients that cannot be pickled included).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

import engine
from tests.fuzzing import LOADER, ROOT, mutate_data

AS_OF = dt.date(2026, 10, 15)


class Loud:
    """A value whose text cannot be had."""

    def __str__(self) -> str:
        raise RuntimeError("no text")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class FailingMapping(dict[str, Any]):
    """A mapping whose reading methods raise (and which cannot be pickled for a process)."""

    def get(self, key: str, default: Any = None) -> Any:
        raise RuntimeError("cannot get")

    def items(self) -> Any:
        raise RuntimeError("cannot list")


ODD_IDS: list[Any] = [10**5000, -(10**4301), "x" * 201, "a\nb", "nul\x00", "=HYPERLINK(1)",
                      "\u202etxt", None, 3.5, [], {}, b"bytes", True, ""]


def examples() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
        found += [d for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict)]
    return found


def hostile(count: int, seed: int) -> Iterator[Any]:
    rnd = random.Random(seed)
    bases = examples()
    for i in range(count):
        roll = rnd.random()
        if roll < 0.01:
            yield rnd.choice([Loud(), None, 5, "client", FailingMapping(id="f")])
            continue
        client = copy.deepcopy(rnd.choice(bases))
        client["id"] = f"c{i}"
        if roll < 0.5:
            client = mutate_data(client, rnd)
        if isinstance(client, dict) and rnd.random() < 0.1:
            client["id"] = Loud() if rnd.random() < 0.1 else copy.deepcopy(rnd.choice(ODD_IDS))
        yield client


def run(count: int, seed: int, workers: int) -> tuple[Counter[str], list[str]]:
    counts: Counter[str] = Counter()
    crashes: list[str] = []
    kb = engine.load()
    try:
        for outcome in engine.recommend_many(hostile(count, seed), kb=kb, as_of=AS_OF,
                                             workers=workers):
            counts["outcomes"] += 1
            if outcome.recommendation is not None:
                counts["recommended"] += 1
            elif any(d.code == "internal-error" for d in outcome.errors):
                counts["internal errors"] += 1
                crashes += [d.render() for d in outcome.errors][:1]
            elif outcome.errors:
                counts["refused"] += 1
            else:
                counts["neither"] += 1
    except Exception:
        counts["escaped"] += 1
        crashes.append(traceback.format_exc())
    counts["lost"] = count - counts["outcomes"]
    return counts, crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    counts, crashes = run(args.clients, args.seed, args.workers)
    print(f"{args.clients} clients, seed {args.seed}, {args.workers} worker(s), "
          f"{time.perf_counter() - start:.0f} s: " + ", ".join(
              f"{k} {counts[k]}" for k in ("outcomes", "recommended", "refused", "lost",
                                            "escaped", "internal errors", "neither")))
    for crash in crashes[:3]:
        print(crash)
    failed = counts["lost"] + counts["escaped"] + counts["internal errors"] + counts["neither"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
