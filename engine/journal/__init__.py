"""The run journal: a memory of advice across runs, in SQLite (a file path) or PostgreSQL (a URL).

    from engine import journal
    with journal.open("journal.db") as j:
        summary = j.record(((c, engine.recommend(c, kb=kb, as_of=day)) for c in clients),
                           as_of=day, kb_version=kb.version,
                           input_digest=journal.input_digest(clients),
                           policy=journal.Policy.of(kb))
        j.inbox(owner="Anna", top=10, kb=kb); j.team(kb=kb); j.digest(owner="Anna", kb=kb)
        j.changes(); j.stats(by="rule"); j.history("acme")
        j.dismiss("acme", "upsell", "serm", "not_relevant", actor="Anna")

recommend() stays pure: the journal is a layer on top of it. States and their rules:
engine/journal/policy.py; to-dos, due dates and escalation: duties.py; docs/journal.md. Every
view returns data (frozen pydantic models); words for people are made in engine/render. Needs
the ``journal`` extra (SQLAlchemy, Alembic, filelock), and ``postgres`` for PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.errors import did_you_mean
from engine.journal.database import (
    connect,
    database_error,
    driver_errors,
    fail,
    migrate,
    unreachable,
)
from engine.journal.duties import Policy
from engine.journal.lock import WAIT_S
from engine.journal.policy import Counts
from engine.journal.record import BATCH, Pair, files_digest, input_digest, record
from engine.journal.records import (
    Advice,
    ChangeRecord,
    ClientSummary,
    HistoryEntry,
    RunInfo,
    RunSummary,
)
from engine.journal.tables import clients
from engine.models import JournalSettings

if TYPE_CHECKING:
    from engine.journal.digest import Digest, DigestSection
    from engine.journal.hooks import Hooks
    from engine.journal.stats import By, StatRow, Stats
    from engine.journal.team import Detractor, OwnerSummary, Team
    from engine.journal.todos import ClientCard, Guide, Inbox, InboxItem, WaitingStep
    from engine.kb.knowledge_base import KnowledgeBase

# The views' modules (and the webhook events') are imported when first used: a run that
# records imports only what it writes with (they cost a run about 0.1 s of CPU to import).
_VIEWS = {"Digest": "digest", "DigestSection": "digest", "StatRow": "stats", "Stats": "stats",
          "Detractor": "team", "OwnerSummary": "team", "Team": "team", "ClientCard": "todos",
          "Guide": "todos", "Inbox": "todos", "InboxItem": "todos", "WaitingStep": "todos"}


def __getattr__(name: str) -> Any:
    module = _VIEWS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "Advice", "ChangeRecord", "ClientCard", "ClientSummary", "Counts", "Detractor", "Digest",
    "DigestSection", "Guide", "HistoryEntry", "Inbox", "InboxItem", "Journal", "OwnerSummary",
    "Policy", "RunInfo", "RunSummary", "StatRow", "Stats", "Team", "WaitingStep", "files_digest",
    "input_digest", "open",
]


class Journal:
    """An open journal, migrated to the newest schema. Close it (or use ``with``).

    The views (inbox, team, digest, changes, history) take the knowledge base that words them
    (titles in ``lang``; without one, titles as the runs wrote them), the day they are for
    (``today``, default: today) and a CRM link template (``crm_url``, with ``{crm_id}``)."""

    def __init__(self, target: str | Path) -> None:
        target = str(target)
        self.where = target if "://" not in target else target.split("@")[-1]
        self.db = connect(target)
        self._hooks: Hooks | None = None
        self._opening = threading.Lock()
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
        if self._hooks is not None and self._hooks.db is not self.db:
            self._hooks.db.dispose()
        self.db.dispose()

    @property
    def hooks(self) -> Hooks:
        """The webhook events ``playbook serve`` stored (engine/journal/hooks.py): on SQLite
        in a file of their own beside the journal, opened (made) when first asked for."""
        with self._opening:
            if self._hooks is None:
                from engine.journal.hooks import Hooks, store

                self._hooks = Hooks(store(self.db), self.db)
            return self._hooks

    def record(self, pairs: Iterable[Pair], *, as_of: dt.date, kb_version: str,
               input_digest: str, policy: Policy | JournalSettings | None = None,
               batch_size: int = BATCH, lang: str = "en", wait: float = WAIT_S) -> RunSummary:
        """Record a run: (client facts, Recommendation) pairs in input order, each batch of
        clients committed as one transaction, the run marked complete at the end. ``lang`` is
        the language of the recommendations' texts; ``wait``, how many seconds to wait for
        another run recording into the journal."""
        info = RunInfo(as_of=as_of, kb_version=kb_version, input_digest=input_digest,
                       lang=lang)
        return record(self.db, self.where, pairs, info, Policy.given(policy), batch_size, wait)

    def inbox(self, client: str | None = None, kind: str | None = None,
              new_only: bool = False, *, owner: str | None = None, top: int | None = None,
              today: dt.date | None = None, kb: KnowledgeBase | None = None,
              lang: str = "en", crm_url: str | None = None) -> Inbox:
        """Open to-dos by urgency (due today, overdue, new, the rest); ``owner=NAME`` for one
        account manager's, ``top=N`` for the first N."""
        from engine.journal.texts import Lens
        from engine.journal.todos import inbox

        self._known_owner(owner)
        return inbox(self.db, Lens.of(today=today, kb=kb, lang=lang, crm_url=crm_url),
                     owner=owner, client=client, kind=kind, new_only=new_only, top=top)

    def team(self, *, today: dt.date | None = None, kb: KnowledgeBase | None = None,
             lang: str = "en", crm_url: str | None = None) -> Team:
        """The head's view: per owner, open, overdue and escalated to-dos, acts, risks."""
        from engine.journal.team import team
        from engine.journal.texts import Lens

        return team(self.db, Lens.of(today=today, kb=kb, lang=lang, crm_url=crm_url))

    def digest(self, *, owner: str | None = None, since: dt.date | None = None,
               today: dt.date | None = None, kb: KnowledgeBase | None = None,
               lang: str = "en", crm_url: str | None = None) -> Digest:
        """The morning digest of one owner (or, without one, of the whole team)."""
        from engine.journal.digest import digest
        from engine.journal.texts import Lens

        self._known_owner(owner)
        return digest(self.db, Lens.of(today=today, kb=kb, lang=lang, crm_url=crm_url),
                      owner=owner, since=since)

    def stats(self, *, by: By = "rule", since: dt.date | None = None) -> Stats:
        """Which rules (owners, kinds) people act on, since a day."""
        from engine.journal.stats import stats

        return stats(self.db, by=by, since=since)

    def changes(self, since: int | dt.date | None = None, *, owner: str | None = None,
                kb: KnowledgeBase | None = None, lang: str = "en") -> list[ChangeRecord]:
        from engine.journal import queries
        from engine.journal.texts import Lens

        self._known_owner(owner)
        return queries.changes(self.db, self.where, since, owner=owner,
                               lens=Lens.of(kb=kb, lang=lang))

    def history(self, client: str, *, kb: KnowledgeBase | None = None,
                lang: str = "en") -> list[HistoryEntry]:
        from engine.journal import queries
        from engine.journal.texts import Lens

        return queries.history(self.db, self.where, client, Lens.of(kb=kb, lang=lang))

    def clients(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """The facts of a run's clients in input order (default: the latest complete run)."""
        from engine.journal import queries

        return queries.clients_of(self.db, self.where, run_id)

    def owners(self) -> list[str]:
        """The account managers the journal's clients have."""
        with self.db.connect() as conn:
            return sorted(filter(None, conn.execute(
                select(clients.c.owner).distinct()).scalars()))

    def done(self, client: str, kind: str, action_id: str, comment: str | None = None, *,
             actor: str | None = None) -> Advice:
        from engine.journal import people

        return people.act(self.db, self.where, (client, kind, action_id), "done",
                          comment=comment, actor=actor)

    def dismiss(self, client: str, kind: str, action_id: str, reason: str | None,
                comment: str | None = None, *, actor: str | None = None) -> Advice:
        from engine.journal import people

        return people.act(self.db, self.where, (client, kind, action_id), "dismissed",
                          reason=reason, comment=comment, actor=actor)

    def snooze(self, client: str, kind: str, action_id: str, until: dt.date | None,
               comment: str | None = None, *, actor: str | None = None) -> Advice:
        from engine.journal import people

        return people.act(self.db, self.where, (client, kind, action_id), "snoozed",
                          until=until, comment=comment, actor=actor)

    def _known_owner(self, owner: str | None) -> None:
        if owner is None:
            return
        known = self.owners()
        if owner not in known:
            raise fail("unknown-owner", f"no client in the journal has the owner '{owner}'",
                       self.where, expected="an owner a run recorded (the CRM's "
                       "responsible person)", hint=did_you_mean(owner, known))


def open(target: str | Path) -> Journal:
    """Open (creating or migrating) the journal at a SQLite path or a database URL."""
    return Journal(target)
