"""The head's view: per account manager, their clients, open to-dos, overdue and escalated ones,
what they did (done, dismissed) in the last 7 and 30 days, their detractors and top risks."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Engine, func, select

from engine.journal.records import JournalRecord
from engine.journal.tables import clients, events
from engine.journal.texts import Lens
from engine.journal.todos import InboxItem, draft, dress, open_rows, urgency

RISKS = 3  # top risks shown per owner
DETRACTOR = 6  # NPS 0-6


class Detractor(JournalRecord):
    client_id: str
    name: str | None = None
    nps: int
    crm_url: str | None = None


class OwnerSummary(JournalRecord):
    owner: str | None  # none: clients nobody owns
    clients: int
    open: int  # open to-dos
    overdue: int
    escalated: int
    done_7: int
    done_30: int
    dismissed_7: int
    dismissed_30: int
    detractors: tuple[Detractor, ...]
    risks: tuple[InboxItem, ...]  # the most urgent of the escalated, overdue and warnings


class Team(JournalRecord):
    today: dt.date
    lang: str
    owners: tuple[OwnerSummary, ...]  # by escalated, overdue, then name
    total: OwnerSummary


def team(db: Engine, lens: Lens) -> Team:
    with db.connect() as conn:
        rows = open_rows(conn)
        todos = sorted((draft(r, lens) for r in rows if r["role"] == "todo"), key=urgency)
        who = [r._asdict() for r in conn.execute(select(
            clients.c.client_id, clients.c.name, clients.c.owner, clients.c.nps,
            clients.c.crm_id, clients.c.crm_url))]
        acts = _acts(conn, lens)
        names = sorted({w["owner"] for w in who} | {t["owner"] for t in todos},
                       key=lambda o: (o is None, o or ""))
        risks = sorted((t for t in todos if t["escalated"] or t["overdue_days"]
                        or t["kind"] == "warning"), key=_risk)
        chosen = [t for o in names for t in [r for r in risks if r["owner"] == o][:RISKS]]
        dressed = dict(zip(map(id, chosen), dress(conn, lens, chosen, [])[0], strict=True))
    owners = [_summary(o, lens, who, todos, acts, [dressed[id(t)] for t in chosen
                                                   if t["owner"] == o]) for o in names]
    owners.sort(key=lambda s: (-s.escalated, -s.overdue, s.owner is None, s.owner or ""))
    return Team(today=lens.today, lang=lens.lang, owners=tuple(owners),
                total=_summary(None, lens, who, todos, acts, [], everyone=True))


def _risk(t: dict[str, Any]) -> tuple[Any, ...]:
    return (not t["escalated"], not t["overdue_days"], -t["priority"], urgency(t))


def _acts(conn: Any, lens: Lens) -> Counter[tuple[str | None, str, int]]:
    """People's done and dismissed acts of the last 30 days: (owner, event, 7 or 30)."""
    today, start, week = lens.today, lens.days_back(30), lens.days_back(7)
    rows = conn.execute(select(clients.c.owner, events.c.event, events.c.day, func.count())
                        .outerjoin(clients, clients.c.client_id == events.c.client_id)
                        .where(events.c.event.in_(("done", "dismissed")),
                               events.c.day > start, events.c.day <= today)
                        .group_by(clients.c.owner, events.c.event, events.c.day))
    found: Counter[tuple[str | None, str, int]] = Counter()
    for owner, event, day, n in rows:
        found[owner, event, 30] += n
        if day > week:
            found[owner, event, 7] += n
    return found


def _summary(owner: str | None, lens: Lens, who: list[dict[str, Any]],
             todos: list[dict[str, Any]], acts: Counter[tuple[str | None, str, int]],
             risks: list[InboxItem], everyone: bool = False) -> OwnerSummary:
    mine = [t for t in todos if everyone or t["owner"] == owner]
    people = [w for w in who if everyone or w["owner"] == owner]

    def count(event: str, days: int) -> int:
        return sum(n for (o, e, d), n in acts.items()
                   if e == event and d == days and (everyone or o == owner))

    detractors = sorted((w for w in people if w["nps"] is not None and w["nps"] <= DETRACTOR),
                        key=lambda w: (w["nps"], w["name"] or w["client_id"]))
    return OwnerSummary(
        owner=owner, clients=len(people), open=len(mine),
        overdue=sum(1 for t in mine if t["overdue_days"]),
        escalated=sum(1 for t in mine if t["escalated"]), done_7=count("done", 7),
        done_30=count("done", 30), dismissed_7=count("dismissed", 7),
        dismissed_30=count("dismissed", 30),
        detractors=tuple(Detractor(client_id=w["client_id"], name=w["name"], nps=w["nps"],
                                   crm_url=lens.link(w["client_id"], w["crm_id"],
                                                     w["crm_url"])) for w in detractors),
        risks=tuple(risks))
