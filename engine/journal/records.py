"""What the journal returns: plain frozen records, each with ``as_dict()`` for JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.journal.policy import Counts


class JournalRecord:
    def as_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name))
                for f in dataclasses.fields(self)}  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, JournalRecord):
        return value.as_dict()
    if isinstance(value, Counts):
        return dataclasses.asdict(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class RunInfo(JournalRecord):
    """What identifies a run: the same three again is the same run, recorded once."""

    as_of: dt.date
    kb_version: str
    input_digest: str


@dataclass(frozen=True)
class ClientSummary(JournalRecord):
    client_id: str
    counts: Counts


@dataclass(frozen=True)
class RunSummary(JournalRecord):
    run_id: int
    as_of: dt.date
    kb_version: str
    input_digest: str
    repeat: bool  # the same run was recorded before: nothing was added
    clients: tuple[ClientSummary, ...]
    total: Counts


@dataclass(frozen=True)
class ChangeRecord(JournalRecord):
    client_id: str
    kind: str
    id: str
    change: str  # new, changed, resolved
    status: str  # the advice's status now
    priority: int
    title: str
    reason: str
    run_id: int
    as_of: dt.date


@dataclass(frozen=True)
class InboxItem(JournalRecord):
    client_id: str
    kind: str
    id: str
    status: str
    priority: int
    title: str
    reason: str
    since_run: int  # the run that first recommended it


@dataclass(frozen=True)
class HistoryEntry(JournalRecord):
    client_id: str
    kind: str
    id: str
    event: str  # new, changed, resolved (a run) or done, dismissed, snoozed (a person)
    status: str  # the advice's status after it
    run_id: int | None
    as_of: dt.date | None  # the run's day; none for a person's act
    at: dt.datetime
    note: str | None  # the advice's reason (a run) or the person's comment
    dismiss_reason: str | None
    until: dt.date | None


@dataclass(frozen=True)
class Advice(JournalRecord):
    """One piece of advice as it stands now (after done, dismiss or snooze)."""

    client_id: str
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
