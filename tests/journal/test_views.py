"""The journal's views as library calls, on SQLite and PostgreSQL alike: an owner's inbox, the
head's view, the digest, what changed, who acted, which rules people act on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import engine
from engine import journal
from tests.journal.support import AS_OF, portfolio, record

OWNERS = ("Anna", "Boris", "Vera")


def clients(kb: engine.KnowledgeBase) -> list[dict[str, Any]]:
    return [{**c, "owner": OWNERS[i % 3], "name": f"Client {i}", "crm_id": f"D{i}"}
            for i, c in enumerate(portfolio(kb, 45))]


def test_the_views_on_either_database(target: str, kb: engine.KnowledgeBase) -> None:
    people = clients(kb)
    later = AS_OF + dt.timedelta(days=6)
    with journal.open(target) as j:
        record(j, kb, people, AS_OF)
        record(j, kb, people, AS_OF + dt.timedelta(days=1))
        box = j.inbox(owner="Anna", today=later, kb=kb, crm_url="https://crm/{crm_id}")
        assert box.items and {i.owner for i in box.items} == {"Anna"}
        assert all(i.crm_url == f"https://crm/D{str(i.client_name).split()[1]}" for i in box.items)
        assert sum(i.section == "overdue" for i in box.items) > 0
        first = box.items[0]
        j.done(first.client_id, first.kind, first.id, actor="Anna", comment="called")
        second = box.items[1]
        j.dismiss(second.client_id, second.kind, second.id, "not_relevant", actor="Anna")
        team = j.team(today=later, kb=kb)
        assert [o.owner for o in team.owners if o.owner] and team.total.clients == 45
        anna = next(o for o in team.owners if o.owner == "Anna")
        assert (anna.done_7, anna.dismissed_7, anna.open) == (1, 1, box.total - 2)
        assert team.total.overdue == sum(o.overdue for o in team.owners) > 0
        digest = j.digest(owner="Anna", today=later, kb=kb)
        assert digest.open == box.total - 2 and digest.sections[0].name == "overdue"
        stats = j.stats(by="owner")
        row = next(r for r in stats.rows if r.key == "Anna")
        assert (row.done, row.dismissed, row.reasons) == (1, 1, {"not_relevant": 1})
        assert row.median_days_to_done is not None and row.shown > 0
        by_kind = {r.key for r in j.stats(by="kind").rows}
        assert by_kind <= {"next_step", "upsell", "warning", "blocked", "communication"}
        history = j.history(first.client_id, kb=kb)
        assert [(h.event, h.actor, h.note) for h in history if h.id == first.id][-1] == (
            "done", "Anna", "called")
        record(j, kb, [{**c, "nps": 1} if c["owner"] == "Boris" else c for c in people],
               AS_OF + dt.timedelta(days=2))
        moved = j.changes(owner="Boris", kb=kb)
        assert moved and {c.owner for c in moved} == {"Boris"}
        assert all(c.before != c.after for c in moved if c.change == "changed")
        assert j.owners() == list(OWNERS)


def test_a_view_answers_for_a_day_at_the_calendars_edge(tmp_path: Path,
                                                      kb: engine.KnowledgeBase) -> None:
    """Views count days back from their day (yesterday, the last 7 and 30 days): at the
    calendar's first day the windows start there, at its last they end there (the service
    answered 500 for ``/v1/digest?as_of=0001-01-01``)."""
    with journal.open(str(tmp_path / "j.db")) as j:
        record(j, kb, clients(kb)[:3], AS_OF)
        for day in (dt.date.min, dt.date.max):
            assert j.digest(today=day).today == day
            assert j.team(today=day).total.clients == 3
            assert j.inbox(today=day).total > 0
