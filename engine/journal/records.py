"""What the journal returns: frozen pydantic models (so a service can publish their JSON
Schema), each with ``as_dict()`` for JSON. Views for people are in views.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from engine.journal.policy import Counts
from engine.model_base import Model


class JournalRecord(Model):
    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RunInfo(JournalRecord):
    """What identifies a run: the same three again is the same run, recorded once; and the
    language its titles and reasons are written in."""

    as_of: dt.date
    kb_version: str
    input_digest: str
    lang: str = "en"


class ClientSummary(JournalRecord):
    client_id: str
    counts: Counts
    client_name: str | None = None


class RunSummary(JournalRecord):
    """A run's totals: the clients it recorded, how many of them had advice that moved, the
    first of those (at most 50; run_clients holds every client's counts) and the total."""

    run_id: int
    as_of: dt.date
    kb_version: str
    input_digest: str
    repeat: bool  # the same run was recorded before: nothing was added
    clients: int
    moved: int
    shown: tuple[ClientSummary, ...]
    total: Counts


class ChangeRecord(JournalRecord):
    """What runs changed about one piece of advice: ``new``, ``changed`` (with what its
    decision was before and after: priority, what it waits for, due date, kind of a journey
    step) or ``resolved``."""

    client_id: str
    # who and where the client is, as its latest run said (the clients table); the CRM link is
    # the client's own, else the view's template's
    client_name: str | None = None
    owner: str | None = None
    crm_url: str | None = None
    kind: str
    id: str
    change: str  # new, changed, resolved
    status: str  # the advice's status now
    priority: int
    title: str
    reason: str
    run_id: int
    as_of: dt.date
    before: dict[str, Any] = Field(default_factory=dict)
    after: dict[str, Any] = Field(default_factory=dict)


class HistoryEntry(JournalRecord):
    client_id: str
    client_name: str | None = None  # who and where: as ChangeRecord
    owner: str | None = None
    crm_url: str | None = None
    kind: str
    id: str
    title: str | None = None
    event: str  # new, changed, resolved (a run) or done, dismissed, snoozed (a person)
    status: str  # the advice's status after it
    run_id: int | None
    as_of: dt.date | None  # the run's day; none for a person's act
    day: dt.date | None = None  # the run's day, or the day a person's act counts for
    at: dt.datetime
    actor: str | None = None  # who acted (a person's act)
    note: str | None  # the advice's reason (a run) or the person's comment
    dismiss_reason: str | None
    until: dt.date | None
    before: dict[str, Any] = Field(default_factory=dict)
    after: dict[str, Any] = Field(default_factory=dict)


class Advice(JournalRecord):
    """One piece of advice as it stands now (after done, dismiss or snooze)."""

    client_id: str
    client_name: str | None = None  # who and where: as ChangeRecord
    owner: str | None = None
    crm_url: str | None = None
    kind: str
    id: str
    status: str
    priority: int
    title: str
    reason: str
    closed_on: dt.date | None
    snoozed_until: dt.date | None
    dismiss_reason: str | None
    comment: str | None
    role: str = "todo"  # todo, blocked or guide (engine/journal/duties.py)
    due_on: dt.date | None = None
    actor: str | None = None
