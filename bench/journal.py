"""The run journal's cost: ``playbook run`` over a generated portfolio with ``--journal`` against
the same run without it, side by side in one run, at each size asked for.

    nice python bench/journal.py [--clients 10000 100000] [--postgres-clients 10000] [--repeat 2]

Not a test: prints figures. For each size, the clients come from engine.tools.generate (every
fact known) as JSON Lines: day 1, then day 2 (the next morning, 5% of the clients changed: a
step done, a contact made). Each day is run as a real ``playbook run FILE --out FILE.jsonl``
process without a journal and with one, the two interleaved: on SQLite at every size, and on a
throwaway PostgreSQL server (Debian's binaries, as the tests start it; fsync off) at the sizes of
``--postgres-clients`` (none: ``--postgres-clients`` with no size; no binaries or driver: the
row says why it is skipped). The figures are each process's CPU time (user + system) and its
peak resident memory (its own VmHWM); on PostgreSQL, the server's CPU time for the run (its
processes', read from /proc) is added to the journal's side and shown apart. Day 1 records
everything as new (the worst case: every to-do an insert and an event); day 2 reads back what it
must and writes what moved. The ratio is with / without; the memory should not grow with the
number of clients. The table at the end is the one docs/performance.md shows.
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

# the command, then its peak memory (VmHWM: the process's own, not the bench's it was forked from)
PLAYBOOK = [sys.executable, "-c", "import os, sys\nfrom engine.cli import main\ntry:\n"
            "    code = main()\nfinally:\n    status = open('/proc/self/status').read()\n"
            "    open(os.environ['BENCH_PEAK'], 'w').write(status.split('VmHWM:')[1].split()[0])\n"
            "sys.exit(code)"]


def write_days(kb: engine.KnowledgeBase, n: int, folder: Path) -> tuple[Path, Path]:
    """Day 1's clients and day 2's (5% of them with a step done and a fresh contact)."""
    clients = random_clients(kb, n)  # streamed: the bench stays small
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


def measure(args: list[str], server: int | None = None) -> dict[str, float]:
    """CPU seconds, wall seconds and peak memory (MiB, its VmHWM) of one playbook process; with the
    process id of a PostgreSQL server, the CPU seconds it spent meanwhile (``server``)."""
    before = server_cpu(server)
    start = time.perf_counter()
    peak = Path(tempfile.mkstemp(prefix="bench-peak-")[1])
    process = subprocess.Popen([*PLAYBOOK, "run", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parent,
                               env={**os.environ, "BENCH_PEAK": str(peak)})
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    err = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"playbook {' '.join(args)} failed:\n{err}")
    time.sleep(0.2 if server else 0)  # the server reaps the run's backend
    rss = int(peak.read_text() or 0) / 1024
    peak.unlink()
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rss": rss,
            "server": server_cpu(server) - before}


def server_cpu(pid: int | None) -> float:
    """CPU seconds of a PostgreSQL server: the postmaster's own and its reaped children's, and
    its living children's (/proc; 0 without a server)."""
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")

    def times(p: int, reaped: bool) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0  # gone meanwhile: counted in its parent's reaped children
        return sum(int(f) for f in fields[11:15 if reaped else 13]) / tick

    children = [int(d.name) for d in Path("/proc").iterdir() if d.name.isdigit()
                and _parent(int(d.name)) == pid]
    return times(pid, True) + sum(times(c, False) for c in children)


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def postmaster(url: str) -> int | None:
    """The process id of the server listening at ``url``'s port."""
    port = url.rsplit(":", 1)[1].split("/")[0]
    for d in Path("/proc").iterdir():
        try:
            words = (d / "cmdline").read_bytes().split(b"\0") if d.name.isdigit() else []
        except OSError:
            continue
        if words and words[0].endswith(b"postgres") and port.encode() in words:
            return int(d.name)
    return None


