"""Recording a run: each batch of clients in one transaction (their facts, what the run
recommended, the new state of their advice and the events), the run marked complete at the end.

A run killed midway keeps the clients it committed and stays incomplete; recording the same
run again (same as_of, kb_version and input digest) skips the clients already recorded and
completes it; a run already complete adds nothing. Memory does not grow with the portfolio:
nothing about a client outlives its batch but a bounded sample of the clients whose advice
moved (the rest is in ``run_clients``). A client whose decisions are those of its previous run
(clients.decision) is recorded without reading its advice back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from engine.bounds import MAX_ID_LENGTH
from engine.errors import quoted
from engine.journal.database import fail
from engine.journal.duties import Policy
from engine.journal.lock import WAIT_S, run_lock
from engine.journal.policy import Counts, Decided, Row, RunStep, apply, fingerprint
from engine.journal.records import ClientSummary, RunInfo, RunSummary
from engine.journal.tables import clients, run_clients, runs
from engine.journal.writes import BatchWrites, facts_json, write
from engine.models import Client, Recommendation

BATCH = 1000
SHOWN = 50  # clients with a change a run's summary names; the rest are counted
Facts = Client | Mapping[str, Any]
Pair = tuple[Facts, Recommendation]


def input_digest(clients: Iterable[Facts]) -> str:
    """A digest of a portfolio's facts, in order: the same input, the same digest."""
    digest = hashlib.sha256()
    for facts in clients:
        digest.update(facts_json(facts).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:32]


def files_digest(paths: Iterable[str | os.PathLike[str]]) -> str:
    """A digest of the bytes of input files (a CRM export and its mapping), in order: the same
    files, the same run. Read in blocks, never whole."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class _Tally:
    """The run's totals and a bounded sample of the clients whose advice moved."""

    def __init__(self) -> None:
        self.total, self.clients, self.moved = Counts(), 0, 0
        self.shown: list[ClientSummary] = []

    def add(self, rec: Recommendation, counts: Counts) -> None:
        self.total += counts
        self.clients += 1
        if counts.new + counts.changed + counts.resolved:
            self.moved += 1
            if len(self.shown) < SHOWN:
                self.shown.append(ClientSummary(client_id=rec.client_id, counts=counts,
                                                client_name=rec.client_name))


def record(db: Engine, where: str, pairs: Iterable[Pair], info: RunInfo, policy: Policy,
           batch_size: int = BATCH, wait: float = WAIT_S) -> RunSummary:
    tally = _Tally()
    with _collected_per_batch(), run_lock(db, where, wait):
        run_id, complete, resumed = _start(db, info)
        step = RunStep(run_id, info.as_of, policy, now())
        position = 0
        it = iter(pairs)
        while batch := list(islice(it, batch_size)):
            _check_unique([rec.client_id for _, rec in batch], set(), where)
            if complete:
                counts = {rec.client_id: Counts(unchanged=_tracked(rec, policy))
                          for _, rec in batch}
            else:
                counts = _record_batch(db, where, batch, position, step, resumed)
            for _, rec in batch:
                tally.add(rec, counts[rec.client_id])
            position += len(batch)
            del batch, counts, rec  # the batch is freed before its cycles are collected
            _collect()
        if not complete:
            _finish(db, run_id, tally.clients)
    return RunSummary(run_id=run_id, as_of=info.as_of, kb_version=info.kb_version,
                      input_digest=info.input_digest, repeat=complete, clients=tally.clients,
                      moved=tally.moved, shown=tuple(tally.shown), total=tally.total)


@contextlib.contextmanager
def _collected_per_batch() -> Iterator[None]:
    """While a run records, Python's cycle collector runs once per batch (``_collect``), not
    every few hundred objects: a batch's clients and rows live until it is written, and the
    collector would go over them (and everything older) again and again. What lived before
    the run (modules, the knowledge base) is left out of it (gc.freeze). Restored after."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _collect() -> None:
    """The cycles a batch left: memory stays flat. The objects made since the last batch are
    looked at (the younger generations), not the older ones again."""
    gc.collect(1)


def _tracked(rec: Recommendation, policy: Policy) -> int:
    return sum(policy.role(a.kind, a.rules) != "guide" for a in rec.actions)


def _check_unique(ids: list[str], seen: set[str], where: str) -> None:
    for client_id in ids:
        if len(client_id) > MAX_ID_LENGTH:
            raise fail("bad-client-id", f"client id {quoted(client_id)} is longer than "
                       f"{MAX_ID_LENGTH} characters", where,
                       expected=f"a client id of at most {MAX_ID_LENGTH} characters")
        if client_id in seen:
            raise fail("duplicate-client", f"client '{client_id}' appears twice in the run",
                       where, expected="each client once per run")
        seen.add(client_id)


def _start(db: Engine, info: RunInfo) -> tuple[int, bool, bool]:
    """The run's id, whether it is complete, and whether it was begun before (resumed)."""
    key = (runs.c.as_of == info.as_of) & (runs.c.kb_version == info.kb_version) & (
        runs.c.input_digest == info.input_digest)
    with db.begin() as conn:
        found = conn.execute(select(runs.c.id, runs.c.complete).where(key)).first()
        if found is None:
            run_id = conn.execute(insert(runs).values(
                as_of=info.as_of, kb_version=info.kb_version, input_digest=info.input_digest,
                started_at=now(), complete=False, lang=info.lang).returning(runs.c.id)
            ).scalar_one()
            return run_id, False, False
        return found.id, bool(found.complete), True


