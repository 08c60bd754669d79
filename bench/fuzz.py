"""The long fuzz run: mutants of the bundled knowledge base and of the example clients.

    python bench/fuzz.py [--cases 100000] [--seed 17] [--kb-share 0.1] [--jobs 2]

Not a test: prints counts. A share of the cases (--kb-share) mutate one file of a copy of the
bundled knowledge base, load it (compile + lint) and, when it loads, recommend, render and
explain two clients with it; the others mutate an example client file (YAML or JSON) and read,
recommend, render and explain it against the bundled knowledge base. Every case must end in
"ok" (loaded / read and used) or "refused" (KnowledgeBaseError / ClientError diagnostics); any
other exception is counted as a crash and its first traceback printed. Exit 1 on a crash.
--jobs N splits the cases into N shards run side by side in processes of their own, shard K
seeded with (--seed, K): the same arguments give the same cases and counts on any machine.
The same machinery, with a few thousand cases and hypothesis, is tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine
from engine.kb.files import FOLDERS, bundled_root
from tests.fuzzing import ROOT, Outcome, client_case, kb_case

CLIENTS = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".json"))
SOME_CLIENTS: list[dict[str, Any]] = [
    {"id": "a", "project_type": "marketplace", "nps": 3, "monthly_budget": 5000.0,
                 "season_peak_months": [12],
                 "kpis": [{"name": "CPL", "target": 100.0, "actual": 112.0}]},
                {"id": "b", "project_type": "lead_gen", "temperament": "choleric"}]


Totals = dict[str, Outcome]


def shard(cases: int, seed: int, index: int, kb_share: float) -> Totals:
    """Run ``cases`` cases seeded with (seed, index) on a copy of the bundled knowledge base."""
    rnd = random.Random(f"{seed}-{index}")
    kb = engine.load()
    totals = {"knowledge base": Outcome(), "client": Outcome()}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "kb"
        for folder in FOLDERS:
            shutil.copytree(bundled_root() / folder, root / folder)
        for i in range(cases):
            if rnd.random() < kb_share:
                totals["knowledge base"].add(kb_case(root, rnd, SOME_CLIENTS))
            else:
                totals["client"].add(client_case(kb, rnd.choice(CLIENTS), Path(tmp) / "c", rnd))
            if (i + 1) % 5_000 == 0:
                print(f"  shard {index}: {i + 1} cases, {time.perf_counter() - start:.0f} s: "
                      + summary(totals), flush=True)
    return totals


def summary(totals: Totals) -> str:
    return "; ".join(f"{kind} ok {out.ok} refused {out.refused} crashed {len(out.crash or [])}"
                     for kind, out in totals.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--kb-share", type=float, default=0.1)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    sizes = [args.cases // args.jobs + (k < args.cases % args.jobs) for k in range(args.jobs)]
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        shards = pool.starmap(shard, [(n, args.seed, k, args.kb_share)
                                      for k, n in enumerate(sizes)])
    totals = {"knowledge base": Outcome(), "client": Outcome()}
    for part in shards:
        for kind, out in part.items():
            totals[kind].add(out)
    crashes = 0
    for kind, out in totals.items():
        crashes += len(out.crash or [])
        print(f"{kind} mutants: ok {out.ok}, refused {out.refused}, crashed "
              f"{len(out.crash or [])}")
    print(f"{args.cases} cases in {time.perf_counter() - start:.0f} s, seed {args.seed}, "
          f"{args.jobs} shard(s)")
    for out in totals.values():
        if out.crash:
            print(out.crash[0])
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