def one_size(n: int, journals: list[str], folder: Path, kb: engine.KnowledgeBase,
             name: str, server: int | None = None) -> list[dict[str, Any]]:
    """Each day without and with a journal, once per journal (a sample each: the same day
    again into one journal would find it recorded), interleaved; the least CPU time of each."""
    days = write_days(kb, n, folder)
    rows = []
    for number, path in enumerate(days, start=1):
        as_of = (AS_OF + dt.timedelta(days=number - 1)).isoformat()
        common = [str(path), "--as-of", as_of, "--out", str(folder / "out.jsonl"),
                  "--format", "json"]
        plains, kepts = [], []
        for journal in journals:
            plains.append(measure([*common, "--no-journal"]))
            kepts.append(measure([*common, "--journal", journal], server))
        plain, kept = least(plains), least(kepts)
        rows.append({"db": name, "clients": n, "day": number, "plain": plain, "journal": kept})
        show(rows[-1])
    return rows


def least(samples: list[dict[str, float]]) -> dict[str, float]:
    """The sample of least CPU time: other processes on the machine only ever add to it."""
    return min(samples, key=lambda s: s["cpu"] + s["server"])


def show(row: dict[str, Any]) -> None:
    p, j = row["plain"], row["journal"]
    cpu = j["cpu"] + j["server"]
    server = f" (server {j['server']:.1f} s)" if j["server"] else ""
    print(f"{row['db']:<10} {row['clients']:>7,} day {row['day']}  CPU {p['cpu']:7.1f} s -> "
          f"{cpu:7.1f} s{server}  x{cpu / p['cpu']:4.2f}   wall {p['wall']:7.1f} -> "
          f"{j['wall']:7.1f} s   peak memory {p['rss']:6.0f} -> {j['rss']:6.0f} MiB",
          flush=True)


def table(rows: list[dict[str, Any]], skipped: list[str]) -> str:
    """The figures as a markdown table."""
    lines = ["| journal | clients | day | CPU without | CPU with | ratio | peak memory without "
             "| peak memory with |", "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for row in rows:
        p, j = row["plain"], row["journal"]
        cpu = j["cpu"] + j["server"]
        server = f" (server {j['server']:.1f} s)" if j["server"] else ""
        lines.append(f"| {row['db']} | {row['clients']:,} | {row['day']} | {p['cpu']:.1f} s | "
                     f"{cpu:.1f} s{server} | {cpu / p['cpu']:.2f}x | {p['rss']:.0f} MiB | "
                     f"{j['rss']:.0f} MiB |")
    lines += [f"| postgresql | | | skipped: {why} | | | | |" for why in skipped]
    return "\n".join(lines)


def postgres_missing() -> str | None:
    """Why the PostgreSQL rows cannot be measured here, or None."""
    if pg_bindir() is None:
        return "no PostgreSQL binaries (initdb, pg_ctl): apt-get install postgresql"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "no PostgreSQL driver: pip install 'playbook-engine[postgres]'"
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres-clients", type=int, nargs="*", default=None,
                        help="the sizes also run on a throwaway PostgreSQL server (default: "
                             "the smallest of --clients; none: no PostgreSQL rows)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="samples of each process, interleaved; the least CPU time is "
                             "shown (the machine's other work only adds to it)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on the way out
    kb = engine.default_kb()
    print(f"kb {kb.version}, python {sys.version.split()[0]}, load "
          f"{os.getloadavg()[0]:.1f}, cpu = user + system of the playbook process")
    on_postgres = [min(args.clients)] if args.postgres_clients is None \
        else args.postgres_clients
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.clients:
            rows += one_size(n, [str(folder / f"journal-{n}-{i}.sqlite")
                                 for i in range(args.repeat)], folder, kb, "sqlite")
        missing = postgres_missing() if on_postgres else None
        if missing:
            skipped.append(missing)
            print(f"postgresql skipped: {missing}")
        elif on_postgres:
            with pg_server() as server:
                for n in on_postgres:
                    rows += one_size(n, [new_database(server) for _ in range(args.repeat)],
                                     folder, kb, "postgresql", postmaster(server))
    print(f"(this process's peak memory: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)\n")
    print(table(rows, skipped))


if __name__ == "__main__":
    main()
