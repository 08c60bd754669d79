"""`playbook serve` on loopback, side by side with the engine in-process. Bounded: a fixed number
of requests and events, each phase with a deadline; it stops by itself. The machine may be
shared: run it niced (``nice -n 10 python bench/serve.py``); latencies move with its load, the
CPU figures much less.

    nice -n 10 python bench/serve.py [--requests 1500] [--concurrency 4] [--events 1000]
                                     [--no-postgres]

1. ``POST /v1/recommend``: two servers started side by side, one with 1 uvicorn worker and one
   with 2, and the same client bodies (random clients of the bundled knowledge base) sent in
   interleaved rounds: a round of in-process ``recommend()`` (and of ``recommend()`` plus the
   dry run's JSON, what the service answers), then the same round to each server from
   ``--concurrency`` threads with keep-alive connections. Latency percentiles per request
   (wall, seen by the caller), requests per second, and CPU per request of the server's
   processes (the uvicorn process and its workers, from /proc via psutil) against CPU per client
   in-process: the service's overhead per client.
2. A burst of ``--events`` Bitrix24 webhook events (3 of 4 distinct deals, 1 of 4 a repeat of a
   deal already posted), posted from 8 threads: to one server on a SQLite journal, then
   alternately to two servers sharing one PostgreSQL journal (a throwaway server from Debian's
   binaries, as the tests start it). The deals come from the stand-in CRM of the tests. The
   answer's latency (the CRM waits for it), the time until every event is processed, and the
   check: every distinct change recorded once, nothing failed, nothing twice. The 8 posters
   are processes of their own (forked before anything else starts), each posting its share on
   one keep-alive connection: the CRMs are other machines, and posting threads would wait for
   this process's GIL (held in turns by the stand-in CRM and the other posters), adding their
   own waits to the answer's latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine
from engine.journal import Journal
from engine.render import reporter
from engine.serve.settings import Settings
from engine.tools.generate import AS_OF, random_clients
from tests.journal.support import new_database, pg_server
from tests.serve.standin import StandIn, bitrix_deal, running
from tests.serve.support import FORM, Server, bitrix_form, hook_settings, toml_config

DEADLINE_S = 900.0
POSTERS = 8  # processes posting webhook events at once


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_of(pid: int) -> float:
    """CPU seconds of a process and its children (a uvicorn supervisor and its workers)."""
    process = psutil.Process(pid)
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def post_all(url: str, bodies: Sequence[bytes], concurrency: int,
             headers: dict[str, str] | None = None) -> list[float]:
    """Post each body once from ``concurrency`` threads; each request's wall seconds."""
    local = threading.local()
    deadline = time.monotonic() + DEADLINE_S

    def one(body: bytes) -> float:
        if not hasattr(local, "http"):
            local.http = httpx.Client(timeout=60)
        assert time.monotonic() < deadline, "the bench ran past its deadline"
        started = time.perf_counter()
        answer = local.http.post(url, content=body, headers=headers)
        seconds = time.perf_counter() - started
        assert answer.status_code == 200, answer.text[:300]
        return seconds

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, bodies))


# --- 1. /v1/recommend ------------------------------------------------------------------------

def recommend_part(requests: int, concurrency: int, folder: Path) -> None:
    kb = engine.default_kb()
    clients = list(random_clients(kb, 300, seed=2026, known=0.6))
    bodies = [json.dumps(c, default=str, ensure_ascii=False).encode() for c in clients]
    config = toml_config(folder / "decisions.toml", Settings())
    one, two = Server(config, folder / "w1.log"), Server(config, folder / "w2.log",
                                                        "--workers", "2")
    try:
        one.wait_ready(120)
        two.wait_ready(120)
        url = "/v1/recommend?as_of=" + AS_OF.isoformat()
        for server in (one, two):  # warm-up: every worker's first requests
            post_all(server.url + url, bodies[:100], concurrency)
        rows = measure_rounds(kb, clients, bodies, requests, concurrency,
                              {"1 worker": (one, url), "2 workers": (two, url)})
    finally:
        one.stop()
        two.stop()
    report_recommend(rows, requests, concurrency)


