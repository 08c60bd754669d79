"""Writing one batch of a run: everything the batch's clients changed, in one transaction,
straight through the database driver (COPY on PostgreSQL, prepared statements on SQLite):
SQLAlchemy's executemany spends more building parameters than the database spends writing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, select, update

from engine.journal.policy import Counts, Row, RunStep, Writes
from engine.journal.tables import advice, client_facts, clients, events, run_clients
from engine.models import Client, Recommendation

_WRITTEN = ("title", "reason", "priority", "rules", "status", "matching", "stopped",
            "first_run", "last_run", "closed_on", "closed_priority", "snoozed_until",
            "dismiss_reason", "comment", "role", "missing", "since_on", "due_on")
_WHO = ("name", "owner", "crm_id", "crm_url", "project_type", "nps")


@dataclass
class BatchWrites:
    """What one batch of a run writes, gathered client by client."""

    step: RunStep
    inserts: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    texts: list[tuple[Any, ...]] = field(default_factory=list)  # quiet text updates
    seen: list[str] = field(default_factory=list)  # clients whose advice is seen again as is
    run_clients: list[Row] = field(default_factory=list)
    clients: list[Row] = field(default_factory=list)
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
        for values in conn.execute(select(advice).where(advice.c.client_id.in_(ids))):
            row = dict(zip(names, values, strict=True))
            found[row["client_id"]][row["fingerprint"]] = row
        return found

    def apply(self, client_id: str, outcome: Writes) -> None:
        self.inserts += outcome.inserts
        self.updates += outcome.updates
        self.events += outcome.events
        self.counts[client_id] = Counts(**outcome.counts)
        self.wakes[client_id] = outcome.wake_on

    def client(self, position: int, facts: Client | Mapping[str, Any],
               rec: Recommendation) -> None:
        text = facts_json(facts)
        digest = hashlib.sha256(text.encode()).hexdigest()[:32]
        self.facts[digest] = text
        counts = self.counts[rec.client_id]
        self.run_clients.append({
            "run_id": self.step.run_id, "client_id": rec.client_id, "position": position,
            "facts_digest": digest, "actions": _actions_json(rec, self.step), "new": counts.new,
            "changed": counts.changed, "resolved": counts.resolved,
            "unchanged": counts.unchanged})
        decision, texts = self.digests[rec.client_id]
        self.clients.append({"client_id": rec.client_id, **_who(facts, rec),
                             "last_run": self.step.run_id, "decision": decision,
                             "texts": texts, "wake_on": self.wakes.get(rec.client_id)})


def facts_json(facts: Client | Mapping[str, Any]) -> str:
    data = facts.model_dump(mode="json", exclude_unset=True) if isinstance(facts, Client) \
        else dict(facts)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def _who(facts: Client | Mapping[str, Any], rec: Recommendation) -> Row:
    """Who and where the client is, as the recommendation says (its CRM link made from the
    knowledge base's template when the client has none), and its project type and NPS."""
    get = (lambda k: getattr(facts, k, None)) if isinstance(facts, Client) else facts.get
    said = {"name": rec.client_name, "owner": rec.owner, "crm_id": rec.crm_id,
            "crm_url": rec.crm_url}
    values = {k: get(k) if said.get(k) is None else said[k] for k in _WHO}
    for k in ("name", "owner", "crm_id", "crm_url", "project_type"):
        values[k] = None if values[k] is None else str(values[k])
    nps = values["nps"]
    values["nps"] = nps if isinstance(nps, int) and not isinstance(nps, bool) else None
    return values


def _actions_json(rec: Recommendation, step: RunStep) -> str:
    """What the run recommended, without the texts: the reasons follow from the facts kept
    beside it and the knowledge base's version (recommend() is pure). The JSON of a list of
    ``[kind, id, priority, rules]``, each item's worked out once per run."""
    items = []
    for a in rec.actions:
        key = ("json", a.kind, a.id, a.priority, a.rules)
        item = step.remembered(key)
        if item is None:
            item = step.remember(key, json.dumps([a.kind, a.id, a.priority, ",".join(a.rules)],
                                                 ensure_ascii=False, separators=(",", ":")))
        items.append(item)
    return f"[{','.join(items)}]"


def write(conn: Connection, batch: BatchWrites) -> None:
    bulk(conn, advice, batch.inserts, plain=True)  # new advice and events: dates as text
    bulk_update(conn, batch.updates)
    _texts(conn, batch.texts)
    _opened(conn, batch.seen)
    bulk(conn, events, batch.events, plain=True)
    _upsert(conn, client_facts, [{"digest": d, "facts": t} for d, t in batch.facts.items()],
            ("digest",), ())
    bulk(conn, run_clients, batch.run_clients)
    _upsert(conn, clients, batch.clients, ("client_id",),
            (*_WHO, "last_run", "decision", "texts", "wake_on"))


def _driver(conn: Connection) -> Any:
    return conn.connection.driver_connection


def _mark(conn: Connection) -> str:
    return "%s" if conn.dialect.name == "postgresql" else "?"


def bulk(conn: Connection, table: Table, rows: list[Row], plain: bool = False) -> None:
    """Insert many rows of plain values inside the connection's transaction (``plain``: their
    dates are ISO text already)."""
    if not rows:
        return
    names = list(rows[0])
    if conn.dialect.name == "postgresql":
        with _driver(conn).cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
        return
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    _driver(conn).executemany(sql, map(itemgetter(*names), rows) if plain
                              else _rows(conn, table, names, rows))


def _upsert(conn: Connection, table: Table, rows: list[Row], key: tuple[str, ...],
            kept: tuple[str, ...]) -> None:
    """Insert rows, or on a key already there update the ``kept`` columns (none: keep it)."""
    if not rows:
        return
    names, mark = list(rows[0]), _mark(conn)
    sets = ", ".join(f"{n} = excluded.{n}" for n in kept)
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
           f"({', '.join([mark] * len(names))}) ON CONFLICT ({', '.join(key)}) DO "
           + (f"UPDATE SET {sets}" if kept else "NOTHING"))
    _driver(conn).cursor().executemany(sql, _rows(conn, table, names, rows))


