"""The webhook events of a journal: stored, claimed by one worker at a time (a lease that a dead
worker leaves to expire), coalesced by record, finished once, retried and given up; SQLite and
PostgreSQL alike, and many claimers at once on PostgreSQL. On SQLite they are kept beside the
journal: stored while the journal's write lock is held, and moved there from a journal that
held them before."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, insert, select

from engine import journal
from engine.errors import Diagnostic, Location
from engine.journal.hooks import Claim, NewEvent
from engine.journal.tables import hook_events

LEASE = dt.timedelta(seconds=30)
ERROR = Diagnostic("crm-rate-limited", "Bitrix24 answered 503", Location("bitrix24 deal 1"))


def event(record: str, modified: str | None = None, crm: str = "bitrix24") -> NewEvent:
    return NewEvent(crm=crm, account="portal", record_id=record, action="ONCRMDEALUPDATE",
                    modified=modified, payload={"event": "ONCRMDEALUPDATE", "id": record})


def test_events_of_one_record_are_claimed_together_and_finished_once(target: str) -> None:
    with journal.open(target) as j:
        hooks = j.hooks
        ids = hooks.add([event("1"), event("2"), event("1")])
        first = hooks.claim("w1", LEASE)
        assert first is not None and first.ids == [ids[0], ids[2]]  # coalesced by record
        second = hooks.claim("w2", LEASE)
        assert second is not None and second.ids == [ids[1]]
        assert hooks.claim("w3", LEASE) is None
        assert hooks.finish(first, modified="m1", run_id=7) == "done"
        assert hooks.recorded("bitrix24", "portal", "1", "m1") == 7
        assert hooks.recorded("bitrix24", "portal", "1", "m2") is None
        hooks.add([event("1")])
        again = hooks.claim("w1", LEASE)
        assert again is not None
        assert hooks.finish(again, modified="m1", run_id=8) == "duplicate"  # kept before
        assert hooks.counts() | {"claimed": 1} == {
            "pending": 0, "claimed": 1, "done": 1, "duplicate": 1, "coalesced": 1, "failed": 0}
        assert [e.payload for e in first.events] == [{"event": "ONCRMDEALUPDATE", "id": "1"}] * 2


def test_a_dead_workers_lease_expires_and_a_late_finish_is_ignored(target: str) -> None:
    with journal.open(target) as j:
        hooks = j.hooks
        hooks.add([event("1")])
        short = dt.timedelta(seconds=1)  # long enough for the next claim on a loaded machine
        dead = hooks.claim("dead", short)
        assert dead is not None and hooks.claim("alive", LEASE) is None
        time.sleep(short.total_seconds() + 0.1)
        alive = hooks.claim("alive", LEASE)
        assert alive is not None and alive.ids == dead.ids and alive.attempts == 2
        # the slow worker comes back after recording: the change's key is its, the event
        # stays the live claim's
        hooks.finish(dead, modified="m", run_id=1)
        (found,) = [hooks.get(i) for i in alive.ids]
        assert found is not None and found.status == "claimed"
        assert hooks.finish(alive, modified="m", run_id=1) == "duplicate"
        assert hooks.recorded("bitrix24", "portal", "1", "m") == 1


def test_retries_wait_their_delay_and_the_last_attempt_gives_up(target: str) -> None:
    with journal.open(target) as j:
        hooks = j.hooks
        hooks.add([event("1")])
        claim = hooks.claim("w", LEASE)
        assert claim is not None
        assert hooks.retry(claim, ERROR, dt.timedelta(seconds=0.3), max_attempts=2) == "pending"
        assert hooks.claim("w", LEASE) is None  # not before its delay
        (waiting,) = hooks.failed()
        assert (waiting.status, waiting.attempts, waiting.last_error) == (
            "pending", 1, ERROR.as_dict())
        time.sleep(0.35)
        claim = hooks.claim("w", LEASE)
        assert claim is not None and claim.attempts == 2
        assert hooks.retry(claim, ERROR, dt.timedelta(0), max_attempts=2) == "failed"
        assert hooks.claim("w", LEASE) is None
        assert [e.status for e in hooks.failed()] == ["failed"]
        assert hooks.requeue([claim.ids[0]]) == 1
        claim = hooks.claim("w", LEASE)
        assert claim is not None and claim.attempts == 1


def test_many_claimers_at_once_claim_each_event_once(postgres_server: str) -> None:
    from tests.journal.support import new_database

    url = new_database(postgres_server)
    with journal.open(url) as j:
        j.hooks.add([event(str(i)) for i in range(200)])
    claimed: list[Claim] = []
    lock = threading.Lock()

    def claimer(name: str) -> None:
        with journal.open(url) as mine:
            while (claim := mine.hooks.claim(name, LEASE)) is not None:
                with lock:
                    claimed.append(claim)
                mine.hooks.finish(claim, modified=None, run_id=1)

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = Counter(i for claim in claimed for i in claim.ids)
    assert len(ids) == 200 and set(ids.values()) == {1}
    assert len({c.worker for c in claimed}) > 1


def locked(path: Path) -> bool:
    """Whether another connection holds the SQLite file's write lock now."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def test_an_event_is_stored_while_the_journal_is_being_written(tmp_path: Path) -> None:
    """On SQLite the events are kept in a file of their own: storing one does not wait for the
    journal's write lock, which a worker holds while it records a run."""
    path = tmp_path / "journal.db"
    with journal.open(path) as j:
        hooks = j.hooks
        writer = sqlite3.connect(path, isolation_level=None)  # a run being recorded
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO hook_records VALUES ('b', 'a', '1', 'm', 1, 1, '2026-12-07')")
        try:
            assert locked(path)
            (stored,) = hooks.add([event("1")])  # blocked, it would wait 30 s and raise
            assert locked(path) and writer.in_transaction  # stored while the lock was held
            claim = hooks.claim("w", LEASE)
            assert claim is not None and claim.ids == [stored]
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert hooks.finish(claim, modified="m", run_id=3) == "done"
        assert hooks.recorded("bitrix24", "portal", "1", "m") == 3
    assert (tmp_path / "journal.db-hooks").is_file()
    with sqlite3.connect(path) as conn:  # the journal keeps the recorded change, not the event
        assert conn.execute("SELECT count(*) FROM hook_events").fetchone() == (0,)
        assert conn.execute("SELECT run_id FROM hook_records").fetchall() == [(3,)]


