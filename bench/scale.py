"""Big knowledge bases: load time and memory per rule, the first call, recommend() per rule matched.

    python bench/scale.py [--sizes 100,1000,10000,50000] [--clients 1000]
    python bench/scale.py --groups 500,1000,2000,4000

Not a test: prints figures. Each knowledge base is generated in the rule language (YAML files):
the bundled rules copied over and over until there are N of them, each copy with new ids, its
priority shifted by up to 5 and its exclusive groups renamed (so groups stay the bundled size),
next to the bundled journeys, playbooks, facts, thresholds and sources. Every copy of a rule
proposes the same actions as the original, so a client matching k copies sends k proposals of
each action to the planner: the case where merging must stay linear.

Each size is measured in a fresh process (so peak RSS is that size's own): the load
(``engine.load``: parse, compile, lint) in wall and CPU milliseconds per rule; the memory the loaded
knowledge base holds (RSS after the load minus before) and the peak RSS, per rule; the first
``recommend()`` after the load; then p50 and mean ``recommend()`` over random typical clients
(as in bench/recommend.py) and the mean cost per rule matched (total time / rules matched).
With ``--groups``: the bundled knowledge base plus one exclusive group of N rules with bands
side by side (``group_kb``), loaded and then linted alone, in CPU seconds.
Times after the load are CPU time of this process (``time.process_time``), so that other work
on a shared machine does not count.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from bench.recommend import AS_OF  # noqa: E402
from engine.api import evaluate  # noqa: E402
from engine.tools.generate import random_client  # noqa: E402

FILE_SIZE = 1000  # rules per generated file
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def generate(target: Path, size: int) -> None:
    """A knowledge base of ``size`` rules in ``target``: copies of the bundled rules."""
    for folder in ("journey_maps", "playbooks"):
        shutil.copytree(ROOT / folder, target / folder)
    (target / "rules").mkdir()
    originals: list[dict[str, Any]] = []
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        if path.name.endswith(".test.yaml"):
            continue
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
        originals += doc.pop("rules", [])
        if doc:  # facts, thresholds, sources, services
            (target / "rules" / path.name).write_text(yaml.dump(doc, Dumper=Dumper,
                                                                allow_unicode=True))
    rng = random.Random(size)
    made = [_copy(originals[i % len(originals)], i // len(originals), rng) for i in range(size)]
    for n in range(0, size, FILE_SIZE):
        text = yaml.dump({"rules": made[n:n + FILE_SIZE]}, Dumper=Dumper, allow_unicode=True,
                         sort_keys=False)
        (target / "rules" / f"generated_{n // FILE_SIZE:03d}.yaml").write_text(text)


def _copy(rule: dict[str, Any], copy: int, rng: random.Random) -> dict[str, Any]:
    out = {**rule, "id": f"{rule['id']}_c{copy}",
           "priority": min(1000, max(0, rule["priority"] + rng.randint(-5, 5)))}
    if "group" in rule:
        out["group"] = f"{rule['group']}_c{copy}"
    return out


def group_kb(target: Path, size: int, seed: int = 1) -> None:
    """The bundled knowledge base plus one exclusive group of ``size`` rules with bands on
    kpi_deviation_pct side by side (one in ten leaves a gap, one in ten overlaps the next),
    some with tests of other facts that tell them apart or contradict."""
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
        "*.test.yaml", ".*", "tests", "bench", "docs", "engine", "schemas", "examples"))
    rng = random.Random(seed)
    rules = []
    for i in range(size):
        low = 2 * i
        high = low + 2 + rng.choice((0,) * 8 + (-1, 3))
        when: dict[str, Any] = {"kpi_deviation_pct": {"gte": low, "lt": high}}
        for fact, value, share in (("goals_changed", True, 0.2),
                                   ("goals_changed", {"ne": True}, 0.1),
                                   ("temperament", rng.choice(("choleric", "sanguine")), 0.2),
                                   ("completed_steps", {"includes": "launch_context_ads"}, 0.15),
                                   ("days_since_launch", {"gte": 14}, 0.1)):
            if rng.random() < share and fact not in when:
                when[fact] = value
        rules.append({"id": f"g{i:05d}", "title": {"en": "T", "ru": "T"},
                      "reason": {"en": "R", "ru": "R"}, "priority": rng.randint(1, 999),
                      "sources": ["K23"], "group": "big", "when": when,
                      "then": [{"warning": f"w{i}"}]})
    (target / "rules" / "group.yaml").write_text(
        yaml.dump({"rules": rules}, Dumper=Dumper, sort_keys=False))


def lint_group(size: int) -> None:
    """Load and lint a knowledge base with one group of ``size`` rules; prints one row."""
    from engine.lint import lint
    with tempfile.TemporaryDirectory() as tmp:
        group_kb(Path(tmp) / "kb", size)
        start = time.process_time()
        kb = engine.load(Path(tmp) / "kb")
        loaded = time.process_time() - start
        start = time.process_time()
        found = lint(kb)
        linted = time.process_time() - start
    print(f"{size:>7,} {loaded:9.2f} {linted:9.2f} {len(found):9}", flush=True)


def rss_kib(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(path: Path, size: int, clients: int) -> dict[str, float]:
    """One size, in this process: the figures as a dict."""
    before, wall, cpu = rss_kib(), time.perf_counter(), time.process_time()
    kb = engine.load(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    held, peak = rss_kib() - before, rss_kib("VmHWM")
    rng = random.Random(2026)
    pairs = [(engine.Client.model_validate(random_client(rng, kb, i, known=0.6)), AS_OF)
             for i in range(clients)]
    start = time.process_time()
    engine.recommend(pairs[0][0], kb=kb, as_of=AS_OF)
    first = time.process_time() - start
    times = []
    for client, as_of in pairs:
        start = time.process_time()
        engine.recommend(client, kb=kb, as_of=as_of)
        times.append(time.process_time() - start)
    matched = sum(len(evaluate(c, kb=kb, as_of=d)[1].matched) for c, d in pairs)
    return {"rules": len(kb.rules), "load_ms_per_rule": 1e3 * wall / size,
            "load_cpu_ms_per_rule": 1e3 * cpu / size, "held_kib_per_rule": held / size,
            "peak_kib_per_rule": peak / size, "first_call_ms": 1e3 * first,
            "p50_us": 1e6 * statistics.median(times), "mean_us": 1e6 * statistics.mean(times),
            "matched_per_client": matched / clients, "us_per_matched_rule": 1e6 * sum(times)
            / max(matched, 1)}


def child(size: int, clients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), size)
        print(json.dumps(measure(Path(tmp), size, clients)))


ROW = ("{rules:>7,.0f} {load_ms_per_rule:9.2f} {load_cpu_ms_per_rule:9.2f} "
       "{held_kib_per_rule:10.1f} {peak_kib_per_rule:10.1f} {first_call_ms:10.1f} "
       "{p50_us:9.1f} {mean_us:9.1f} {matched_per_client:8.1f} {us_per_matched_rule:9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000,50000")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--groups", default="",
                        help="instead: lint one exclusive group of each of these sizes")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.clients)
        return
    if args.groups:
        print("one exclusive group in the bundled knowledge base; CPU seconds\n"
              "  rules load+lint      lint  findings")
        for size in (int(s) for s in args.groups.split(",")):
            lint_group(size)
        return
    print(f"generated knowledge bases (copies of the bundled rules); {args.clients} typical "
          f"clients each; one process per size")
    print("  rules  load ms/r   cpu ms/r  held KiB/r peak KiB/r first ms   p50 us   mean us"
          "  matched us/matched")
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--child", str(size),
                              "--clients", str(args.clients)],
                             check=True, capture_output=True, text=True).stdout
        print(ROW.format(**json.loads(out.strip().splitlines()[-1])), flush=True)


if __name__ == "__main__":
    main()
