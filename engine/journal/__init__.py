"""The run journal: a memory of advice across runs, in SQLite (a file path) or PostgreSQL (a URL).

    from engine import journal
    with journal.open("journal.db") as j:
        summary = j.record(((c, engine.recommend(c, kb=kb, as_of=day)) for c in clients),
                           as_of=day, kb_version=kb.version,
                           input_digest=journal.input_digest(clients), policy=kb.journal)
        j.changes(); j.inbox(client="acme"); j.dismiss("acme", "upsell", "serm", "not_relevant")

recommend() stays pure: the journal is a layer on top of it. States and their rules:
engine/journal/policy.py and docs/journal.md. Needs the ``journal`` extra (SQLAlchemy, Alembic),
and ``postgres`` for a PostgreSQL driver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from engine.journal import people, queries
from engine.journal.database import connect, database_error, driver_errors, migrate, unreachable
from engine.journal.hooks import Hooks
from engine.journal.policy import Counts
from engine.journal.record import BATCH, Pair, input_digest, record
from engine.journal.records import (
    Advice,
    ChangeRecord,
    ClientSummary,
    HistoryEntry,
    InboxItem,
    RunInfo,
    RunSummary,
)
from engine.models import JournalSettings

__all__ = [
    "Advice", "ChangeRecord", "ClientSummary", "Counts", "HistoryEntry", "InboxItem", "Journal",
    "RunInfo", "RunSummary", "input_digest", "open",
]


class Journal:
    """An open journal, migrated to the newest schema. Close it (or use ``with``)."""

    def __init__(self, target: str | Path) -> None:
        target = str(target)
        self.where = target if "://" not in target else target.split("@")[-1]
        self.db = connect(target)
        try:
            migrate(self.db, self.where)
        except driver_errors() as exc:
            self.db.dispose()
            raise unreachable(exc, self.where) from None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Closes the journal; a failure of its database inside ``with`` comes out as a
        diagnostic (a damaged or read-only file, a value the database cannot hold)."""
        self.close()
        if exc is not None and isinstance(exc, driver_errors()):
            raise database_error(exc, self.where) from None

    def close(self) -> None:
        self.db.dispose()

    @property
    def hooks(self) -> Hooks:
        """The webhook events ``playbook serve`` stored (engine/journal/hooks.py)."""
        return Hooks(self.db)

    def record(self, pairs: Iterable[Pair], *, as_of: dt.date, kb_version: str,
               input_digest: str, policy: JournalSettings | None = None,
               batch_size: int = BATCH) -> RunSummary:
        """Record a run: (client facts, Recommendation) pairs in input order, each batch of
        clients committed as one transaction, the run marked complete at the end."""
        info = RunInfo(as_of, kb_version, input_digest)
        return record(self.db, self.where, pairs, info, policy or JournalSettings(), batch_size)

    def changes(self, since: int | dt.date | None = None) -> list[ChangeRecord]:
        return queries.changes(self.db, self.where, since)

    def inbox(self, client: str | None = None, kind: str | None = None,
              new_only: bool = False) -> list[InboxItem]:
        return queries.inbox(self.db, client, kind, new_only)

    def history(self, client: str) -> list[HistoryEntry]:
        return queries.history(self.db, self.where, client)

    def clients(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """The facts of a run's clients in input order (default: the latest complete run)."""
        return queries.clients(self.db, self.where, run_id)

    def done(self, client: str, kind: str, action_id: str, comment: str | None = None) -> Advice:
        return people.act(self.db, self.where, (client, kind, action_id), "done",
                          comment=comment)

    def dismiss(self, client: str, kind: str, action_id: str, reason: str | None,
                comment: str | None = None) -> Advice:
        return people.act(self.db, self.where, (client, kind, action_id), "dismissed",
                          reason=reason, comment=comment)

    def snooze(self, client: str, kind: str, action_id: str, until: dt.date | None,
               comment: str | None = None) -> Advice:
        return people.act(self.db, self.where, (client, kind, action_id), "snoozed",
                          until=until, comment=comment)


def open(target: str | Path) -> Journal:
    """Open (creating or migrating) the journal at a SQLite path or a database URL."""
    return Journal(target)
