"""Recording a run: each batch of clients in one transaction (their facts, what the run
recommended, the new state of their advice and the events), the run marked complete at the end.

A run killed midway keeps the clients it committed and stays incomplete; recording the same
run again (same as_of, kb_version and input digest) skips the clients already recorded and
completes it; a run already complete adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from engine.bounds import MAX_ID_LENGTH
from engine.errors import quoted
from engine.journal.database import fail, run_lock
from engine.journal.policy import Counts, Row, RunStep, apply
from engine.journal.records import ClientSummary, RunInfo, RunSummary
from engine.journal.tables import advice, client_facts, events, run_clients, runs
from engine.models import Client, JournalSettings, Recommendation

BATCH = 500
Facts = Client | Mapping[str, Any]
Pair = tuple[Facts, Recommendation]
_WRITTEN = ("title", "reason", "priority", "rules", "status", "matching", "stopped",
            "last_run", "closed_on", "closed_priority", "snoozed_until", "dismiss_reason",
            "comment")


def facts_json(facts: Facts) -> str:
    data = facts.model_dump(mode="json", exclude_unset=True) if isinstance(facts, Client) \
        else dict(facts)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def input_digest(clients: Iterable[Facts]) -> str:
    """A digest of a portfolio's facts, in order: the same input, the same digest."""
    digest = hashlib.sha256()
    for facts in clients:
        digest.update(facts_json(facts).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:32]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def record(db: Engine, where: str, pairs: Iterable[Pair], info: RunInfo,
           policy: JournalSettings, batch_size: int = BATCH) -> RunSummary:
    with run_lock(db, where):
        run_id, complete, before = _start(db, info)
        step = RunStep(run_id, info.as_of, policy)
        summaries: list[ClientSummary] = []
        seen: set[str] = set()
        for batch in _batches(pairs, batch_size):
            ids = [rec.client_id for _, rec in batch]
            _check_unique(ids, seen, where)
            if complete:
                summaries += [ClientSummary(r.client_id, Counts(unchanged=len(r.actions)))
                              for _, r in batch]
                continue
            start = len(seen) - len(batch)
            todo = [(start + i, f, r) for i, (f, r) in enumerate(batch)
                    if r.client_id not in before]
            done = _record_batch(db, todo, step) if todo else {}
            summaries += [ClientSummary(i, before.get(i) or done[i]) for i in ids]
        if not complete:
            _finish(db, run_id, len(seen))
    total = sum((s.counts for s in summaries), Counts())
    return RunSummary(run_id, info.as_of, info.kb_version, info.input_digest, complete,
                      tuple(summaries), total)


def _batches(pairs: Iterable[Pair], size: int) -> Iterator[list[Pair]]:
    it = iter(pairs)
    while batch := list(islice(it, size)):
        yield batch


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


def _start(db: Engine, info: RunInfo) -> tuple[int, bool, dict[str, Counts]]:
    """The run's id, whether it is complete, and the clients it already recorded."""
    key = (runs.c.as_of == info.as_of) & (runs.c.kb_version == info.kb_version) & (
        runs.c.input_digest == info.input_digest)
    with db.begin() as conn:
        found = conn.execute(select(runs.c.id, runs.c.complete).where(key)).first()
        if found is None:
            run_id = conn.execute(insert(runs).values(
                as_of=info.as_of, kb_version=info.kb_version, input_digest=info.input_digest,
                started_at=now(), complete=False).returning(runs.c.id)).scalar_one()
            return run_id, False, {}
        counts = conn.execute(select(
            run_clients.c.client_id, run_clients.c.new, run_clients.c.changed,
            run_clients.c.resolved, run_clients.c.unchanged).where(
            run_clients.c.run_id == found.id))
        return found.id, bool(found.complete), {r[0]: Counts(*r[1:]) for r in counts}


