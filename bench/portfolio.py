"""Portfolio runs side by side: the in-process loop, --workers 1, --workers 2 and Dask
LocalClusters of 1 and 2 workers, then the peak memory of `playbook run` as the number of
clients grows.

    python bench/portfolio.py [--clients 100000] [--rss 100000,1000000] [--no-dask]
                              [--command 20000] [--rounds 5] [--roots DIR,DIR]

``--clients 0`` skips the throughput part, ``--rss ''`` the memory part, ``--command 0`` the
command-against-the-loop part.

Not a test: prints figures. Clients are random clients of the bundled knowledge base (each
optional fact known with probability 0.6, engine.tools.generate), passed as plain dicts.

1. Throughput, one run each on the same clients: ``engine.recommend`` in a plain loop (the
   baseline), ``engine.recommend_many`` with workers=1 and workers=2, and
   ``engine.dask.recommend_many`` on LocalClusters of 1 and of 2 worker processes (1 thread
   each; started before the clock; the 1-worker row shows what Dask itself costs, the 2-worker
   row adds three busy processes sharing two cores), after a warm-up on 5,000 of them.
   Clients/s, CPU per client, and the overhead per client against the loop. The machine may
   be shared: wall-clock rates move with its load (printed), so the comparison is made on CPU
   seconds of every process involved (this one, a pool's workers, the Dask workers; a
   LocalCluster's scheduler runs in this process and is counted).
2. The command against the loop: ``playbook run clients.jsonl --workers 1 --out out.jsonl``
   beside a plain loop over the same JSON Lines file in a fresh interpreter (``json.loads``
   and ``engine.recommend`` per line, each result dropped), both with the knowledge base
   compiled and cached beforehand and loaded from the cache; the CPU seconds of each process,
   rounds interleaved (``--rounds``), and the command's ratio to the loop in each round
   (median, lowest-highest); and the bytes per client the command wrote. ``--roots`` runs the
   same rows for other checkouts of the engine (say, before and after a change), in the same
   rounds.
3. Memory: ``playbook run clients.jsonl --out null.jsonl --workers W`` on JSON Lines files of
   each --rss size; the peak resident memory of the whole process tree (the command and its
   workers, sampled every 50 ms from /proc) and of the command's own process. Streaming means
   these do not grow with the number of clients.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine
from engine.tools.generate import AS_OF, random_clients

PLAYBOOK = str(Path(sys.executable).parent / "playbook")


def clients(count: int) -> Iterable[dict[str, Any]]:
    return random_clients(engine.default_kb(), count, seed=2026, known=0.6)


def cpu_seconds(dask_client: Any = None) -> float:
    """CPU time of this process, its finished children (a pool's workers, once shut down) and
    the Dask workers: under a shared machine's load, the fair measure of work done."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = time.process_time() + children.ru_utime + children.ru_stime
    if dask_client is not None:
        total += sum(dask_client.run(time.process_time).values())
    return total


def timed(run: Callable[[], int], dask_client: Any = None) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), cpu_seconds(dask_client)
    count = run()
    return time.perf_counter() - wall, cpu_seconds(dask_client) - cpu, count


def loop(given: list[dict[str, Any]], kb: engine.KnowledgeBase) -> int:
    """The baseline: recommend() one client after another, each result dropped as it comes
    (as every other path here drops it: holding them all would make the GC the cost)."""
    count = 0
    for client in given:
        engine.recommend(client, kb=kb, as_of=AS_OF)
        count += 1
    return count


def throughput(count: int, dask: bool) -> None:
    kb = engine.default_kb()
    given = list(clients(count))
    paths: dict[str, Callable[[], int]] = {
        "in-process loop (engine.recommend)": lambda: loop(given, kb),
        "recommend_many, workers=1": lambda: sum(
            1 for o in engine.recommend_many(given, kb=kb, as_of=AS_OF) if o.recommendation),
        "recommend_many, workers=2": lambda: sum(
            1 for o in engine.recommend_many(given, kb=kb, as_of=AS_OF, workers=2)
            if o.recommendation),
    }
    clusters = {n: found for n in (1, 2) if dask and (found := _cluster(n)) is not None}
    for n, (_, client) in clusters.items():
        paths[f"Dask LocalCluster, {n} worker process{'es' if n > 1 else ''}"] = (
            functools.partial(_on_dask, given, kb, client))
    for c in given[:5000]:  # warm up: the knowledge base's caches, the allocator
        engine.recommend(c, kb=kb, as_of=AS_OF)
    print(f"## Throughput: {count:,} clients (load average {_load()})\n")
    print("| path | clients/s (wall) | CPU per client (all processes) | "
          "CPU overhead per client vs the loop |")
    print("|---|---:|---:|---:|")
    base = 0.0
    for label, run in paths.items():
        dask_client = next((c for n, (_, c) in clusters.items() if f"{n} worker" in label), None)
        wall, cpu, done = timed(run, dask_client)
        assert done == count, (label, done)
        base = base or cpu
        print(f"| {label} | {count / wall:,.0f} | {cpu / count * 1e6:.1f} us | "
              f"{(cpu - base) / count * 1e6:+.1f} us ({cpu / base:.2f}x) |", flush=True)
    for cluster, client in clusters.values():
        client.close()
        cluster.close()
    print(f"\n(load average at the end: {_load()})\n")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _on_dask(given: list[dict[str, Any]], kb: engine.KnowledgeBase, client: Any) -> int:
    from engine.dask import recommend_many as on_dask

    return sum(1 for o in on_dask(given, kb=kb, as_of=AS_OF, client=client) if o.recommendation)