def test_events_a_journal_held_before_are_moved_beside_it(tmp_path: Path) -> None:
    """A SQLite journal written before the events had a file of their own: its events (a
    given-up one, a waiting one) are moved into the events' file, with their ids."""
    path = tmp_path / "journal.db"
    with journal.open(path) as j, j.db.begin() as conn:
        at = dt.datetime(2026, 12, 1, 9, 0)
        for id_, status in ((5, "failed"), (6, "pending")):
            conn.execute(insert(hook_events).values(
                id=id_, crm="bitrix24", account="portal", record_id=str(id_),
                action="ONCRMDEALUPDATE", modified=None, payload='{"id": 1}', received_at=at,
                status=status, attempts=1, next_attempt_at=at))
    with journal.open(path) as j:
        hooks = j.hooks
        assert [e.id for e in hooks.failed()] == [5]
        claim = hooks.claim("w", LEASE)
        assert claim is not None and claim.ids == [6] and claim.latest.payload == {"id": 1}
        assert hooks.add([event("7")]) == [7]
        with j.db.connect() as conn:
            assert conn.execute(select(func.count()).select_from(hook_events)).scalar() == 0
    with journal.open(path) as j:  # opened again: nothing moved twice
        assert j.hooks.counts() | {"claimed": 0, "pending": 0} == {
            "pending": 0, "claimed": 0, "done": 0, "duplicate": 0, "coalesced": 0, "failed": 1}