def _record_batch(db: Engine, batch: list[tuple[int, Facts, Recommendation]], step: RunStep
                  ) -> dict[str, Counts]:
    with db.begin() as conn:
        existing = _existing(conn, [rec.client_id for _, _, rec in batch])
        inserts: list[Row] = []
        updates: list[Row] = []
        logged: list[Row] = []
        clients: list[Row] = []
        facts: dict[str, str] = {}
        counts: dict[str, Counts] = {}
        at = now()
        for position, client, rec in batch:
            out = apply(rec.client_id, rec.actions, existing.get(rec.client_id, {}), step)
            inserts += out.inserts
            updates += out.updates
            logged += ({**e, "at": at} for e in out.events)
            text = facts_json(client)
            digest = hashlib.sha256(text.encode()).hexdigest()[:32]
            facts[digest] = text
            counts[rec.client_id] = Counts(**out.counts)
            clients.append({"run_id": step.run_id, "client_id": rec.client_id,
                            "position": position, "facts_digest": digest,
                            "actions": _actions_json(rec), **out.counts})
        _write(conn, inserts, updates, logged, clients, facts)
        return counts


def _existing(conn: Connection, ids: list[str]) -> dict[str, dict[str, Row]]:
    found: dict[str, dict[str, Row]] = {}
    names = list(advice.c.keys())
    for values in conn.execute(select(advice).where(advice.c.client_id.in_(ids))):
        row = dict(zip(names, values, strict=True))
        found.setdefault(row["client_id"], {})[row["fingerprint"]] = row
    return found


def _actions_json(rec: Recommendation) -> str:
    """What the run recommended, without the texts: the reasons follow from the facts kept
    beside it and the knowledge base's version (recommend() is pure)."""
    return json.dumps([[a.kind, a.id, a.priority] for a in rec.actions],
                      ensure_ascii=False, separators=(",", ":"))


def _write(conn: Connection, inserts: list[Row], updates: list[Row], logged: list[Row],
           clients: list[Row], facts: dict[str, str]) -> None:
    bulk(conn, advice, inserts)
    bulk_update(conn, updates)
    bulk(conn, events, logged)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(client_facts).on_conflict_do_nothing(),
                 [{"digest": d, "facts": t} for d, t in facts.items()])
    bulk(conn, run_clients, clients)


def bulk(conn: Connection, table: Table, rows: list[Row]) -> None:
    """Insert many rows of plain values straight through the driver, inside the connection's
    transaction: COPY on PostgreSQL, one prepared INSERT on SQLite. SQLAlchemy's executemany
    spends more building parameters than the database spends writing them."""
    if not rows:
        return
    names = list(rows[0])
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
        return
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    raw.executemany(sql, _sqlite_rows(table, names, rows))


def bulk_update(conn: Connection, rows: list[Row]) -> None:
    """Write many advice rows back by fingerprint, straight through the driver."""
    if not rows:
        return
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    sql = (f"UPDATE advice SET {', '.join(f'{n} = {mark}' for n in _WRITTEN)} "
           f"WHERE fingerprint = {mark}")
    names = [*_WRITTEN, "fingerprint"]
    values = [itemgetter(*names)(r) for r in rows] if mark == "%s" \
        else _sqlite_rows(advice, names, rows)
    conn.connection.driver_connection.cursor().executemany(sql, values)  # type: ignore[union-attr]


def _sqlite_rows(table: Table, names: list[str], rows: list[Row]) -> list[tuple[Any, ...]]:
    """Rows as tuples, dates and times as SQLAlchemy's SQLite types store them."""
    get = itemgetter(*names)
    dated = [i for i, n in enumerate(names) if isinstance(table.c[n].type, Date | DateTime)]
    if not dated:
        return [get(row) for row in rows]
    out = []
    for row in rows:
        values = list(get(row))
        for i in dated:
            value = values[i]
            if isinstance(value, dt.datetime):
                values[i] = value.strftime("%Y-%m-%d %H:%M:%S.%f")
            elif isinstance(value, dt.date):
                values[i] = value.isoformat()
        out.append(tuple(values))
    return out


def _finish(db: Engine, run_id: int, clients: int) -> None:
    with db.begin() as conn:
        conn.execute(update(runs).where(runs.c.id == run_id).values(
            complete=True, finished_at=now(), clients=clients))
