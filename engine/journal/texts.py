"""A view's words in one language, and what it says about each client.

Titles are taken from the knowledge base in the language asked for (a warning's from its rule, a
guide's from its playbook entry, a step's from the client's journey), else kept as the run wrote
them. A reason is kept as the run wrote it; when the view asks for another language and the
knowledge base is the one that ran, the client's recommendation is made again from the facts
the run kept, in that language (recommend() is pure: the same facts, day and knowledge base give
the same advice). A client's CRM link is its ``crm_url`` (its own, or made by the run from
the knowledge base's or the mapping's template), else the view's template's (``crm_url`` of
playbook.toml, else the knowledge base's ``crm: {url: ...}``), with ``{crm_id}`` the client's
CRM id or ``{id}`` its id put in its place (engine/runtime/crm.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from engine.journal.duties import Policy
from engine.journal.tables import client_facts, clients, run_clients, runs
from engine.runtime.crm import crm_link

if TYPE_CHECKING:
    from engine.kb.knowledge_base import KnowledgeBase

Key = tuple[str, str, str]  # client id, kind, action id


@dataclass(frozen=True)
class Lens:
    """How a view looks: its day, its language, the knowledge base that words it, the CRM."""

    today: dt.date
    lang: str = "en"
    kb: KnowledgeBase | None = None
    crm_url: str | None = None  # a template with {crm_id} (or {id})
    policy: Policy = field(default_factory=Policy)

    @classmethod
    def of(cls, *, today: dt.date | None = None, lang: str = "en",
           kb: KnowledgeBase | None = None, crm_url: str | None = None) -> Lens:
        if crm_url is None and kb is not None and kb.crm is not None:
            crm_url = kb.crm.url
        return cls(today or dt.date.today(), lang, kb, crm_url,
                   Policy.of(kb) if kb is not None else Policy())

    def days_back(self, days: int) -> dt.date:
        """The day ``days`` before the view's, or the calendar's first day (a view for the
        year 1 has no yesterday: its windows start at the first day there is)."""
        try:
            return self.today - dt.timedelta(days=days)
        except OverflowError:
            return dt.date.min

    def title(self, kind: str, action_id: str, rules: str, project_type: str | None,
              recorded: str) -> str:
        kb = self.kb
        if kb is None:
            return recorded
        if kind == "warning":
            try:
                return kb.rule(rules.split(",")[0]).spec.title.get(self.lang)
            except KeyError:
                return recorded
        if kind == "communication":
            entry = kb.playbook.get(action_id)
            return entry.title.get(self.lang) if entry is not None else recorded
        journey = kb.journeys.get(project_type or "")
        step = journey.steps.get(action_id) if journey is not None else None
        return step.title.get(self.lang) if step is not None else recorded

    def link(self, client_id: str, crm_id: str | None, crm_url: str | None) -> str | None:
        """The client's CRM link: its own (as its latest run wrote it), else the template's."""
        if crm_url or not self.crm_url:
            return crm_url
        return crm_link(self.crm_url, client_id, crm_id)


def reasons(conn: Connection, lens: Lens, ids: Iterable[str]) -> dict[Key, str]:
    """The reasons of these clients' latest advice made again in the lens's language, for the
    clients whose latest run wrote another language with the same knowledge base."""
    kb = lens.kb
    if kb is None:
        return {}
    rows = conn.execute(
        select(clients.c.client_id, client_facts.c.facts, runs.c.as_of)
        .join(run_clients, (run_clients.c.client_id == clients.c.client_id)
              & (run_clients.c.run_id == clients.c.last_run))
        .join(runs, runs.c.id == run_clients.c.run_id)
        .join(client_facts, client_facts.c.digest == run_clients.c.facts_digest)
        .where(clients.c.client_id.in_(list(ids)), runs.c.lang != lens.lang,
               runs.c.kb_version == kb.version)).all()
    from engine.runtime.recommend import recommend

    found: dict[Key, str] = {}
    for client_id, facts, as_of in rows:
        rec = recommend(json.loads(facts), kb=kb, as_of=as_of, lang=lens.lang)
        found.update({(client_id, a.kind, a.id): a.reason for a in rec.actions})
    return found


def given(conn: Connection, ids: Iterable[str]) -> dict[str, list[tuple[str, str, int, str]]]:
    """What each client's latest run recommended: (kind, id, priority, rules)."""
    rows = conn.execute(select(run_clients.c.client_id, run_clients.c.actions).join(
        clients, (clients.c.client_id == run_clients.c.client_id)
        & (clients.c.last_run == run_clients.c.run_id)).where(
        clients.c.client_id.in_(list(ids)))).all()
    return {client_id: [(a[0], a[1], a[2], a[3] if len(a) > 3 else "")
                        for a in json.loads(actions)] for client_id, actions in rows}


def first_sentence(text: str) -> str:
    """The reason's first sentence: up to the first full stop, question or exclamation mark
    followed by a space (a decimal point or "e.g." inside a word does not end it)."""
    for i, char in enumerate(text):
        if char in ".!?" and i + 1 < len(text) and text[i + 1] == " " and i > 0 \
                and not text[i - 1].isdigit():
            return text[:i + 1]
    return text


def split_missing(missing: str) -> tuple[str, ...]:
    """``a,b,(c|d)`` as ("a", "b", "c|d")."""
    return tuple(part.strip("()") for part in missing.split(",") if part)
