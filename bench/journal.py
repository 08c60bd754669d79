"""The run journal's cost: ``playbook run`` over a generated portfolio with ``--journal`` against
the same run without it, side by side in one run, at each size asked for.

    nice python bench/journal.py [--clients 10000 100000] [--postgres]

Not a test: prints figures. For each size, the clients come from engine.tools.generate (every
fact known) as JSON Lines: day 1, then day 2 (the next morning, 5% of the clients changed: a
step done, a contact made). Each day is run as a real ``playbook run FILE --out FILE.jsonl``
process without a journal and with one (SQLite by default; ``--postgres`` adds a throwaway
PostgreSQL server, fsync off), the two interleaved; the figures are each process's CPU time
(user + system) and its peak resident memory (``wait4``). Day 1 records everything as new (the
worst case: every to-do an insert and an event); day 2 reads back what it must and writes what
moved. The ratio is with / without; the memory should not grow with the number of clients.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine
from engine.tools.generate import AS_OF, random_clients
from tests.journal.support import new_database, pg_bindir, pg_server

PLAYBOOK = [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())"]


def write_days(kb: engine.KnowledgeBase, n: int, folder: Path) -> tuple[Path, Path]:
    """Day 1's clients and day 2's (5% of them with a step done and a fresh contact)."""
    clients = list(random_clients(kb, n))
    day1, day2 = folder / f"day1-{n}.jsonl", folder / f"day2-{n}.jsonl"
    rng = random.Random(8)
    with day1.open("w", encoding="utf-8") as one, day2.open("w", encoding="utf-8") as two:
        for client in clients:
            one.write(json.dumps(client, ensure_ascii=False, default=str) + "\n")
            if rng.random() < 0.05:
                client = {**client, "last_contact_on": AS_OF.isoformat(),
                          "completed_steps": [*client.get("completed_steps", []),
                                              "briefing"][:40]}
                client["completed_steps"] = list(dict.fromkeys(client["completed_steps"]))
            two.write(json.dumps(client, ensure_ascii=False, default=str) + "\n")
    return day1, day2


def measure(args: list[str]) -> dict[str, float]:
    """CPU seconds, wall seconds and peak memory (MiB) of one playbook process."""
    start = time.perf_counter()
    process = subprocess.Popen([*PLAYBOOK, "run", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parent)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    err = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"playbook {' '.join(args)} failed:\n{err}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
            "rss": usage.ru_maxrss / 1024}


def one_size(n: int, journal: str, folder: Path, kb: engine.KnowledgeBase,
             name: str) -> list[dict[str, Any]]:
    days = write_days(kb, n, folder)
    rows = []
    for number, path in enumerate(days, start=1):
        as_of = (AS_OF + dt.timedelta(days=number - 1)).isoformat()
        common = [str(path), "--as-of", as_of, "--out", str(folder / "out.jsonl"),
                  "--format", "json"]
        plain = measure([*common, "--no-journal"])
        kept = measure([*common, "--journal", journal])
        rows.append({"db": name, "clients": n, "day": number, "plain": plain, "journal": kept})
        show(rows[-1])
    return rows


def show(row: dict[str, Any]) -> None:
    p, j = row["plain"], row["journal"]
    print(f"{row['db']:<10} {row['clients']:>7,} day {row['day']}  CPU {p['cpu']:7.1f} s -> "
          f"{j['cpu']:7.1f} s  x{j['cpu'] / p['cpu']:4.2f}   wall {p['wall']:7.1f} -> "
          f"{j['wall']:7.1f} s   peak memory {p['rss']:6.0f} -> {j['rss']:6.0f} MiB",
          flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", action="store_true",
                        help="also on a throwaway PostgreSQL server (Debian's binaries)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on the way out
    kb = engine.default_kb()
    print(f"kb {kb.version}, python {sys.version.split()[0]}, load "
          f"{os.getloadavg()[0]:.1f}, cpu = user + system of the playbook process")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.clients:
            one_size(n, str(folder / f"journal-{n}.sqlite"), folder, kb, "sqlite")
        if args.postgres and pg_bindir() is not None:
            with pg_server() as server:
                for n in args.clients:
                    one_size(n, new_database(server), folder, kb, "postgresql")
    print(f"(this process's peak memory: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
