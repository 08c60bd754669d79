"""The run journal over three days of a 200-client portfolio, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

import engine
from engine import journal
from engine.errors import DiagnosticsError
from tests.journal.support import AS_OF, count, keys, portfolio, record

DAY2 = AS_OF + dt.timedelta(days=1)


def changed(j: journal.Journal, change: str, **query: object) -> set[tuple[str, str, str]]:
    return {(c.client_id, c.kind, c.id) for c in j.changes(**query)  # type: ignore[arg-type]
            if c.change == change}


@pytest.mark.slow
def test_three_days_of_a_portfolio(target: str, kb: engine.KnowledgeBase) -> None:
    clients = portfolio(kb)
    day1 = keys(clients, kb, AS_OF)
    with journal.open(target) as j:
        first = record(j, kb, clients, AS_OF)
        assert first.total.new == len(day1) and not first.repeat
        assert (first.clients, first.moved) == (len(clients), len(clients))
        assert [s.client_id for s in first.shown] == [c["id"] for c in clients[:50]]
        rows = {t: count(target, t) for t in ("runs", "events", "advice", "run_clients")}

        again = record(j, kb, clients, AS_OF)  # the same run: nothing added
        assert again.repeat and again.run_id == first.run_id
        assert (again.total.new, again.total.changed, again.total.resolved) == (0, 0, 0)
        assert again.total.unchanged == len(day1)
        assert {t: count(target, t) for t in rows} == rows

        # one client's facts change the same day: exactly that client's advice moves
        who = next(c["id"] for c in clients if c["nps"] >= 9)
        moved = [dict(c, nps=1) if c["id"] == who else c for c in clients]
        record(j, kb, moved, AS_OF)
        after = keys(moved, kb, AS_OF)
        assert changed(j, "new") == after - day1 and after - day1
        assert changed(j, "resolved") == day1 - after
        assert {c.client_id for c in j.changes()} == {who}

        # the next day: new and resolved are what recommend() itself added and dropped
        second = record(j, kb, moved, DAY2)
        day2 = keys(moved, kb, DAY2)
        assert changed(j, "new") == day2 - after
        assert changed(j, "resolved") == after - day2
        assert second.total.new == len(day2 - after)
        assert second.total.new + second.total.changed + second.total.unchanged == len(day2)
        todos = keys(moved, kb, DAY2, roles=("todo",))
        assert {(i.client_id, i.kind, i.id) for i in j.inbox().items} == todos
        assert {(i.client_id, i.kind, i.id) for i in j.inbox(new_only=True).items} == \
            todos - after


def test_changes_since_a_run_or_a_day_net_the_runs(target: str,
                                                   kb: engine.KnowledgeBase) -> None:
    clients = portfolio(kb, 30)
    with journal.open(target) as j:
        first = record(j, kb, clients, AS_OF)
        for days in (1, 2):
            record(j, kb, clients, AS_OF + dt.timedelta(days=days))
        day1, day3 = keys(clients, kb, AS_OF), keys(clients, kb, AS_OF + dt.timedelta(days=2))
        assert changed(j, "new", since=first.run_id) == day3 - day1
        assert changed(j, "resolved", since=AS_OF) == day1 - day3
        assert changed(j, "new", since=AS_OF - dt.timedelta(days=1)) == day3
        with pytest.raises(DiagnosticsError) as error:
            j.changes(since=99)
        assert str(error.value.diagnostics[0].message) == "the journal has no run 99"


def test_a_reason_whose_day_count_moved_is_not_a_change(target: str,
                                                         kb: engine.KnowledgeBase) -> None:
    silent = {"id": "quiet", "project_type": "lead_gen", "completed_steps": ["qualification"],
              "last_contact_on": "2026-08-01"}
    with journal.open(target) as j:
        record(j, kb, [silent], AS_OF)
        before = {i.id: i.reason for i in j.inbox().items}
        summary = record(j, kb, [silent], DAY2)
        after = {i.id: i.reason for i in j.inbox().items}
        moved = [k for k in before if before[k] != after[k]]
        assert moved, "a reason names the days since the last contact"
        assert summary.total.changed == 0 and summary.total.new == 0
        assert all(i.status == "open" for i in j.inbox().items)


def test_facts_are_kept_once_per_distinct_client(target: str, kb: engine.KnowledgeBase) -> None:
    clients = portfolio(kb, 20)
    with journal.open(target) as j:
        record(j, kb, clients, AS_OF)
        record(j, kb, clients, DAY2)
    assert count(target, "client_facts") == 20
    assert count(target, "run_clients") == 40


def test_a_client_twice_in_one_run_is_refused(target: str, kb: engine.KnowledgeBase) -> None:
    clients = portfolio(kb, 3)
    with journal.open(target) as j, pytest.raises(DiagnosticsError) as error:
        record(j, kb, [*clients, clients[1]], AS_OF)
    assert error.value.diagnostics[0].message == "client 'c1' appears twice in the run"


def test_a_client_twice_in_different_batches_is_refused(target: str,
                                                       kb: engine.KnowledgeBase) -> None:
    """The run holds no list of its clients (memory stays flat): the database's key on each
    run's clients finds the second one, and names it."""
    clients = portfolio(kb, 5)
    with journal.open(target) as j, pytest.raises(DiagnosticsError) as error:
        record(j, kb, [*clients, clients[1]], AS_OF, batch_size=2)
    assert error.value.diagnostics[0].message == "client 'c1' appears twice in the run"
    assert count(target, "run_clients") == 4  # the batches before it are kept (resumable)


def test_a_run_imports_only_what_it_records_with() -> None:
    """The views' modules (and the webhook events') are imported when first used: a run that
    records does not pay for them; their names are still the package's."""
    code = ("import sys, engine.journal as j\n"
            "views = ('digest', 'hooks', 'people', 'queries', 'stats', 'team', 'todos')\n"
            "assert not [v for v in views if f'engine.journal.{v}' in sys.modules]\n"
            "assert 'sqlalchemy.dialects.postgresql' not in sys.modules\n"
            "from engine.journal import Inbox, Team\n"
            "assert (Inbox.__name__, j.Digest.__module__) == ('Inbox', 'engine.journal.digest')\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="Nothing"):
        journal.Nothing  # noqa: B018
