"""Webhook events in the journal's database: stored when a CRM posts them, claimed by one worker,
finished once.

- ``add`` stores events in one transaction (the service answers the CRM only after it);
- ``claim`` gives a worker the oldest due event together with every other waiting event of the
  same record (they are coalesced: the record is fetched and recorded once). A claim is a lease:
  a worker that dies leaves it to expire, and the event is claimed again. On PostgreSQL the
  claim takes its rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, so several servers share
  one journal and each event is claimed by exactly one of them at a time; SQLite's writer lock
  (``BEGIN IMMEDIATE``) does the same on one machine;
- ``finish`` marks a claim recorded and keeps its key (CRM, account, record id, modification
  time) in ``hook_records``: ``recorded`` finds a key recorded before, so the same change of a
  record is recorded at most once, however often it is posted;
- ``retry`` puts a claim back with a delay (or gives it up after the last attempt), keeping
  the error; ``failed`` lists what is waiting to be tried again or was given up.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from engine.errors import Diagnostic
from engine.journal.record import now
from engine.journal.records import JournalRecord
from engine.journal.tables import hook_events, hook_records

STATUSES = ("pending", "claimed", "done", "duplicate", "coalesced", "failed")


@dataclass(frozen=True)
class NewEvent:
    """One record's change as a CRM posted it."""

    crm: str
    account: str
    record_id: str
    action: str
    modified: str | None
    payload: dict[str, Any]


class HookEvent(JournalRecord):
    id: int
    crm: str
    account: str
    record_id: str
    action: str
    modified: str | None
    payload: dict[str, Any]
    received_at: dt.datetime
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: dict[str, Any] | None
    finished_at: dt.datetime | None
    run_id: int | None


@dataclass(frozen=True)
class Claim:
    """What one worker holds: events of one record, oldest first."""

    worker: str
    events: tuple[HookEvent, ...]

    @property
    def latest(self) -> HookEvent:
        return self.events[-1]

    @property
    def ids(self) -> list[int]:
        return [e.id for e in self.events]

    @property
    def attempts(self) -> int:
        return max(e.attempts for e in self.events)


def _event(row: Any) -> HookEvent:
    return HookEvent(id=row["id"], crm=row["crm"], account=row["account"],
                     record_id=row["record_id"], action=row["action"],
                     modified=row["modified"], payload=json.loads(row["payload"]),
                     received_at=row["received_at"], status=row["status"],
                     attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
                     last_error=json.loads(row["last_error"]) if row["last_error"] else None,
                     finished_at=row["finished_at"], run_id=row["run_id"])


