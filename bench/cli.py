"""How long the `playbook` command takes, as seconds and as ratios to a bare Python start
(`python -c 'import pydantic, yaml'`), measured side by side in one run.

    python bench/cli.py [--runs N]

Each row runs the real command in a fresh process, N times (default 7), and reports the median
wall-clock time and the median CPU time (user + system) of the process: on a busy machine the
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


def median(argv: list[str], cache: str | None, runs: int, work: Path) -> tuple[float, float]:
    times = []
    warm = work / "warm"
    if cache == "warm":
        once(argv, warm)  # fill it
    for i in range(runs):
        folder = work / f"cold-{len(argv)}-{i}" if cache == "cold" else warm
        times.append(once(argv, folder))
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for _, argv, _ in ROWS:  # compile the bytecode of every module a row imports
            once(argv, Path(work) / "first")
        results = [(label, median(argv, cache, args.runs, Path(work)))
                   for label, argv, cache in ROWS]
    wall0, cpu0 = results[0][1]
    print(f"median of {args.runs} runs each; the knowledge base read is the bundled one "
          f"(run from a folder without one); load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<42} {'wall s':>7} {'x bare':>7} {'cpu s':>7} {'x bare':>7}")
    for label, (wall, cpu) in results:
        print(f"{label:<42} {wall:>7.3f} {wall / wall0:>7.2f} {cpu:>7.3f} {cpu / cpu0:>7.2f}")


if __name__ == "__main__":
    main()
