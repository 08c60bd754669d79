"""What the pages show, read from the journal and the engine: the one place the web pages meet
the data (the journal's library calls and ``recommend``), so the pages never read a table.

Each piece of advice is shown in the reader's language: the client's facts of the latest run
are recommended again (``recommend`` is pure and takes about a millisecond per client), and the
journal's advice takes its title, reason and playbook text from there; advice the knowledge base
no longer makes keeps the words the run wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.errors import DiagnosticsError
from engine.journal import InboxItem, Journal
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Action, Details
from engine.runtime.recommend import recommend
from engine.web.auth import Person

Facts = dict[str, Any]
ACTS = ("done", "dismiss", "snooze")
DETRACTOR_NPS = 6  # NPS 0-6: a detractor (K31)
TOP_RISKS = 10
# the journal inbox's sections -> the page's
SECTION = {"due_today": "due", "overdue": "due", "new": "new", "later": "rest"}


@dataclass(frozen=True)
class ToDo:
    client_id: str
    client_name: str
    owner: str | None
    kind: str
    id: str
    status: str  # new or open
    priority: int
    title: str
    reason: str
    due_on: dt.date | None
    overdue: bool
    crm_url: str | None
    details: Details | None
    overdue_days: int = 0
    escalated: bool = False  # late enough (or urgent enough) to be on the head's view
    guides: tuple[str, ...] = ()  # how to talk while doing it: the titles of the rule's guides
    waiting: tuple[str, ...] = ()  # the blocked steps doing it opens the way to


@dataclass(frozen=True)
class Section:
    key: str  # due (today and overdue), new, rest
    items: list[ToDo]


@dataclass(frozen=True)
class Day:
    owner: str
    as_of: dt.date | None  # none: the journal has no run yet
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(len(s.items) for s in self.sections)


def name_of(facts: Facts) -> str:
    return str(facts.get("name") or facts["id"])


def link(url: object) -> str | None:
    """A CRM link fit for an ``href``: http or https only (never ``javascript:``)."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) \
        else None


class Desk:
    """The pages' view of one journal and one knowledge base: given, or (for a service that
    opens them when it starts) functions that return them when a page asks."""

    def __init__(self, journal: Journal | Callable[[], Journal],
                 kb: KnowledgeBase | Callable[[], KnowledgeBase],
                 today: Callable[[], dt.date] = dt.date.today,
                 crm_url: str | None = None) -> None:
        """``crm_url``: the CRM link template of clients without their own link (the
        settings' ``crm_url``, ``{crm_id}`` standing for the client's CRM id)."""
        self._journal, self._kb, self.today = journal, kb, today
        self.crm_url = crm_url

    @property
    def journal(self) -> Journal:
        return self._journal if isinstance(self._journal, Journal) else self._journal()

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb if isinstance(self._kb, KnowledgeBase) else self._kb()

    def portfolio(self) -> dict[str, Facts]:
        """Each client's facts as the latest complete run recorded them, by id."""
        try:
            return {str(f["id"]): f for f in self.journal.clients()}
        except DiagnosticsError:  # no complete run yet
            return {}

    def owners(self, clients: dict[str, Facts] | None = None) -> list[str]:
        found = {f.get("owner") for f in (self.portfolio() if clients is None
                                           else clients).values()}
        return sorted(o for o in found if isinstance(o, str) and o)

    def may_see(self, person: Person, client_id: str, clients: dict[str, Facts]) -> bool:
        facts = clients.get(client_id)
        return person.head or (facts is not None and facts.get("owner") == person.owner)

    def actions(self, facts: Facts, lang: str) -> dict[tuple[str, str], Action]:
        """The client's actions today, by (kind, id), in ``lang``."""
        rec = recommend(facts, kb=self.kb, as_of=self.today(), lang=lang)
        return {(a.kind, a.id): a for a in rec.actions}

    def todos(self, items: Iterable[InboxItem], clients: dict[str, Facts],
              lang: str) -> list[ToDo]:
        """The inbox's to-dos for the page, each with its playbook text (from the client's
        actions today: the journal keeps none)."""
        fresh: dict[str, dict[tuple[str, str], Action]] = {}
        found = []
        for item in items:
            if item.client_id not in fresh:
                facts = clients.get(item.client_id)
                fresh[item.client_id] = self.actions(facts, lang) if facts else {}
            action = fresh[item.client_id].get((item.kind, item.id))
            found.append(ToDo(
                item.client_id, item.client_name or item.client_id, item.owner, item.kind,
                item.id, item.status, item.priority, item.title, item.reason, item.due_on,
                item.overdue_days > 0, link(item.crm_url), action.details if action else None,
                item.overdue_days, item.escalated, tuple(g.title for g in item.guides),
                tuple(w.title for w in item.waiting)))
        return found

    def day(self, owner: str, lang: str) -> Day:
        """The owner's to-dos as the journal's inbox orders them: due today and overdue
        first, then new, then the rest (the escalated first, then by priority)."""
        today = self.today()
        try:
            inbox = self.journal.inbox(owner=owner, today=today, kb=self.kb, lang=lang,
                                       crm_url=self.crm_url)
        except DiagnosticsError:  # no client of the journal has this owner (yet)
            return Day(owner, None, [])
        sections: dict[str, list[ToDo]] = {"due": [], "new": [], "rest": []}
        for item, todo in zip(inbox.items, self.todos(inbox.items, self.portfolio(), lang),
                              strict=True):
            sections[SECTION[item.section]].append(todo)
        return Day(owner, today, [Section(k, v) for k, v in sections.items()])

    def act(self, person: Person, key: tuple[str, str, str], what: str, *,
            reason: str | None = None, comment: str | None = None,
            until: dt.date | None = None) -> None:
        """Mark the advice ``key`` (client, kind, id) done, dismissed or snoozed."""
        client, kind, action_id = key
        actor = person.name
        if what == "done":
            self.journal.done(client, kind, action_id, comment=comment, actor=actor)
        elif what == "dismiss":
            self.journal.dismiss(client, kind, action_id, reason, comment=comment, actor=actor)
        else:
            self.journal.snooze(client, kind, action_id, until, comment=comment, actor=actor)

    def title(self, key: tuple[str, str, str], clients: dict[str, Facts], lang: str) -> str:
        """The title of a piece of advice in ``lang`` (its id when the engine no longer
        makes it)."""
        facts = clients.get(key[0])
        action = self.actions(facts, lang).get(key[1:]) if facts is not None else None
        return action.title if action is not None else key[2]
