"""The client card and the head's view, read through the desk (engine/web/desk.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import DiagnosticsError
from engine.journal import HistoryEntry, InboxItem
from engine.models import Held
from engine.render.pages import GroupView, group_views
from engine.runtime.recommend import recommend
from engine.web.desk import DETRACTOR_NPS, TOP_RISKS, Desk, Facts, link, name_of


@dataclass(frozen=True)
class Event:
    day: dt.date
    event: str  # new, changed, resolved (a run); done, dismissed, snoozed (a person)
    kind: str
    id: str
    title: str
    run_id: int | None
    by: str | None
    dismiss_reason: str | None
    until: dt.date | None
    comment: str | None


@dataclass(frozen=True)
class Card:
    client_id: str
    name: str
    owner: str | None
    journey: str | None  # the title of the client's journey map (its project type)
    industry: str | None
    budget: float | None
    nps: int | None
    client_since: dt.date | None
    last_contact_on: dt.date | None
    crm_url: str | None
    as_of: dt.date
    groups: Sequence[GroupView]
    held: list[Held]
    notes: list[str]
    history: list[Event]


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def card(desk: Desk, facts: Facts, lang: str) -> Card:
    """The client as ``dry-run`` shows it today, and everything that happened to its advice."""
    rec = recommend(facts, kb=desk.kb, as_of=desk.today(), lang=lang)
    titles: dict[tuple[str, str], str] = {(a.kind, a.id): a.title for a in rec.actions}
    try:
        entries = desk.journal.history(str(facts["id"]))
    except DiagnosticsError:  # nothing recorded for it yet
        entries = []
    history = [_event(e, titles.get((e.kind, e.id), e.id)) for e in reversed(entries)]
    journey = desk.kb.journeys.get(str(facts.get("project_type")))
    return Card(str(facts["id"]), name_of(facts), facts.get("owner"),
                journey.spec.title.get(lang) if journey else facts.get("project_type"),
                facts.get("industry"), facts.get("monthly_budget"), facts.get("nps"),
                _day(facts.get("client_since")), _day(facts.get("last_contact_on")),
                link(facts.get("crm_url")), rec.as_of, group_views(rec, desk.kb, lang),
                rec.held, rec.notes, history)


def _event(e: HistoryEntry, title: str) -> Event:
    person = e.run_id is None
    return Event(e.as_of or e.at.date(), e.event, e.kind, e.id, title, e.run_id,
                 e.actor, e.dismiss_reason, e.until, e.note if person else None)


@dataclass(frozen=True)
class OwnerRow:
    owner: str | None
    clients: int
    open: int
    overdue: int | None  # none: the journal keeps no due dates
    escalated: int | None
    done_7: int
    done_30: int
    dismissed_7: int
    dismissed_30: int


@dataclass(frozen=True)
class Detractor:
    client_id: str
    name: str
    nps: int
    owner: str | None


@dataclass(frozen=True)
class Risk:
    client_id: str
    client_name: str
    title: str
    owner: str | None
    priority: int


@dataclass(frozen=True)
class Team:
    as_of: dt.date | None
    rows: list[OwnerRow]
    detractors: list[Detractor]
    risks: list[Risk]


def team(desk: Desk, lang: str) -> Team:
    """Per owner, the open advice and what people closed in the last 7 and 30 days; the
    detractors; the most urgent open warnings."""
    clients = desk.portfolio()
    items = list(desk.journal.inbox(today=desk.today()).items)
    owners = sorted({f.get("owner") for f in clients.values()}, key=lambda o: (o is None, o))
    rows = [_row(desk, owner, [c for c, f in clients.items() if f.get("owner") == owner],
                 items) for owner in owners]
    detractors = sorted((Detractor(c, name_of(f), f["nps"], f.get("owner"))
                         for c, f in clients.items()
                         if isinstance(f.get("nps"), int) and f["nps"] <= DETRACTOR_NPS),
                        key=lambda d: (d.nps, d.name))
    return Team(desk.today() if clients else None, rows, detractors,
                _risks(desk, items, clients, lang))


def _row(desk: Desk, owner: str | None, ids: list[str], items: list[InboxItem]) -> OwnerRow:
    mine = set(ids)
    today = desk.today()
    closed: Counter[tuple[str, int]] = Counter()
    for client in ids:
        for e in _history(desk, client):
            age = (today - e.at.date()).days
            if e.event in ("done", "dismissed"):
                closed.update((e.event, days) for days in (7, 30) if age < days)
    own = [i for i in items if i.client_id in mine]
    return OwnerRow(owner, len(ids), len(own), sum(i.overdue_days > 0 for i in own),
                    sum(i.escalated for i in own), closed["done", 7], closed["done", 30],
                    closed["dismissed", 7], closed["dismissed", 30])


def _history(desk: Desk, client: str) -> list[HistoryEntry]:
    try:
        return desk.journal.history(client)
    except DiagnosticsError:
        return []


def _risks(desk: Desk, items: list[InboxItem], clients: dict[str, Facts],
           lang: str) -> list[Risk]:
    warnings = sorted((i for i in items if i.kind == "warning" and i.client_id in clients),
                      key=lambda i: (-i.priority, i.client_id, i.id))[:TOP_RISKS]
    return [Risk(i.client_id, name_of(clients[i.client_id]),
                 desk.title((i.client_id, i.kind, i.id), clients, lang),
                 clients[i.client_id].get("owner"), i.priority) for i in warnings]
