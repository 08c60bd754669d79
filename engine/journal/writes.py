"""Writing one batch of a run: everything the batch's clients changed, in one transaction,
straight through the database driver: on SQLite, prepared statements over rows of plain values;
on PostgreSQL, COPY for new rows and one statement over arrays (``unnest``) for each kind of
update, not a statement per row. SQLAlchemy's executemany spends more building parameters than
the database spends writing. Rows are tuples in a fixed column order, made as the batch is
gathered; dates travel as ISO text (what SQLite stores, and PostgreSQL reads)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Integer, Table, select, update

from engine.journal.policy import (
    INSERTED,
    LOGGED,
    Counts,
    Decided,
    Row,
    RunStep,
    Writes,
    new_event,
)
from engine.journal.tables import (
    advice,
    client_facts,
    clients,
    events,
    run_clients,
    written_key,
    written_order,
)
from engine.models import Client, Recommendation

_WRITTEN = ("title", "reason", "priority", "rules", "status", "matching", "stopped",
            "first_run", "last_run", "closed_on", "closed_priority", "snoozed_until",
            "dismiss_reason", "comment", "role", "missing", "since_on", "due_on")
_WHO = ("name", "owner", "crm_id", "crm_url", "project_type", "nps")
_RUN_CLIENTS = ("run_id", "client_id", "position", "facts_digest", "actions", "new", "changed",
                "resolved", "unchanged")
_CLIENTS = ("client_id", *_WHO, "last_run", "decision", "texts", "wake_on")
_TEXTS = ("title", "reason", "priority", "last_run", "client_id", "fingerprint")


@dataclass
class BatchWrites:
    """What one batch of a run writes, gathered client by client (rows as tuples in the order
    of their columns: INSERTED, LOGGED, _TEXTS, _RUN_CLIENTS, _CLIENTS)."""

    step: RunStep
    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)
    # events in order: LOGGED tuples, and ranges of ``inserts`` whose events are the run's
    # ``new`` (made from the rows as they are written: ``_logged``)
    events: list[tuple[Any, ...] | range] = field(default_factory=list)
    texts: list[tuple[Any, ...]] = field(default_factory=list)  # quiet text updates
    seen: list[str] = field(default_factory=list)  # clients whose advice is seen again as is
    run_clients: list[tuple[Any, ...]] = field(default_factory=list)
    clients: list[tuple[Any, ...]] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)
    digests: dict[str, tuple[str, str]] = field(default_factory=dict)  # decisions, texts
    counts: dict[str, Counts] = field(default_factory=dict)
    wakes: dict[str, dt.date | None] = field(default_factory=dict)

    def existing(self, conn: Connection, ids: list[str]) -> dict[str, dict[str, Row]]:
        """The advice rows of these clients, by client and fingerprint (every id present)."""
        found: dict[str, dict[str, Row]] = {i: {} for i in ids}
        if not ids:
            return found
        names = list(advice.c.keys())
        # in the order written, sorted here: an ORDER BY of the rowid (ctid) in the query
        # would have PostgreSQL read the whole table for each batch rather than the key
        rows = conn.execute(select(advice, written_order(conn)).where(
            advice.c.client_id.in_(ids))).all()
        for *values, _ in sorted(rows, key=lambda r: written_key(r[-1])):
            row = dict(zip(names, values, strict=True))
            found[row["client_id"]][row["fingerprint"]] = row
        return found

    def apply(self, client_id: str, outcome: Writes) -> None:
        if outcome.logged_as_new and outcome.inserts:
            start, stop = len(self.inserts), len(self.inserts) + len(outcome.inserts)
            last = self.events[-1] if self.events else None
            if isinstance(last, range) and last.stop == start:
                self.events[-1] = range(last.start, stop)
            else:
                self.events.append(range(start, stop))
        else:
            self.events += outcome.events
        self.inserts += outcome.inserts
        self.updates += outcome.updates
        self.counts[client_id] = Counts(**outcome.counts)
        self.wakes[client_id] = outcome.wake_on

    def client(self, position: int, facts: Client | Mapping[str, Any], rec: Recommendation,
               decided: list[Decided]) -> None:
        text = facts_json(facts)
        digest = hashlib.sha256(text.encode()).hexdigest()[:32]
        self.facts[digest] = text
        client_id, run_id = rec.client_id, self.step.run_id
        counts = self.counts[client_id]
        self.run_clients.append((run_id, client_id, position, digest,
                                 f"[{','.join([d.item for d in decided])}]", counts.new,
                                 counts.changed, counts.resolved, counts.unchanged))
        decision, texts = self.digests[client_id]
        wake = self.wakes.get(client_id)
        self.clients.append((client_id, *_who(facts, rec), run_id, decision, texts,
                             None if wake is None else wake.isoformat()))


def facts_json(facts: Client | Mapping[str, Any]) -> str:
    data = facts.model_dump(mode="json", exclude_unset=True) if isinstance(facts, Client) \
        else facts if isinstance(facts, dict) else dict(facts)
    return _FACTS_JSON(data)


_FACTS_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                               default=str).encode  # one encoder for the run, not one a client


def _who(facts: Client | Mapping[str, Any], rec: Recommendation) -> tuple[Any, ...]:
    """Who and where the client is, as the recommendation says (its CRM link made from the
    knowledge base's template when the client has none), and its project type and NPS: the
    values of _WHO."""
    get = (lambda k: getattr(facts, k, None)) if isinstance(facts, Client) else facts.get
    said = (rec.client_name, rec.owner, rec.crm_id, rec.crm_url)
    values = [get(k) if s is None else s for k, s in zip(_WHO[:4], said, strict=True)]
    values.append(get("project_type"))
    values = [None if v is None else str(v) for v in values]
    nps = get("nps")
    values.append(nps if isinstance(nps, int) and not isinstance(nps, bool) else None)
    return tuple(values)


def write(conn: Connection, batch: BatchWrites) -> None:
    rowids = _inserted(conn, batch.inserts)
    bulk_update(conn, batch.updates)
    _texts(conn, batch.texts)
    _opened(conn, batch.seen)
    _logged(conn, batch, rowids)
    _upsert(conn, client_facts, ("digest", "facts"), list(batch.facts.items()), ("digest",), ())
    bulk(conn, run_clients, _RUN_CLIENTS, batch.run_clients)
    _upsert(conn, clients, _CLIENTS, batch.clients, ("client_id",), _CLIENTS[1:])


def _inserted(conn: Connection, rows: list[tuple[Any, ...]]) -> int | None:
    """Insert new advice rows; on SQLite, the rowid before the first of them (the rows get the
    next ones, in order), None when they did not (or on PostgreSQL)."""
    if _postgres(conn) or not rows:
        bulk(conn, advice, INSERTED, rows)
        return None
    last = "SELECT coalesce(max(rowid), 0) FROM advice"
    before = _driver(conn).execute(last).fetchone()[0]
    bulk(conn, advice, INSERTED, rows)
    after = _driver(conn).execute(last).fetchone()[0]
    return before if after == before + len(rows) else None


# SQLite: a run's ``new`` events of the advice rows it inserted, made from the rows (rowids
# from, to) in the database, not bound value by value from Python
_NEW_EVENTS = ("INSERT INTO events (fingerprint, client_id, kind, action_id, run_id, event, "
               "status, at, day) SELECT fingerprint, client_id, kind, action_id, ?, 'new', "
               "'new', ?, ? FROM advice WHERE rowid BETWEEN ? AND ? ORDER BY rowid")


def _logged(conn: Connection, batch: BatchWrites, rowids: int | None) -> None:
    """The batch's events, in order: each range of new advice rows whose events are the run's
    ``new`` made from the rows (SQLite, ``rowids``: the rowid before the batch's first new
    row), or as tuples like the others."""
    step, rows = batch.step, []
    for item in batch.events:
        if not isinstance(item, range):
            rows.append(item)
        elif rowids is None:
            rows += [new_event(batch.inserts[i], step) for i in item]
        else:
            bulk(conn, events, LOGGED, rows)
            rows = []
            _driver(conn).execute(_NEW_EVENTS, (step.run_id, step.at_text, step.day_text,
                                                rowids + item.start + 1, rowids + item.stop))
    bulk(conn, events, LOGGED, rows)


def _driver(conn: Connection) -> Any:
    return conn.connection.driver_connection


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def bulk(conn: Connection, table: Table, names: tuple[str, ...], rows: list[tuple[Any, ...]]
         ) -> None:
    """Insert many rows (tuples of ``names``' values) inside the connection's transaction."""
    if not rows:
        return
    if _postgres(conn):
        with _driver(conn).cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    _driver(conn).executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
                              f"({', '.join('?' * len(names))})", rows)


def _arrays(table: Table, names: tuple[str, ...], rows: list[tuple[Any, ...]]
            ) -> tuple[str, list[list[Any]]]:
    """PostgreSQL: ``unnest(%b::type[], ...)`` over the rows' columns (sent as binary arrays:
    psycopg escapes text arrays element by element in Python), and the columns."""
    types = []
    for name in names:
        kind = table.c[name].type
        types.append("integer" if isinstance(kind, Integer) else "boolean"
                     if isinstance(kind, Boolean) else "timestamp"
                     if isinstance(kind, DateTime) else "date" if isinstance(kind, Date)
                     else "text")
    return (f"unnest({', '.join(f'%b::{t}[]' for t in types)})",
            [list(column) for column in zip(*rows, strict=True)])


def _upsert(conn: Connection, table: Table, names: tuple[str, ...],
            rows: list[tuple[Any, ...]], key: tuple[str, ...], kept: tuple[str, ...]) -> None:
    """Insert rows, or on a key already there update the ``kept`` columns (none: keep it)."""
    if not rows:
        return
    sets = ", ".join(f"{n} = excluded.{n}" for n in kept)
    tail = (f"ON CONFLICT ({', '.join(key)}) DO "
            + (f"UPDATE SET {sets}" if kept else "NOTHING"))
    if _postgres(conn):
        values, columns = _arrays(table, names, rows)
        _driver(conn).execute(f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM "
                              f"{values} {tail}", columns)
        return
    _driver(conn).executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
                              f"({', '.join('?' * len(names))}) {tail}", rows)


def _update(conn: Connection, names: tuple[str, ...], rows: list[tuple[Any, ...]],
            also: str = "") -> None:
    """Write columns of many advice rows back by their key (the rows' last two values: client
    id and fingerprint)."""
    sets = ", ".join(f"{n} = v.{n}" if _postgres(conn) else f"{n} = ?" for n in names[:-2])
    if _postgres(conn):
        values, columns = _arrays(advice, names, rows)
        _driver(conn).execute(f"UPDATE advice SET {sets}{also} FROM {values} AS v"
                              f"({', '.join(names)}) WHERE advice.client_id = v.client_id "
                              "AND advice.fingerprint = v.fingerprint", columns)
        return
    _driver(conn).executemany(f"UPDATE advice SET {sets}{also} WHERE client_id = ? AND "
                              "fingerprint = ?", rows)


def bulk_update(conn: Connection, rows: list[Row]) -> None:
    """Write many advice rows back by their key."""
    if rows:
        names = (*_WRITTEN, "client_id", "fingerprint")
        _update(conn, names, _rows(advice, names, rows))


def _texts(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """The new titles, reasons and priorities of advice whose decision did not move (its
    client's advice is seen again: a new one is open now, as ``_opened`` makes the rest)."""
    if rows:
        _update(conn, _TEXTS, rows,
                ", status = CASE WHEN advice.status = 'new' THEN 'open' ELSE advice.status END")


def _opened(conn: Connection, ids: list[str]) -> None:
    """Advice seen again is open: new only in the run that first recommended it."""
    if ids:
        conn.execute(update(advice).where(advice.c.client_id.in_(ids),
                                          advice.c.status == "new").values(status="open"))


def _rows(table: Table, names: tuple[str, ...], rows: list[Row]) -> list[tuple[Any, ...]]:
    """Rows as tuples of ``names``' values, their dates and times as ISO text (as SQLAlchemy's
    SQLite types store them, and as PostgreSQL reads them)."""
    get = itemgetter(*names)
    dated = [i for i, n in enumerate(names) if isinstance(table.c[n].type, Date | DateTime)]
    shown: dict[Any, Any] = {None: None}  # a run's rows share a few dates: each shown once
    out = []
    for row in rows:
        values = list(get(row))
        for i in dated:
            value = values[i]
            text = shown.get(value, _UNSEEN)
            if text is _UNSEEN:
                text = shown[value] = value if isinstance(value, str) else \
                    value.strftime("%Y-%m-%d %H:%M:%S.%f") \
                    if isinstance(value, dt.datetime) else value.isoformat()
            values[i] = text
        out.append(tuple(values))
    return out


_UNSEEN = object()
