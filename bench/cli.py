"""How long the `playbook` command takes, as seconds and as ratios to a bare Python start
(`python -c 'import pydantic, yaml'`), measured side by side in one run.

    python bench/cli.py [--runs N]

Each row runs the real command in a fresh process, once per round, N rounds (default 7), rounds
interleaved; it reports the median wall-clock time and the median CPU time (user + system) of
the process, and the median of each round's CPU ratio to the bare start: on a busy machine the
CPU time and the ratios are the figures to read.
"Cold" runs use an empty cache folder each time (nothing compiled yet, nothing in the OS's
page cache is cleared); "warm" runs reuse one cache folder filled by a first run. Bytecode is
written (to a folder of its own) and compiled by a first run, as `pip install` compiles it for a
user: PYTHONDONTWRITEBYTECODE in the caller's environment would measure compiling every module
on every start instead. Targets of
the authoring issue: --help under 0.3 s, validate of the bundled knowledge base under 1 s cold,
a one-client dry run under 0.5 s warm.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "examples" / "seasonal_store.yaml"
PLAYBOOK = [sys.executable, "-m", "engine"]
ROWS = [  # label, argv, cache: "cold" | "warm" | None (no knowledge base read)
    ("bare python -c 'import pydantic, yaml'",
     [sys.executable, "-c", "import pydantic, yaml"], None),
    ("playbook --help", [*PLAYBOOK, "--help"], None),
    ("playbook --version", [*PLAYBOOK, "--version"], None),
    ("validate (bundled), cold", [*PLAYBOOK, "validate"], "cold"),
    ("validate (bundled), warm", [*PLAYBOOK, "validate"], "warm"),
    ("dry-run one client, cold", [*PLAYBOOK, "dry-run", str(CLIENT), "--as-of", "2026-10-15"],
     "cold"),
    ("dry-run one client, warm", [*PLAYBOOK, "dry-run", str(CLIENT), "--as-of", "2026-10-15"],
     "warm"),
    ("validate --no-cache", [*PLAYBOOK, "validate", "--no-cache"], "warm"),
]


def once(argv: list[str], cache: Path) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of the command."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env |= {"XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT),
            "PYTHONPYCACHEPREFIX": str(cache.parent / "bytecode")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=tempfile.gettempdir(), env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def rounds(runs: int, work: Path) -> dict[str, list[tuple[float, float]]]:
    """Every row once per round, rounds interleaved: a change in the machine's load falls on
    all rows of a round alike. Cold rows get an empty cache folder each time; warm rows share
    one, filled before the first round."""
    for _, argv, cache in ROWS:
        if cache == "warm":
            once(argv, work / "warm")  # fill it
    times: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in ROWS}
    for i in range(runs):
        for n, (label, argv, cache) in enumerate(ROWS):
            folder = work / f"cold-{n}-{i}" if cache == "cold" else work / "warm"
            times[label].append(once(argv, folder))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for _, argv, _ in ROWS:  # compile the bytecode of every module a row imports
            once(argv, Path(work) / "first")
        times = rounds(args.runs, Path(work))
    bare = times[ROWS[0][0]]
    print(f"{args.runs} rounds, every row once per round; medians, and the median of each "
          "round's ratio to the bare start (lowest-highest); the knowledge base read is the "
          f"bundled one (run from a folder without one); load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<42} {'wall s':>7} {'cpu s':>7} {'x bare (cpu)':>13} {'lowest-highest':>15}")
    for label, found in times.items():
        ratios = [cpu / b[1] for (_, cpu), b in zip(found, bare, strict=True)]
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        print(f"{label:<42} {statistics.median(t[0] for t in found):>7.3f} "
              f"{statistics.median(t[1] for t in found):>7.3f} "
              f"{statistics.median(ratios):>13.2f} {spread:>15}")


if __name__ == "__main__":
    main()