def _record_batch(db: Engine, where: str, batch: list[Pair], position: int, step: RunStep,
                  resumed: bool) -> dict[str, Counts]:
    ids = [rec.client_id for _, rec in batch]
    try:
        with db.begin() as conn:
            done = _recorded(conn, step.run_id, ids) if resumed else {}
            known = _known(conn, ids)
            todo = [(position + i, f, r) for i, (f, r) in enumerate(batch)
                    if r.client_id not in done]
            out = BatchWrites(step)
            surveys = [surveyed(r, _project_type(f), step) for _, f, r in todo]
            slow = [r.client_id for (_, _, r), (d, decision, texts)
                    in zip(todo, surveys, strict=True)
                    if not _settled(known.get(r.client_id), r, d, decision, texts, step, out)]
            existing = out.existing(conn, slow)
            for (at, facts, rec), (known_, _, _) in zip(todo, surveys, strict=True):
                if rec.client_id in existing:
                    out.apply(rec.client_id, apply(rec.client_id, _project_type(facts),
                                                   rec.actions, existing[rec.client_id], step,
                                                   known_))
                out.client(at, facts, rec, known_)
            write(conn, out)
            return {**done, **out.counts}
    except (IntegrityError, db.dialect.loaded_dbapi.IntegrityError):
        twice = _twice(db, where, step.run_id, ids)
        if twice is None:
            raise  # not a client twice: the database's own error
        raise twice from None


def _twice(db: Engine, where: str, run_id: int, ids: list[str]) -> Exception | None:
    """A client of this batch that an earlier batch of the run recorded: it is in the input
    twice (each batch is checked on its own; the run's clients are not held in memory)."""
    with db.connect() as conn:
        found = set(conn.execute(select(run_clients.c.client_id).where(
            run_clients.c.run_id == run_id, run_clients.c.client_id.in_(ids))).scalars())
    client_id = next((i for i in ids if i in found), None)
    return None if client_id is None else fail(
        "duplicate-client", f"client '{client_id}' appears twice in the run", where,
        expected="each client once per run")


def _recorded(conn: Connection, run_id: int, ids: list[str]) -> dict[str, Counts]:
    """The clients of this batch that the run recorded before it was stopped."""
    rows = conn.execute(select(
        run_clients.c.client_id, run_clients.c.new, run_clients.c.changed,
        run_clients.c.resolved, run_clients.c.unchanged).where(
        run_clients.c.run_id == run_id, run_clients.c.client_id.in_(ids)))
    return {r[0]: Counts(*r[1:]) for r in rows}


def _known(conn: Connection, ids: list[str]) -> dict[str, Row]:
    rows = conn.execute(select(clients.c.client_id, clients.c.decision, clients.c.texts,
                               clients.c.wake_on).where(clients.c.client_id.in_(ids)))
    return {r.client_id: r._asdict() for r in rows}


def _project_type(facts: Facts) -> str | None:
    value = facts.project_type if isinstance(facts, Client) else facts.get("project_type")
    return None if value is None else str(value)


def surveyed(rec: Recommendation, project_type: str | None, step: RunStep
             ) -> tuple[list[Decided], str, str]:
    """Each action's decision (``RunStep.decided``: worked out once per run, advice repeats
    across a portfolio), a digest of the recommendation's decisions (kind, id, priority band,
    rules, what a step waits for), and a checksum of each tracked advice's texts (``kind
    id=crc`` lines): in one pass over the actions."""
    decide, crc32 = step.decided, zlib.crc32
    decided = []
    lines = [f"{project_type}"]
    texts = []
    for a in rec.actions:
        known = decide(a)
        decided.append(known)
        lines.append(known.line)
        if known.role != "guide":
            crc = crc32(f"{a.title}\0{a.reason}{known.tail}".encode())
            texts.append(f"{known.label}{crc:x}")
    return (decided, hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32],
            "\n".join(texts))


def _settled(found: Row | None, rec: Recommendation, decided: list[Decided], decision: str,
             texts: str, step: RunStep, out: BatchWrites) -> bool:
    """Whether the client's decisions are its previous run's and nothing wakes today: then its
    advice is not read back; only the texts that moved (a day count) are written."""
    out.digests[rec.client_id] = (decision, texts)
    if found is None or found["decision"] != decision or (
            found["wake_on"] is not None and found["wake_on"] <= step.as_of):
        return False
    tracked = [a for a, known in zip(rec.actions, decided, strict=True) if known.role != "guide"]
    out.counts[rec.client_id] = Counts(unchanged=len(tracked))
    out.wakes[rec.client_id] = found["wake_on"]
    out.seen.append(rec.client_id)
    if found["texts"] != texts:
        before = set(found["texts"].split("\n"))
        out.texts += [(a.title, a.reason, a.priority, step.run_id, rec.client_id,
                       fingerprint(rec.client_id, a.kind, a.id))
                      for a, line in zip(tracked, texts.split("\n"), strict=True)
                      if line not in before]
    return True


def _finish(db: Engine, run_id: int, count: int) -> None:
    with db.begin() as conn:
        conn.execute(update(runs).where(runs.c.id == run_id).values(
            complete=True, finished_at=now(), clients=count))
