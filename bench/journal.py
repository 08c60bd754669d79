"""The run journal's cost: a portfolio recorded on SQLite and on PostgreSQL, against the same
run without a journal, side by side in one run.

    python bench/journal.py [--clients 100000] [--days 2]

Not a test: prints figures. The clients come from engine.tools.generate (every fact known),
validated up front (``Client`` objects, as a nightly job holding them would). For each day,
the run without a journal is recommend() over every client; the run with a journal is the
same loop streamed into ``Journal.record`` (batches of 500 clients, one transaction each). Day 1
records everything as new (the worst case: every piece of advice an insert and an event); day 2
is the next morning over the same facts (most advice unchanged, some new and resolved). The
PostgreSQL server is a throwaway one on 127.0.0.1 started from Debian's binaries, fsync off
(as in tests/journal_support.py); SQLite runs in WAL mode with synchronous=NORMAL, as the
journal always opens it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine
from engine import journal
from engine.tools.generate import AS_OF, random_clients
from tests.journal.support import new_database, pg_bindir, pg_server


def plain(clients: list[engine.Client], kb: engine.KnowledgeBase, day: dt.date) -> float:
    start = time.perf_counter()
    for client in clients:
        engine.recommend(client, kb=kb, as_of=day)
    return time.perf_counter() - start


def recorded(target: str, clients: list[engine.Client], kb: engine.KnowledgeBase,
             day: dt.date, digest: str) -> tuple[float, journal.RunSummary]:
    with journal.open(target) as j:
        start = time.perf_counter()
        summary = j.record(((c, engine.recommend(c, kb=kb, as_of=day)) for c in clients),
                           as_of=day, kb_version=kb.version, input_digest=digest,
                           policy=kb.journal)
        return time.perf_counter() - start, summary


def measure(name: str, target: str, clients: list[engine.Client], kb: engine.KnowledgeBase,
            days: int) -> None:
    digest = journal.input_digest(clients)
    for n in range(days):
        day = AS_OF + dt.timedelta(days=n)
        base = plain(clients, kb, day)
        took, summary = recorded(target, clients, kb, day, digest)
        t = summary.total
        print(f"{name:<10} day {n + 1}  without {base:7.1f} s  with {took:7.1f} s  "
              f"x{took / base:5.2f}  {len(clients) / took:8,.0f} clients/s   "
              f"+{t.new} ~{t.changed} -{t.resolved} ={t.unchanged}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=2)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on the way out
    kb = engine.default_kb()
    clients = [engine.Client.model_validate(c) for c in random_clients(kb, args.clients)]
    actions = sum(len(engine.recommend(c, kb=kb, as_of=AS_OF).actions) for c in clients[:2000])
    print(f"{args.clients:,} clients, {actions / min(2000, len(clients)):.1f} actions/client, "
          f"kb {kb.version}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", str(Path(tmp) / "journal.db"), clients, kb, args.days)
        size = os.path.getsize(Path(tmp) / "journal.db") + _wal(Path(tmp))
        print(f"sqlite     file {size / 2**20:,.0f} MiB after {args.days} day(s)")
    if pg_bindir() is None:
        print("postgresql skipped: no PostgreSQL binaries (apt-get install postgresql)")
        return
    with pg_server() as server:
        measure("postgresql", new_database(server), clients, kb, args.days)


def _wal(folder: Path) -> int:
    wal = folder / "journal.db-wal"
    return wal.stat().st_size if wal.exists() else 0


if __name__ == "__main__":
    main()