def measure_rounds(kb: Any, clients: list[dict[str, Any]], bodies: list[bytes],
                   requests: int, concurrency: int,
                   servers: dict[str, tuple[Server, str]]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {
        name: {"cpu": 0.0, "latencies": [], "wall": 0.0, "count": 0}
        for name in ("recommend()", "recommend() + JSON", *servers)}
    json_reporter = reporter("json")
    local: dict[str, Callable[[dict[str, Any]], Any]] = {
        "recommend()": lambda c: engine.recommend(c, kb=kb, as_of=AS_OF),
        "recommend() + JSON": lambda c: json_reporter.recommendations(
            [(engine.recommend(c, kb=kb, as_of=AS_OF), None)], kb, "en").out}
    done = 0
    while done < requests:
        size = min(len(bodies), requests - done)
        for name, work in local.items():
            row = rows[name]
            cpu, wall = time.process_time(), time.perf_counter()
            for client in clients[:size]:
                work(client)
            row["cpu"] += time.process_time() - cpu
            row["wall"] += time.perf_counter() - wall
            row["count"] += size
        for name, (server, url) in servers.items():
            row = rows[name]
            cpu, wall = cpu_of(server.process.pid), time.perf_counter()
            row["latencies"] += post_all(server.url + url, bodies[:size], concurrency)
            row["wall"] += time.perf_counter() - wall
            row["cpu"] += cpu_of(server.process.pid) - cpu
            row["count"] += size
        done += size
    return rows


def report_recommend(rows: dict[str, dict[str, Any]], requests: int, concurrency: int) -> None:
    base = rows["recommend()"]["cpu"] / rows["recommend()"]["count"]
    print(f"\nPOST /v1/recommend: {requests} requests per row, {concurrency} client threads, "
          f"interleaved rounds; load average {psutil.getloadavg()[0]:.2f}")
    print(f"{'':22} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'CPU ms/client':>14} "
          f"{'overhead ms':>12} {'x recommend()':>14}")
    for name, row in rows.items():
        cpu = row["cpu"] / row["count"]
        latencies = row["latencies"]
        p50 = f"{percentile(latencies, 50) * 1000:8.2f}" if latencies else f"{'':8}"
        p99 = f"{percentile(latencies, 99) * 1000:8.2f}" if latencies else f"{'':8}"
        rate = row["count"] / row["wall"]
        print(f"{name:22} {p50} {p99} {rate:8.0f} {cpu * 1000:14.3f} "
              f"{(cpu - base) * 1000:12.3f} {cpu / base:14.1f}")


# --- 2. webhook bursts -----------------------------------------------------------------------

def burst_bodies(events: int) -> tuple[list[bytes], int]:
    """``events`` bodies: 3 of 4 distinct deals, 1 of 4 a repeat; the distinct count."""
    distinct = events * 3 // 4
    ids = list(range(10_000, 10_000 + distinct))
    rng = random.Random(7)
    order = ids + [rng.choice(ids) for _ in range(events - distinct)]
    rng.shuffle(order)
    return [bitrix_form(i) for i in order], distinct


def fill(crm: StandIn, count: int) -> None:
    modified = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    for deal_id in range(10_000, 10_000 + count):
        crm.deals[str(deal_id)] = bitrix_deal(deal_id, title=f"Сделка {deal_id}",
                                              modified=modified, fields={
                                                  "UF_CRM_PROJECT_TYPE": "Лидогенерация",
                                                  "UF_CRM_STEPS": ["Квалификация", "Бриф"],
                                                  "UF_CRM_NPS": str(deal_id % 11)})


def post_share(url: str, bodies: list[bytes]) -> list[float]:
    """In a poster process: each body posted in turn on one keep-alive connection; each
    answer's wall seconds."""
    latencies = []
    with httpx.Client(timeout=60) as http:
        for body in bodies:
            started = time.perf_counter()
            answer = http.post(url, content=body, headers=FORM)
            latencies.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text[:300]
    return latencies


def burst(name: str, journal_url: str, events: int, servers: int, folder: Path,
          posters: Pool) -> None:
    bodies, distinct = burst_bodies(events)
    with running() as crm:
        fill(crm, distinct)
        config = toml_config(folder / f"{name}.toml", hook_settings(
            crm, journal_url, poll_seconds=0.2, lease_seconds=60.0))
        started = [Server(config, folder / f"{name}-{i}.log") for i in range(servers)]
        try:
            for server in started:
                server.wait_ready(120)
            with Journal(journal_url) as journal:
                report_burst(name, journal, started, bodies, distinct, posters)
        finally:
            for server in started:
                server.stop()


def report_burst(name: str, journal: Journal, servers: list[Server], bodies: list[bytes],
                 distinct: int, posters: Pool) -> None:
    urls = [f"{s.url}/hooks/bitrix24" for s in servers]
    latencies: list[float] = []
    began = time.perf_counter()
    for i, url in enumerate(urls):
        share = bodies[i::len(urls)]
        for some in posters.starmap(post_share, [(url, share[k::POSTERS])
                                                 for k in range(POSTERS)], chunksize=1):
            latencies += some
    posted = time.perf_counter() - began
    deadline = time.monotonic() + DEADLINE_S
    while (counts := journal.hooks.counts())["pending"] + counts["claimed"]:
        assert time.monotonic() < deadline, f"not processed in time: {counts}"
        time.sleep(0.2)
    processed = time.perf_counter() - began
    with journal.db.connect() as conn:
        recorded = conn.execute(text("SELECT count(*) FROM hook_records")).scalar_one()
        clients = conn.execute(text("SELECT count(*) FROM run_clients")).scalar_one()
        unique = conn.execute(text("SELECT count(DISTINCT client_id) FROM run_clients")
                              ).scalar_one()
    ok = (recorded == clients == unique == counts["done"] == distinct and not counts["failed"]
          and counts["done"] + counts["duplicate"] + counts["coalesced"] == len(bodies))
    print(f"\nburst, {name}: {len(bodies)} events ({distinct} distinct deals) to "
          f"{len(servers)} server(s); load average {psutil.getloadavg()[0]:.2f}")
    print(f"  answer: p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 "
          f"{percentile(latencies, 99) * 1000:.1f} ms, p99.9 "
          f"{percentile(latencies, 99.9) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms "
          f"({sum(t > 0.1 for t in latencies)} over 100 ms); all posted in {posted:.1f} s "
          f"from {POSTERS} processes")
    print(f"  processed in {processed:.1f} s ({len(bodies) / processed:.0f} events/s, "
          f"{distinct / processed:.0f} recorded/s): {counts['done']} done, "
          f"{counts['duplicate']} duplicate, {counts['coalesced']} coalesced, "
          f"{counts['failed']} failed")
    print(f"  recorded: {recorded} changes, {clients} one-client runs, {unique} clients: "
          f"{'all recorded once' if ok else 'MISMATCH'}")
    assert ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    # forked first, while this process has no other thread
    with multiprocessing.get_context("fork").Pool(POSTERS) as posters, \
            tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        folder = Path(tmp)
        if args.requests:
            recommend_part(args.requests, args.concurrency, folder)
        if args.events:
            burst("SQLite", str(folder / "journal.db"), args.events, 1, folder, posters)
            if not args.no_postgres:
                with pg_server() as server:
                    burst("PostgreSQL", new_database(server), args.events, 2, folder,
                          posters)


if __name__ == "__main__":
    main()