def _cluster(workers: int) -> tuple[Any, Any] | None:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("(no Dask: install the 'dask' extra)")
        return None
    started = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1,  # type: ignore[no-untyped-call]
                           processes=True, dashboard_address=":0")
    client = Client(cluster)  # type: ignore[no-untyped-call]
    print(f"(Dask LocalCluster of {workers} started in {time.perf_counter() - started:.1f} s, "
          f"not counted)\n")
    return cluster, client


def tree_rss(pid: int) -> tuple[int, int]:
    """Resident memory (kB) of a process and its descendants, and of the process alone."""
    own = total = _rss(pid)
    for child in _children(pid):
        total += tree_rss(child)[0]
    return total, own


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def write_clients(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for client in clients(count):
            out.write(json.dumps(client, default=str) + "\n")


def peak_memory(path: Path, count: int, workers: int) -> None:
    null = path.with_name("null.jsonl")  # JSON Lines thrown away
    if not null.exists():
        null.symlink_to(os.devnull)
    command = [PLAYBOOK, "run", str(path), "--out", str(null), "--as-of", AS_OF.isoformat(),
               "--workers", str(workers), "--format", "json"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak_tree = peak_own = 0
    while process.poll() is None:
        tree, own = tree_rss(process.pid)
        peak_tree, peak_own = max(peak_tree, tree), max(peak_own, own)
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    assert process.stdout is not None
    summary = json.loads(process.stdout.read())
    assert summary["clients_read"] == count, summary
    print(f"| {count:,} | {workers} | {count / seconds:,.0f} | {peak_tree / 1024:.0f} MB | "
          f"{peak_own / 1024:.0f} MB |", flush=True)


def memory(sizes: list[int]) -> None:
    print("## Peak memory of `playbook run FILE.jsonl --out null.jsonl`\n")
    print("| clients | workers | clients/s (whole command) | peak RSS, process tree | "
          "peak RSS, the command |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            path = Path(folder) / f"clients-{count}.jsonl"
            write_clients(path, count)
            for workers in (1, 2):
                peak_memory(path, count, workers)
            path.unlink()
    print()


LOOP = """import datetime, json, sys
import engine
kb = engine.load(cache=True)
day = datetime.date.fromisoformat(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        engine.recommend(json.loads(line), kb=kb, as_of=day)
"""


def child_cpu(argv: list[str], root: Path, cache: Path) -> float:
    """CPU seconds (user + system) of one run of ``argv`` with ``root``'s engine."""
    env = {**os.environ, "PYTHONPATH": str(root), "XDG_CACHE_HOME": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def command_vs_loop(count: int, rounds: int, roots: list[Path]) -> None:
    """`playbook run --workers 1` against a plain loop over the same JSON Lines."""
    print(f"## `playbook run --workers 1` against the loop: {count:,} clients, {rounds} rounds "
          f"(load average {_load()})\n")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "clients.jsonl"
        write_clients(path, count)
        day = AS_OF.isoformat()
        rows: dict[str, tuple[list[str], Path]] = {}
        for n, root in enumerate(roots):
            name = "" if len(roots) == 1 else f" ({root})"
            rows[f"loop: json.loads + engine.recommend{name}"] = (
                [sys.executable, "-c", LOOP, str(path), day], root)
            rows[f"playbook run --workers 1{name}"] = (
                [sys.executable, "-m", "engine", "run", str(path), "--workers", "1", "--out",
                 str(work / f"out{n}.jsonl"), "--as-of", day, "--format", "json"], root)
        for argv, root in rows.values():  # fill each engine's cache, compile the bytecode
            child_cpu(argv, root, work / f"cache-{root.name}")
        cpu: dict[str, list[float]] = {label: [] for label in rows}
        for _ in range(rounds):
            for label, (argv, root) in rows.items():
                cpu[label].append(child_cpu(argv, root, work / f"cache-{root.name}"))
        print("| row | CPU s (median) | x the loop (median) | x the loop (lowest-highest) | "
              "bytes per client |")
        print("|---|---:|---:|---:|---:|")
        labels = list(rows)
        for i in range(0, len(labels), 2):
            loop_label, run_label = labels[i], labels[i + 1]
            written = (work / f"out{i // 2}.jsonl").stat().st_size / count
            for label, size in ((loop_label, "-"), (run_label, f"{written:,.0f}")):
                ratios = [c / b for c, b in zip(cpu[label], cpu[loop_label], strict=True)]
                print(f"| {label} | {statistics.median(cpu[label]):.2f} | "
                      f"{statistics.median(ratios):.2f}x | {min(ratios):.2f}-{max(ratios):.2f}x | "
                      f"{size} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--rss", default="100000,1000000",
                        help="client counts for the memory runs, comma-separated")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--command", type=int, default=20_000,
                        help="clients of the command-against-the-loop rows (0: skip them)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--roots", default=str(Path(__file__).resolve().parents[1]),
                        help="checkouts of the engine to run those rows with, comma-separated")
    args = parser.parse_args()
    if args.command:
        command_vs_loop(args.command, args.rounds,
                        [Path(r).resolve() for r in args.roots.split(",")])
    if args.clients:
        throughput(args.clients, not args.no_dask)
    sizes = [int(n) for n in args.rss.split(",") if n]
    if sizes:
        memory(sizes)


if __name__ == "__main__":
    main()
