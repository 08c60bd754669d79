"""The run journal over three days of a 200-client portfolio, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

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


def test_each_new_advice_is_logged_once_in_the_order_written(
        target: str, kb: engine.KnowledgeBase) -> None:
    """A run's ``new`` events: on SQLite made from the advice rows it inserted (by rowid), on
    PostgreSQL written row by row."""
    new_advice_logged_in_order(target, kb, rowids="in sequence")


def test_new_advice_is_logged_row_by_row_where_sqlite_rowids_do_not_follow(
        tmp_path: Path, kb: engine.KnowledgeBase) -> None:
    """Where SQLite's rowids do not follow each other (a row at the largest rowid: SQLite then
    picks free ones at random), each event is written as a row (rowids are SQLite's alone)."""
    new_advice_logged_in_order(str(tmp_path / "journal.db"), kb, rowids="out of sequence")


def new_advice_logged_in_order(target: str, kb: engine.KnowledgeBase, *, rowids: str) -> None:
    clients = portfolio(kb, n=30)
    with journal.open(target) as j:
        if rowids == "out of sequence":
            with j.db.begin() as conn:
                conn.execute(text(
                    "INSERT INTO advice (rowid, fingerprint, client_id, kind, action_id, title, "
                    "reason, priority, rules, status, matching, stopped, first_run, last_run) "
                    "VALUES (9223372036854775807, 'f', 'other', 'warning', 'x', '', '', 1, '', "
                    "'resolved', 0, 0, 1, 1)"))
        record(j, kb, clients, AS_OF, batch_size=7)
        with j.db.connect() as conn:
            written = conn.execute(text(
                "SELECT client_id, kind, action_id FROM advice WHERE client_id != 'other' "
                "ORDER BY client_id, first_run")).all()
            logged = conn.execute(text(
                "SELECT client_id, kind, action_id, event, status, run_id, day, at IS NOT NULL "
                "FROM events ORDER BY id")).all()
    assert sorted(logged) == sorted((*w, "new", "new", 1, AS_OF.isoformat()
                                     if "://" not in target else AS_OF, True) for w in written)
    assert len(logged) == len(keys(clients, kb, AS_OF))
    for client in clients:  # each client's in the order its advice was recommended
        assert [tuple(row[:3]) for row in logged if row[0] == client["id"]] == \
            keys_in_order(client, kb)


def keys_in_order(client: dict[str, object], kb: engine.KnowledgeBase) -> list[tuple[str, ...]]:
    policy = journal.Policy.of(kb)
    found = dict.fromkeys((str(client["id"]), a.kind, a.id)
                          for a in engine.recommend(client, kb=kb, as_of=AS_OF).actions
                          if policy.role(a.kind, a.rules) != "guide")
    return list(found)


def test_every_event_and_run_client_names_a_recorded_run(target: str,
                                                         kb: engine.KnowledgeBase) -> None:
    """No foreign key checks it (0008): the recording writes the id of the run it started,
    a person's act none; a run stopped midway and recorded again adds to the same run."""
    clients = portfolio(kb, n=25)
    with journal.open(target) as j:
        record(j, kb, clients, AS_OF, batch_size=10)
        first = next(i for i in j.inbox().items)
        j.done(first.client_id, first.kind, first.id)
        record(j, kb, clients[:12], DAY2, batch_size=5)
        with j.db.connect() as conn:
            runs = set(conn.execute(text("SELECT id FROM runs")).scalars())
            logged = conn.execute(text("SELECT run_id, event FROM events")).all()
            recorded = conn.execute(text("SELECT run_id, count(*) FROM run_clients "
                                         "GROUP BY run_id ORDER BY run_id")).all()
    assert runs == {1, 2}
    assert 1 in {r for r, e in logged if e != "done"} <= runs
    assert [r for r, e in logged if e == "done"] == [None]
    assert recorded == [(1, 25), (2, 12)]
