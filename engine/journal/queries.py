"""Reading the journal: what changed, what happened to a client's advice, the facts of a run."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, select

from engine.errors import did_you_mean
from engine.journal.database import fail
from engine.journal.records import ChangeRecord, HistoryEntry
from engine.journal.tables import (
    EVENT_ADVICE,
    advice,
    client_facts,
    clients,
    events,
    run_clients,
    runs,
)
from engine.journal.texts import Lens

RUN_CHANGES = ("new", "changed", "resolved")
STEP_KINDS = ("next_step", "upsell", "blocked")  # a step's advice can move between them
# who and where a client is (the clients table, joined on the client id): see ``who``
WHO = (clients.c.name, clients.c.owner, clients.c.crm_id, clients.c.crm_url)


def who(row: Any, lens: Lens) -> dict[str, Any]:
    """The client's name, owner and CRM link (its own, else the lens's template's) of a row
    selected with ``WHO``."""
    return {"client_name": row["name"], "owner": row["owner"],
            "crm_url": lens.link(row["client_id"], row["crm_id"], row["crm_url"])}


def changes(db: Engine, where: str, since: int | dt.date | None = None, *,
            owner: str | None = None, lens: Lens | None = None) -> list[ChangeRecord]:
    """One record per piece of advice that the runs after ``since`` (a run id or a day) changed,
    netted over those runs; by default what the latest run changed. A journey step that left
    one kind for another (blocked -> next step) is one change of its kind."""
    lens = lens or Lens.of()
    with db.connect() as conn:
        days = _runs(conn, where, since)
        query = (select(events.c.fingerprint, events.c.event, events.c.run_id,
                        events.c.detail, advice, *WHO, clients.c.project_type)
                 .join(advice, EVENT_ADVICE)
                 .outerjoin(clients, clients.c.client_id == events.c.client_id)
                 .where(events.c.run_id.in_(list(days)), events.c.event.in_(RUN_CHANGES))
                 .order_by(events.c.id))
        if owner is not None:
            query = query.where(clients.c.owner == owner)
        rows = [dict(r) for r in conn.execute(query).mappings()]
    found = [_change(first, last, days, lens) for first, last in _netted(rows)]
    return _paired(found)


def _runs(conn: Connection, where: str, since: int | dt.date | None) -> dict[int, dt.date]:
    query = select(runs.c.id, runs.c.as_of).order_by(runs.c.id)
    if since is None:
        found = conn.execute(query.order_by(None).order_by(runs.c.id.desc()).limit(1)).all()
    elif isinstance(since, int):
        _known_run(conn.execute(select(runs.c.id)).scalars().all(), since, where)
        found = conn.execute(query.where(runs.c.id > since)).all()
    else:
        found = conn.execute(query.where(runs.c.as_of > since)).all()
    return {r.id: r.as_of for r in found}


def _known_run(ids: Sequence[int], run_id: int, where: str) -> None:
    if run_id not in ids:
        last = max(ids, default=None)
        raise fail("unknown-run", f"the journal has no run {run_id}", where,
                   expected=f"a run id from 1 to {last}" if last else "a recorded run")


def _netted(rows: Sequence[Any]) -> list[tuple[Any, Any]]:
    """(first, last) event of each piece of advice, in order of first appearance."""
    spans: dict[str, list[Any]] = {}
    for row in rows:
        span = spans.setdefault(row["fingerprint"], [row, row, []])
        span[1] = row
        if row["detail"]:
            span[2].append(json.loads(row["detail"]))
    out = []
    for first, last, details in spans.values():
        if not (first["event"] == "new" and last["event"] == "resolved"):
            out.append((first, {**last, "moves": details}))
    return out


def _change(first: Any, last: Any, days: dict[int, dt.date], lens: Lens) -> ChangeRecord:
    if first["event"] == "new" or last["event"] == "resolved":
        change = first["event"] if first["event"] == "new" else "resolved"
    else:
        change = "changed"
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for moved in last["moves"] if change == "changed" else ():
        for name, (old, new) in moved.items():
            before.setdefault(name, old)
            after[name] = new
    return ChangeRecord(
        client_id=last["client_id"], **who(last, lens), kind=last["kind"],
        id=last["action_id"], change=change, status=last["status"],
        priority=last["priority"], title=lens.title(last["kind"], last["action_id"],
                                                    last["rules"], last["project_type"],
                                                    last["title"]),
        reason=last["reason"], run_id=last["run_id"], as_of=days[last["run_id"]],
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]})


def _paired(found: list[ChangeRecord]) -> list[ChangeRecord]:
    """A step resolved as one kind and new as another, for the same client: one change."""
    gone = {(c.client_id, c.id): c for c in found
            if c.change == "resolved" and c.kind in STEP_KINDS}
    out, used = [], set()
    for c in found:
        old = gone.get((c.client_id, c.id)) if c.change == "new" and c.kind in STEP_KINDS \
            else None
        if old is not None and old.kind != c.kind and id(old) not in used:
            used.add(id(old))
            out.append(c.model_copy(update={"change": "changed", "before": {"kind": old.kind},
                                            "after": {"kind": c.kind}}))
        elif not (c.change == "resolved" and c.kind in STEP_KINDS):
            out.append(c)
    return out + [c for c in gone.values() if id(c) not in used]


def history(db: Engine, where: str, client: str, lens: Lens | None = None
            ) -> list[HistoryEntry]:
    """Everything that happened to a client's advice, oldest first: who, when, why."""
    lens = lens or Lens.of()
    with db.connect() as conn:
        rows = conn.execute(
            select(events, runs.c.as_of, advice.c.rules, advice.c.title, *WHO,
                   clients.c.project_type)
            .outerjoin(runs, runs.c.id == events.c.run_id)
            .outerjoin(advice, EVENT_ADVICE)
            .outerjoin(clients, clients.c.client_id == events.c.client_id)
            .where(events.c.client_id == client).order_by(events.c.id)).mappings().all()
        if not rows:
            ids = conn.execute(select(advice.c.client_id).distinct()).scalars().all()
            raise fail("unknown-client", f"the journal has nothing for client '{client}'",
                       where, expected="a client id recorded by a run",
                       hint=did_you_mean(client, ids))
    return [_entry(r, lens) for r in rows]


def _entry(r: Any, lens: Lens) -> HistoryEntry:
    moved = json.loads(r["detail"]) if r["detail"] else {}
    return HistoryEntry(
        client_id=r["client_id"], **who(r, lens), kind=r["kind"], id=r["action_id"],
        title=lens.title(r["kind"], r["action_id"], r["rules"] or "", r["project_type"],
                         r["title"] or r["action_id"]),
        event=r["event"], status=r["status"], run_id=r["run_id"], as_of=r["as_of"],
        day=r["day"], at=r["at"], actor=r["actor"], note=r["note"],
        dismiss_reason=r["dismiss_reason"], until=r["until"],
        before={k: v[0] for k, v in moved.items()}, after={k: v[1] for k, v in moved.items()})


def clients_of(db: Engine, where: str, run_id: int | None = None) -> list[dict[str, Any]]:
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
