"""Webhook events: stored when a CRM posts them, claimed by one worker, finished once.

Where they are kept (``store``): on PostgreSQL in the journal's own database (``hook_events``);
on SQLite in a file of their own beside the journal (``FILE-hooks``, WAL as the journal), so that
storing an event never waits for SQLite's one write lock of the journal, which a worker holds
while it records a run: the CRM's answer waits only for the other short writes of the events
(a claim, a finish). The changes recorded (``hook_records``) stay in the journal, next to the
runs that recorded them.

- ``add`` stores events in one transaction (the service answers the CRM only after it);
- ``claim`` gives a worker the oldest due event together with every other waiting event of the
  same record (they are coalesced: the record is fetched and recorded once). A claim is a lease:
  a worker that dies leaves it to expire, and the event is claimed again. On PostgreSQL the
  claim takes its rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, so several servers share
  one journal and each event is claimed by exactly one of them at a time; SQLite's writer lock
  (``BEGIN IMMEDIATE``) does the same on one machine;
- ``finish`` marks a claim recorded and keeps its key (CRM, account, record id, modification
  time) in ``hook_records``: ``recorded`` finds a key recorded before, so the same change of a
  record is recorded at most once, however often it is posted (on SQLite the key and the
  event's status are two commits, to two files: a worker that dies between them leaves the
  event to be claimed again, and it is found recorded: ``duplicate``);
- ``retry`` puts a claim back with a delay (or gives it up after the last attempt), keeping
  the error; ``failed`` lists what is waiting to be tried again or was given up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite

from engine.errors import Diagnostic
from engine.journal.database import connect, database_errors
from engine.journal.record import now
from engine.journal.records import JournalRecord
from engine.journal.tables import hook_events, hook_records

STATUSES = ("pending", "claimed", "done", "duplicate", "coalesced", "failed")
STORE = "-hooks"  # a SQLite journal's events are kept in FILE-hooks beside it


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


def store(journal: Engine) -> Engine:
    """Where the events of a journal are kept: the journal's database itself on PostgreSQL (no
    lock there is the whole database's); on SQLite the file ``FILE-hooks`` beside the journal,
    made when first needed, with the events the journal's own ``hook_events`` held (a journal
    written before the events had a file of their own) moved into it."""
    if journal.dialect.name != "sqlite":
        return journal
    where = f"{journal.url.database}{STORE}"
    events = connect(where)
    try:
        with database_errors(where):
            _made(events, journal)
    except BaseException:
        events.dispose()
        raise
    return events


def _made(events: Engine, journal: Engine) -> None:
    """The events' table in ``events``, made once (two servers opening it at once: the second
    waits for the first's write lock, then finds it)."""
    with events.begin() as conn:
        if inspect(conn).has_table(hook_events.name):
            return
        hook_events.create(conn)
        with journal.connect() as old:
            rows = [dict(r) for r in old.execute(select(hook_events)).mappings()]
        if rows:
            conn.execute(insert(hook_events), rows)
    if rows:  # moved: kept in the events' file now (if this stops first, they stay unread)
        with journal.begin() as conn:
            conn.execute(delete(hook_events))


class Hooks:
    """The webhook events of one journal: ``db`` where the events are kept (``store``),
    ``journal`` the journal's database, where the recorded changes are kept (the same
    database on PostgreSQL)."""

    def __init__(self, db: Engine, journal: Engine | None = None) -> None:
        self.db = db
        self.journal = db if journal is None else journal
        # SQLite: this process's writers of the events take turns here, waiting without
        # polling, before they take SQLite's write lock (which a waiting writer polls for)
        self._turn: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if db.dialect.name == "sqlite" else contextlib.nullcontext())

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction on the events' database."""
        with self._turn, self.db.begin() as conn:
            yield conn

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
        with self._writing() as conn:
            return [conn.execute(insert(hook_events).values(row).returning(hook_events.c.id))
                    .scalar_one() for row in rows]

    def claim(self, worker: str, lease: dt.timedelta) -> Claim | None:
        """The oldest due event and the other waiting events of its record, leased to
        ``worker``; None when nothing is due."""
        at = now()
        t = hook_events.c
        due = ((t.status == "pending") & (t.next_attempt_at <= at)) | (
            (t.status == "claimed") & (t.lease_until < at))
        with self._writing() as conn:
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
        with self.journal.connect() as conn:
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
        with self.journal.begin() as conn:
            added = run_id is not None and (modified is None or self._keep(
                conn, latest, modified, run_id, at))
            status = "done" if added and not repeat else "duplicate"
            if self.db is self.journal:  # one database: the key and the status in one commit
                self._finished(conn, claim, status, modified, run_id, at)
        if self.db is not self.journal:
            with self._writing() as conn:
                self._finished(conn, claim, status, modified, run_id, at)
        return status

    @staticmethod
    def _finished(conn: Connection, claim: Claim, status: str, modified: str | None,
                  run_id: int | None, at: dt.datetime) -> None:
        mine = hook_events.c.claimed_by == claim.worker
        conn.execute(update(hook_events).where((hook_events.c.id == claim.latest.id) & mine)
                     .values(status=status, finished_at=at, run_id=run_id,
                             lease_until=None, modified=modified))
        conn.execute(update(hook_events).where(
            hook_events.c.id.in_(claim.ids[:-1]) & mine).values(
            status="coalesced", finished_at=at, run_id=run_id, lease_until=None))

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
        with self._writing() as conn:
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
        with self._writing() as conn:
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