class Hooks:
    """The webhook events of one journal database."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def add(self, events: Iterable[NewEvent]) -> list[int]:
        """Store events, all in one transaction; their ids."""
        at = now()
        rows = [{"crm": e.crm, "account": e.account, "record_id": e.record_id,
                 "action": e.action, "modified": e.modified,
                 "payload": json.dumps(e.payload, ensure_ascii=False, sort_keys=True),
                 "received_at": at, "status": "pending", "attempts": 0,
                 "next_attempt_at": at} for e in events]
        if not rows:
            return []
        with self.db.begin() as conn:
            return [conn.execute(insert(hook_events).values(row).returning(hook_events.c.id))
                    .scalar_one() for row in rows]

    def claim(self, worker: str, lease: dt.timedelta) -> Claim | None:
        """The oldest due event and the other waiting events of its record, leased to
        ``worker``; None when nothing is due."""
        at = now()
        t = hook_events.c
        due = ((t.status == "pending") & (t.next_attempt_at <= at)) | (
            (t.status == "claimed") & (t.lease_until < at))
        with self.db.begin() as conn:
            first = conn.execute(
                select(t.crm, t.account, t.record_id).where(due)
                .order_by(t.next_attempt_at, t.id).limit(1)
                .with_for_update(skip_locked=True)).first()
            if first is None:
                return None
            waiting = (t.status == "pending") | ((t.status == "claimed") & (t.lease_until < at))
            ids = list(conn.execute(
                select(t.id).where((t.crm == first.crm) & (t.account == first.account)
                                   & (t.record_id == first.record_id) & waiting)
                .order_by(t.id).with_for_update(skip_locked=True)).scalars())
            conn.execute(update(hook_events).where(t.id.in_(ids)).values(
                status="claimed", claimed_by=worker, lease_until=at + lease,
                attempts=t.attempts + 1))
            rows = conn.execute(select(hook_events).where(t.id.in_(ids)).order_by(t.id)
                                ).mappings().all()
        return Claim(worker, tuple(_event(r) for r in rows))

    def recorded(self, crm: str, account: str, record_id: str, modified: str) -> int | None:
        """The run that recorded this change of the record, if one did."""
        r = hook_records.c
        with self.db.connect() as conn:
            found: int | None = conn.execute(select(r.run_id).where(
                (r.crm == crm) & (r.account == account) & (r.record_id == record_id)
                & (r.modified == modified))).scalar()
        return found

    def finish(self, claim: Claim, *, modified: str | None, run_id: int | None,
               repeat: bool = False) -> str:
        """Mark a claim finished: recorded by ``run_id`` (its key kept), or a duplicate of a
        change recorded before (``run_id`` None, or ``repeat``: the run was recorded before).
        The latest event gets the status, the others are ``coalesced`` into it. Returns the
        latest event's status."""
        at = now()
        latest = claim.latest
        with self.db.begin() as conn:
            added = run_id is not None and (modified is None or self._keep(
                conn, latest, modified, run_id, at))
            status = "done" if added and not repeat else "duplicate"
            mine = hook_events.c.claimed_by == claim.worker
            conn.execute(update(hook_events).where((hook_events.c.id == latest.id) & mine)
                         .values(status=status, finished_at=at, run_id=run_id,
                                 lease_until=None, modified=modified))
            conn.execute(update(hook_events).where(
                hook_events.c.id.in_(claim.ids[:-1]) & mine).values(
                status="coalesced", finished_at=at, run_id=run_id, lease_until=None))
        return status

    @staticmethod
    def _keep(conn: Connection, event: HookEvent, modified: str, run_id: int,
              at: dt.datetime) -> bool:
        """Keep the key of a recorded change; False if it was kept before."""
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        added = conn.execute(dialect.insert(hook_records).values(
            crm=event.crm, account=event.account, record_id=event.record_id,
            modified=modified, run_id=run_id, event_id=event.id, recorded_at=at)
            .on_conflict_do_nothing().returning(hook_records.c.run_id))
        return added.first() is not None  # (rowcount is -1 on PostgreSQL)

    def retry(self, claim: Claim, error: Diagnostic, delay: dt.timedelta,
              max_attempts: int) -> str:
        """Put a failed claim back, to be tried after ``delay``; after ``max_attempts``
        attempts it is given up (``failed``). Returns the new status."""
        at = now()
        status = "failed" if claim.attempts >= max_attempts else "pending"
        with self.db.begin() as conn:
            conn.execute(update(hook_events).where(
                hook_events.c.id.in_(claim.ids)
                & (hook_events.c.claimed_by == claim.worker)).values(
                status=status, next_attempt_at=at + delay, lease_until=None,
                last_error=json.dumps(error.as_dict(), ensure_ascii=False),
                finished_at=at if status == "failed" else None))
        return status

    def give_up(self, claim: Claim, error: Diagnostic) -> None:
        """A failure no retry can mend (the record is gone, its facts are wrong)."""
        self.retry(claim, error, dt.timedelta(0), max_attempts=0)

    def failed(self, limit: int = 100) -> list[HookEvent]:
        """Events that failed: given up, or waiting to be tried again; newest first."""
        t = hook_events.c
        with self.db.connect() as conn:
            rows = conn.execute(select(hook_events).where(
                (t.status == "failed") | ((t.status == "pending") & t.last_error.is_not(None)))
                .order_by(t.id.desc()).limit(limit)).mappings().all()
        return [_event(r) for r in rows]

    def requeue(self, event_ids: Sequence[int]) -> int:
        """Try given-up events again from the start; how many were requeued."""
        t = hook_events.c
        with self.db.begin() as conn:
            done = conn.execute(update(hook_events).where(
                t.id.in_(list(event_ids)) & (t.status == "failed")).values(
                status="pending", attempts=0, next_attempt_at=now(), finished_at=None))
        return int(done.rowcount)

    def counts(self) -> dict[str, int]:
        """How many events are in each status (every status named, 0 when none)."""
        t = hook_events.c
        with self.db.connect() as conn:
            rows = conn.execute(select(t.status, func.count()).group_by(t.status)).all()
        found: dict[str, int] = {status: count for status, count in rows}
        return {s: int(found.get(s, 0)) for s in STATUSES}

    def get(self, event_id: int) -> HookEvent | None:
        with self.db.connect() as conn:
            row = conn.execute(select(hook_events).where(hook_events.c.id == event_id)
                               ).mappings().first()
        return _event(row) if row else None
