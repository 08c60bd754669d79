"""The webhook events in the journal's database: stored, claimed by one worker at a time (a lease
that a dead worker leaves to expire), coalesced by record, finished once, retried and given up;
SQLite and PostgreSQL alike, and many claimers at once on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

from engine import journal
from engine.errors import Diagnostic, Location
from engine.journal.hooks import Claim, NewEvent

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
        dead = hooks.claim("dead", dt.timedelta(seconds=0.2))
        assert dead is not None and hooks.claim("alive", LEASE) is None
        time.sleep(0.3)
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
