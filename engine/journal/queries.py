"""Reading the journal: what changed, what is open, what happened to a client's advice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from engine.errors import did_you_mean
from engine.journal.database import fail
from engine.journal.records import ChangeRecord, HistoryEntry, InboxItem
from engine.journal.tables import advice, client_facts, events, run_clients, runs
from engine.vocabulary import KIND_ORDER

RUN_CHANGES = ("new", "changed", "resolved")


def changes(db: Engine, where: str, since: int | dt.date | None = None) -> list[ChangeRecord]:
    """One record per piece of advice that the runs after ``since`` (a run id or a day) changed,
    netted over those runs; by default what the latest run changed."""
    with db.connect() as conn:
        query = select(runs.c.id, runs.c.as_of).order_by(runs.c.id)
        if since is None:
            found = conn.execute(query.order_by(None).order_by(runs.c.id.desc()).limit(1)).all()
        elif isinstance(since, int):
            _known_run(conn.execute(select(runs.c.id)).scalars().all(), since, where)
            found = conn.execute(query.where(runs.c.id > since)).all()
        else:
            found = conn.execute(query.where(runs.c.as_of > since)).all()
        days = {r.id: r.as_of for r in found}
        rows = conn.execute(
            select(events.c.fingerprint, events.c.event, events.c.run_id, advice)
            .join(advice, advice.c.fingerprint == events.c.fingerprint)
            .where(events.c.run_id.in_(list(days)), events.c.event.in_(RUN_CHANGES))
            .order_by(events.c.id)).mappings().all()
    return [_change(first, last, days) for first, last in _netted(rows)]


def _known_run(ids: Sequence[int], run_id: int, where: str) -> None:
    if run_id not in ids:
        last = max(ids, default=None)
        raise fail("unknown-run", f"the journal has no run {run_id}", where,
                   expected=f"a run id from 1 to {last}" if last else "a recorded run")


def _netted(rows: Sequence[Any]) -> list[tuple[Any, Any]]:
    """(first, last) event of each piece of advice, in order of first appearance."""
    spans: dict[str, list[Any]] = {}
    for row in rows:
        spans.setdefault(row["fingerprint"], [row, row])[1] = row
    return [(first, last) for first, last in spans.values()
            if not (first["event"] == "new" and last["event"] == "resolved")]


def _change(first: Any, last: Any, days: dict[int, dt.date]) -> ChangeRecord:
    if first["event"] == "new" or last["event"] == "resolved":
        change = first["event"] if first["event"] == "new" else "resolved"
    else:
        change = "changed"
    return ChangeRecord(last["client_id"], last["kind"], last["action_id"], change,
                        last["status"], last["priority"], last["title"], last["reason"],
                        last["run_id"], days[last["run_id"]])


def inbox(db: Engine, client: str | None = None, kind: str | None = None,
          new_only: bool = False) -> list[InboxItem]:
    """Open advice (new or seen again), by client, then as recommend() orders actions."""
    query = select(advice).where(advice.c.status.in_(("new",) if new_only else ("new", "open")))
    if client is not None:
        query = query.where(advice.c.client_id == client)
    if kind is not None:
        query = query.where(advice.c.kind == kind)
    with db.connect() as conn:
        rows = conn.execute(query).mappings().all()
    rows = sorted(rows, key=lambda r: (r["client_id"], -r["priority"], KIND_ORDER[r["kind"]],
                                       r["action_id"]))
    return [InboxItem(r["client_id"], r["kind"], r["action_id"], r["status"], r["priority"],
                      r["title"], r["reason"], r["first_run"]) for r in rows]


def history(db: Engine, where: str, client: str) -> list[HistoryEntry]:
    """Everything that happened to a client's advice, oldest first."""
    with db.connect() as conn:
        rows = conn.execute(
            select(events, runs.c.as_of).outerjoin(runs, runs.c.id == events.c.run_id)
            .where(events.c.client_id == client).order_by(events.c.id)).mappings().all()
        if not rows:
            ids = conn.execute(select(advice.c.client_id).distinct()).scalars().all()
            raise fail("unknown-client", f"the journal has nothing for client '{client}'",
                       where, expected="a client id recorded by a run",
                       hint=did_you_mean(client, ids))
    return [HistoryEntry(r["client_id"], r["kind"], r["action_id"], r["event"], r["status"],
                         r["run_id"], r["as_of"], r["at"], r["note"], r["dismiss_reason"],
                         r["until"]) for r in rows]


def clients(db: Engine, where: str, run_id: int | None = None) -> list[dict[str, Any]]:
    """The facts of a run's clients, in input order: by default the latest complete run's
    (what ``playbook impact`` can replay against a changed knowledge base)."""
    with db.connect() as conn:
        if run_id is None:
            run_id = conn.execute(select(runs.c.id).where(runs.c.complete)
                                  .order_by(runs.c.id.desc()).limit(1)).scalar()
            if run_id is None:
                raise fail("unknown-run", "the journal has no complete run", where,
                           expected="a journal a run was recorded into")
        else:
            _known_run(conn.execute(select(runs.c.id)).scalars().all(), run_id, where)
        texts = conn.execute(
            select(client_facts.c.facts)
            .join(run_clients, run_clients.c.facts_digest == client_facts.c.digest)
            .where(run_clients.c.run_id == run_id).order_by(run_clients.c.position)).scalars()
        return [json.loads(t) for t in texts]
