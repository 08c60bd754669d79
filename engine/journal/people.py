"""What people do with advice: done, dismissed (with a reason), snoozed until a date.

Each is one transaction: the advice's new state and an event in the log. The day a piece of
advice is closed is the day of the journal's latest run (the day the manager was looking at),
from which the cooldown of settings.yaml counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from engine.errors import did_you_mean, one_of
from engine.journal.database import fail
from engine.journal.policy import fingerprint
from engine.journal.record import now
from engine.journal.records import Advice
from engine.journal.tables import advice, events, runs
from engine.vocabulary import ACTION_KINDS, DISMISS_REASONS


def act(db: Engine, where: str, key: tuple[str, str, str], event: str, *,
        reason: str | None = None, comment: str | None = None,
        until: dt.date | None = None) -> Advice:
    """Mark the advice ``key`` (client id, kind, action id) done, dismissed or snoozed."""
    _check(where, key, event, reason, until)
    fp = fingerprint(*key)
    with db.begin() as conn:
        row = conn.execute(select(advice).where(advice.c.fingerprint == fp)).mappings().first()
        if row is None:
            raise _unknown(conn, where, key)
        today = conn.execute(select(func.max(runs.c.as_of))).scalar() or dt.date.today()
        if event == "snoozed" and until is not None and until <= today:
            raise fail("bad-date", f"snoozed until {until}, which is not after {today}", where,
                       expected="a date after the day of the journal's latest run")
        status = event
        changes: dict[str, Any] = {"status": status, "comment": comment,
                                   "dismiss_reason": reason, "snoozed_until": until}
        if event != "snoozed":
            changes.update(closed_on=today, closed_priority=row["priority"],
                           stopped=not row["matching"])
        conn.execute(update(advice).where(advice.c.fingerprint == fp).values(changes))
        conn.execute(insert(events).values(
            fingerprint=fp, client_id=key[0], kind=key[1], action_id=key[2], run_id=None,
            event=event, status=status, at=now(), note=comment, dismiss_reason=reason,
            until=until))
        new = conn.execute(select(advice).where(advice.c.fingerprint == fp)).mappings().one()
    return Advice(new["client_id"], new["kind"], new["action_id"], new["status"],
                  new["priority"], new["title"], new["reason"], new["closed_on"],
                  new["snoozed_until"], new["dismiss_reason"], new["comment"])


def _check(where: str, key: tuple[str, str, str], event: str, reason: str | None,
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
                   expected="--until YYYY-MM-DD")


def _unknown(conn: Connection, where: str, key: tuple[str, str, str]) -> Exception:
    client, kind, action_id = key
    ids = list(conn.execute(select(advice.c.action_id).where(
        (advice.c.client_id == client) & (advice.c.kind == kind))).scalars())
    if not ids and conn.execute(select(advice.c.fingerprint).where(
            advice.c.client_id == client).limit(1)).first() is None:
        return fail("unknown-advice", f"the journal has no advice for client '{client}'", where,
                    expected="a client id recorded by a run")
    return fail("unknown-advice", f"client '{client}' has no {kind} '{action_id}' in the "
                "journal", where, expected="an advice id listed by `playbook inbox`",
                hint=did_you_mean(action_id, ids))
