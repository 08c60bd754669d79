"""The client card and the head's view, read through the desk (engine/web/desk.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import DiagnosticsError
from engine.journal import HistoryEntry, OwnerSummary
from engine.models import Held
from engine.render.pages import GroupView, group_views
from engine.runtime.recommend import recommend
from engine.web.desk import TOP_RISKS, Desk, Facts, link, name_of


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
class DetractorRow:
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
class TeamPage:
    as_of: dt.date | None
    rows: list[OwnerSummary]  # everyone who owns a client, those with no to-do too
    detractors: list[DetractorRow]
    risks: list[Risk]


def team_page(desk: Desk, lang: str) -> TeamPage:
    """The journal's head's view (engine/journal/team.py) for the page: per owner, open,
    overdue and escalated to-dos and what people closed in the last 7 and 30 days; the
    detractors; the most urgent risks."""
    clients = desk.portfolio()
    view = desk.journal.team(today=desk.today(), kb=desk.kb, lang=lang, crm_url=desk.crm_url)
    known = {s.owner for s in view.owners}
    rows = list(view.owners)
    rows += [OwnerSummary(owner=o, clients=0, open=0, overdue=0, escalated=0, done_7=0,
                          done_30=0, dismissed_7=0, dismissed_30=0, detractors=(), risks=())
             for o in desk.owners(clients) if o not in known]
    rows.sort(key=lambda r: (r.owner is None, r.owner or ""))
    detractors = sorted((DetractorRow(d.client_id, d.name or d.client_id, d.nps, s.owner)
                         for s in view.owners for d in s.detractors),
                        key=lambda d: (d.nps, d.name))
    risks = sorted((Risk(i.client_id, i.client_name or i.client_id, i.title, i.owner,
                         i.priority) for s in view.owners for i in s.risks),
                   key=lambda r: (-r.priority, r.client_id, r.title))[:TOP_RISKS]
    return TeamPage(desk.today() if clients else None, rows, detractors, risks)