def bulk_update(conn: Connection, rows: list[Row]) -> None:
    """Write many advice rows back by fingerprint."""
    if not rows:
        return
    mark = _mark(conn)
    sql = (f"UPDATE advice SET {', '.join(f'{n} = {mark}' for n in _WRITTEN)} "
           f"WHERE fingerprint = {mark}")
    names = [*_WRITTEN, "fingerprint"]
    _driver(conn).cursor().executemany(sql, _rows(conn, advice, names, rows))


def _texts(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """The new titles, reasons and priorities of advice whose decision did not move."""
    if rows:
        mark = _mark(conn)
        _driver(conn).cursor().executemany(
            f"UPDATE advice SET title = {mark}, reason = {mark}, priority = {mark}, "
            f"last_run = {mark} WHERE fingerprint = {mark}", rows)


def _opened(conn: Connection, ids: list[str]) -> None:
    """Advice seen again is open: new only in the run that first recommended it."""
    if ids:
        conn.execute(update(advice).where(advice.c.client_id.in_(ids),
                                          advice.c.status == "new").values(status="open"))


def _rows(conn: Connection, table: Table, names: list[str], rows: list[Row]
          ) -> list[tuple[Any, ...]]:
    """Rows as tuples; on SQLite, dates and times as SQLAlchemy's SQLite types store them."""
    get = itemgetter(*names)
    dated = [i for i, n in enumerate(names) if isinstance(table.c[n].type, Date | DateTime)]
    if not dated or conn.dialect.name == "postgresql":
        return [get(row) for row in rows]
    shown: dict[Any, Any] = {None: None}  # a run's rows share a few dates: each shown once
    out = []
    for row in rows:
        values = list(get(row))
        for i in dated:
            value = values[i]
            text = shown.get(value, _UNSEEN)
            if text is _UNSEEN:
                text = shown[value] = value.strftime("%Y-%m-%d %H:%M:%S.%f") \
                    if isinstance(value, dt.datetime) else value.isoformat()
            values[i] = text
        out.append(tuple(values))
    return out


_UNSEEN = object()
