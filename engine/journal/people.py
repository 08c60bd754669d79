"""What people do with advice: done, dismissed (with a reason), snoozed until a date; who did it.

Each is one transaction: the advice's new state and an event in the log, with the actor. The
day a piece of advice is closed is the day of the journal's latest run (the day the manager was
looking at), from which the cooldown of settings.yaml counts. Guidance (a communication guide, a
warning of what not to do) is kept in the journal only once a person acts on it: acting on the
guidance the client's latest run gave adds it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, func, insert, select, update

from engine.errors import did_you_mean, one_of
from engine.journal.database import fail
from engine.journal.policy import fingerprint
from engine.journal.queries import WHO, who
from engine.journal.record import now
from engine.journal.records import Advice
from engine.journal.tables import advice, clients, events, run_clients, runs, written_order
from engine.journal.texts import Lens
from engine.vocabulary import ACTION_KINDS, DISMISS_REASONS

Key = tuple[str, str, str]  # client id, kind, action id


def act(db: Engine, where: str, key: Key, event: str, *, reason: str | None = None,
        comment: str | None = None, until: dt.date | None = None,
        actor: str | None = None) -> Advice:
    """Mark the advice ``key`` done, dismissed or snoozed, by ``actor``."""
    _check(where, key, event, reason, until)
    fp = fingerprint(*key)
    with db.begin() as conn:
        today = conn.execute(select(func.max(runs.c.as_of))).scalar() or dt.date.today()
        row = _row(conn, where, key, fp, today)
        if event == "snoozed" and until is not None and until <= today:
            raise fail("bad-date", f"snoozed until {until}, which is not after {today}", where,
                       expected="a date after the day of the journal's latest run")
        changes: dict[str, Any] = {"status": event, "comment": comment,
                                   "dismiss_reason": reason, "snoozed_until": until}
        if event != "snoozed":
            changes.update(closed_on=today, closed_priority=row["priority"],
                           stopped=not row["matching"])
        conn.execute(update(advice).where(_keyed(key, fp)).values(changes))
        conn.execute(insert(events).values(
            fingerprint=fp, client_id=key[0], kind=key[1], action_id=key[2], run_id=None,
            event=event, status=event, at=now(), day=today, actor=actor, note=comment,
            dismiss_reason=reason, until=until))
        # the client's next run decides its advice again, rather than trusting its digest
        conn.execute(update(clients).where(clients.c.client_id == key[0]).values(decision=""))
        new = conn.execute(select(advice, *WHO).outerjoin(
            clients, clients.c.client_id == advice.c.client_id).where(
            _keyed(key, fp))).mappings().one()
    return Advice(client_id=new["client_id"], **who(new, Lens.of(today=today)),
                  kind=new["kind"], id=new["action_id"], status=new["status"],
                  priority=new["priority"], title=new["title"],
                  reason=new["reason"], closed_on=new["closed_on"],
                  snoozed_until=new["snoozed_until"], dismiss_reason=new["dismiss_reason"],
                  comment=new["comment"], role=new["role"], due_on=new["due_on"], actor=actor)


def _row(conn: Connection, where: str, key: Key, fp: str, today: dt.date) -> Any:
    """The advice's row; guidance the client's latest run gave is added on first use."""
    row = conn.execute(select(advice).where(_keyed(key, fp))).mappings().first()
    if row is not None:
        return row
    given = _given(conn, key)
    if given is None:
        raise _unknown(conn, where, key)
    priority, rules, run_id = given
    conn.execute(insert(advice).values(
        fingerprint=fp, client_id=key[0], kind=key[1], action_id=key[2], title=key[2],
        reason="", priority=priority, rules=rules, status="open", matching=True,
        stopped=False, first_run=run_id, last_run=run_id, role="guide", missing="",
        since_on=today))
    return conn.execute(select(advice).where(_keyed(key, fp))).mappings().one()


def _keyed(key: Key, fp: str) -> ColumnElement[bool]:
    """The advice row of ``key`` (its fingerprint ``fp``): by client, then fingerprint."""
    return (advice.c.client_id == key[0]) & (advice.c.fingerprint == fp)


def _given(conn: Connection, key: Key) -> tuple[int, str, int] | None:
    """(priority, rules, run) of ``key`` in what the client's latest run recommended."""
    found = conn.execute(select(run_clients.c.actions, run_clients.c.run_id).join(
        clients, (clients.c.client_id == run_clients.c.client_id)
        & (clients.c.last_run == run_clients.c.run_id)).where(
        clients.c.client_id == key[0])).first()
    if found is None:
        return None
    for kind, action_id, priority, *rules in json.loads(found.actions):
        if (kind, action_id) == key[1:]:
            return priority, (rules[0] if rules else ""), found.run_id
    return None


def _check(where: str, key: Key, event: str, reason: str | None,
           until: dt.date | None) -> None:
    if key[1] not in ACTION_KINDS:
        raise fail("unknown-kind", f"unknown kind of action '{key[1]}'", where,
                   expected=one_of(ACTION_KINDS), hint=did_you_mean(key[1], ACTION_KINDS))
    if event == "dismissed" and reason not in DISMISS_REASONS:
        raise fail("bad-reason", f"'{reason}' is not a reason to dismiss advice"
                   if reason else "dismissing advice needs a reason", where,
                   expected=one_of(DISMISS_REASONS), hint=did_you_mean(reason, DISMISS_REASONS))
    if event == "snoozed" and until is None:
        raise fail("bad-date", "snoozing advice needs the date it returns on", where,
                   expected="--until DATE (2026-12-20, 20.12.2026 or +7d)")


def _unknown(conn: Connection, where: str, key: Key) -> Exception:
    client, kind, action_id = key
    ids = list(conn.execute(select(advice.c.action_id).where(
        (advice.c.client_id == client) & (advice.c.kind == kind)).order_by(
        written_order(conn))).scalars())
    if not ids and conn.execute(select(advice.c.fingerprint).where(
            advice.c.client_id == client).limit(1)).first() is None:
        return fail("unknown-advice", f"the journal has no advice for client '{client}'", where,
                    expected="a client id recorded by a run")
    return fail("unknown-advice", f"client '{client}' has no {kind} '{action_id}' in the "
                "journal", where, expected="an advice id listed by `playbook inbox`",
                hint=did_you_mean(action_id, ids))
