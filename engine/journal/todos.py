"""The to-dos of a portfolio (or of one owner), by urgency: the inbox.

Sections, in order: due today, overdue, new since the last run, then the rest; within each, the
escalated first, then by priority, due date, client. Each to-do carries its client's name,
owner and CRM link, the guides of the same rule (how to talk while doing it) and the blocked
steps that wait for it; the client's other guidance is on the client's card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Connection, Engine, select

from engine.journal.records import JournalRecord
from engine.journal.tables import advice, clients, written_order
from engine.journal.texts import Lens, first_sentence, given, reasons, split_missing
from engine.vocabulary import KIND_ORDER

Section = Literal["due_today", "overdue", "new", "later"]
SECTIONS: tuple[Section, ...] = ("due_today", "overdue", "new", "later")
_ORDER = {s: i for i, s in enumerate(SECTIONS)}
_FAR = dt.date.max


class Guide(JournalRecord):
    """Guidance: how to talk to this person, or what not to do."""

    kind: str
    id: str
    title: str
    rules: tuple[str, ...]


class WaitingStep(JournalRecord):
    """A blocked step and what it waits for."""

    id: str
    title: str
    missing: tuple[str, ...]


class InboxItem(JournalRecord):
    client_id: str
    client_name: str | None = None
    owner: str | None = None
    crm_url: str | None = None
    kind: str
    id: str
    title: str
    reason: str
    summary: str  # the reason's first sentence
    priority: int
    band: int  # the priority's band (journal.bands), 0 the lowest
    status: str  # new or open
    section: Section
    due_on: dt.date | None
    overdue_days: int
    escalated: bool
    since_run: int  # the run that made it new
    since_on: dt.date | None
    guides: tuple[Guide, ...] = ()
    waiting: tuple[WaitingStep, ...] = ()


class ClientCard(JournalRecord):
    client_id: str
    name: str | None = None
    owner: str | None = None
    crm_url: str | None = None
    nps: int | None = None
    guides: tuple[Guide, ...] = ()  # guidance that goes with none of its to-dos
    waiting: tuple[WaitingStep, ...] = ()


class Inbox(JournalRecord):
    today: dt.date
    owner: str | None
    lang: str
    total: int  # to-dos before --top
    items: tuple[InboxItem, ...]
    clients: tuple[ClientCard, ...]  # the clients of the items, in order of first mention


def open_rows(conn: Connection, *, owner: str | None = None, client: str | None = None,
              kind: str | None = None) -> list[dict[str, Any]]:
    """Open advice (new or open) that is a to-do or a blocked step, with its client."""
    query = select(advice, clients.c.name, clients.c.owner, clients.c.crm_id,
                   clients.c.crm_url, clients.c.project_type, clients.c.nps).outerjoin(
        clients, clients.c.client_id == advice.c.client_id).where(
        advice.c.status.in_(("new", "open")), advice.c.role.in_(("todo", "blocked")))
    for column, value in ((clients.c.owner, owner), (advice.c.client_id, client),
                          (advice.c.kind, kind)):
        if value is not None:
            query = query.where(column == value)
    # in the order written (a client's blocked steps wait in this order), whichever way the
    # database reads them: by the advice's key (client, then fingerprint) or the table itself
    query = query.order_by(written_order(conn))
    return [dict(r) for r in conn.execute(query).mappings()]


def draft(row: dict[str, Any], lens: Lens) -> dict[str, Any]:
    """A to-do row with its section, lateness and escalation as of the lens's day."""
    due = row["due_on"]
    late = (lens.today - due).days if due is not None and due < lens.today else 0
    section: Section = "due_today" if due == lens.today else "overdue" if late else \
        "new" if row["status"] == "new" else "later"
    return {**row, "section": section, "overdue_days": late,
            "escalated": lens.policy.escalated(row["priority"], late),
            "band": lens.policy.band(row["priority"])}


def urgency(d: dict[str, Any]) -> tuple[Any, ...]:
    return (_ORDER[d["section"]], not d["escalated"], -d["priority"], d["due_on"] or _FAR,
            d["name"] or d["client_id"], d["client_id"], KIND_ORDER[d["kind"]], d["action_id"])


def inbox(db: Engine, lens: Lens, *, owner: str | None = None, client: str | None = None,
          kind: str | None = None, new_only: bool = False, top: int | None = None) -> Inbox:
    with db.connect() as conn:
        rows = open_rows(conn, owner=owner, client=client, kind=kind)
        todos = sorted((draft(r, lens) for r in rows if r["role"] == "todo"
                        and (not new_only or r["status"] == "new")), key=urgency)
        shown = todos[:top] if top else todos
        items, cards = dress(conn, lens, shown, [r for r in rows if r["role"] == "blocked"])
    return Inbox(today=lens.today, owner=owner, lang=lens.lang, total=len(todos),
                 items=tuple(items), clients=tuple(cards))


def dress(conn: Connection, lens: Lens, shown: Sequence[dict[str, Any]],
          blocked: Sequence[dict[str, Any]]) -> tuple[list[InboxItem], list[ClientCard]]:
    """The shown to-dos as items, with their guides and waiting steps, and their clients."""
    ids = list(dict.fromkeys(d["client_id"] for d in shown))
    texts = reasons(conn, lens, ids)
    extras: dict[tuple[str, str, str], dict[str, list[Any]]] = {}
    cards: dict[str, dict[str, list[Any]]] = {i: {"guides": [], "waiting": []} for i in ids}
    by_client: dict[str, list[dict[str, Any]]] = {}
    for d in shown:
        by_client.setdefault(d["client_id"], []).append(d)
        extras[d["client_id"], d["kind"], d["action_id"]] = {"guides": [], "waiting": []}
    _guides(conn, lens, by_client, extras, cards)
    _waiting(lens, blocked, by_client, extras, cards)
    items = [_item(d, lens, texts, extras[d["client_id"], d["kind"], d["action_id"]])
             for d in shown]
    first = {d["client_id"]: d for d in reversed(shown)}
    return items, [_card(first[i], lens, cards[i]) for i in ids]


def _guides(conn: Connection, lens: Lens, by_client: dict[str, list[dict[str, Any]]],
            extras: dict[Any, dict[str, list[Any]]], cards: dict[str, dict[str, list[Any]]]
            ) -> None:
    closed = {tuple(r) for r in conn.execute(
        select(advice.c.client_id, advice.c.kind, advice.c.action_id).where(
            advice.c.client_id.in_(list(by_client)), advice.c.role == "guide",
            advice.c.status.in_(("done", "dismissed", "snoozed"))))}
    for client_id, actions in given(conn, by_client).items():
        project_type = by_client[client_id][0]["project_type"]
        for kind, action_id, _, rules in actions:
            names = tuple(filter(None, rules.split(",")))
            if lens.policy.role(kind, names) != "guide" or (client_id, kind, action_id) in closed:
                continue
            guide = Guide(kind=kind, id=action_id, rules=names, title=lens.title(
                kind, action_id, rules, project_type, action_id))
            owner = next((d for d in by_client[client_id]
                          if set(d["rules"].split(",")) & set(names)), None)
            target = extras[client_id, owner["kind"], owner["action_id"]] if owner \
                else cards[client_id]
            target["guides"].append(guide)


def _waiting(lens: Lens, blocked: Sequence[dict[str, Any]],
             by_client: dict[str, list[dict[str, Any]]],
             extras: dict[Any, dict[str, list[Any]]],
             cards: dict[str, dict[str, list[Any]]]) -> None:
    for row in blocked:
        todos = by_client.get(row["client_id"])
        if todos is None:
            continue
        missing = split_missing(row["missing"])
        wait = WaitingStep(id=row["action_id"], missing=missing, title=lens.title(
            row["kind"], row["action_id"], row["rules"], row["project_type"], row["title"]))
        ready = next((d for d in todos if d["kind"] == "next_step"
                      and any(d["action_id"] in m.split("|") for m in missing)), None)
        target = extras[row["client_id"], ready["kind"], ready["action_id"]] if ready \
            else cards[row["client_id"]]
        target["waiting"].append(wait)


def _item(d: dict[str, Any], lens: Lens, texts: dict[tuple[str, str, str], str],
          extra: dict[str, list[Any]]) -> InboxItem:
    reason = texts.get((d["client_id"], d["kind"], d["action_id"]), d["reason"])
    return InboxItem(
        client_id=d["client_id"], client_name=d["name"], owner=d["owner"],
        crm_url=lens.link(d["client_id"], d["crm_id"], d["crm_url"]), kind=d["kind"],
        id=d["action_id"], title=lens.title(d["kind"], d["action_id"], d["rules"],
                                            d["project_type"], d["title"]),
        reason=reason, summary=first_sentence(reason), priority=d["priority"], band=d["band"],
        status=d["status"], section=d["section"], due_on=d["due_on"],
        overdue_days=d["overdue_days"], escalated=d["escalated"], since_run=d["first_run"],
        since_on=d["since_on"], guides=tuple(extra["guides"]), waiting=tuple(extra["waiting"]))


def _card(d: dict[str, Any], lens: Lens, extra: dict[str, list[Any]]) -> ClientCard:
    return ClientCard(client_id=d["client_id"], name=d["name"], owner=d["owner"],
                      crm_url=lens.link(d["client_id"], d["crm_id"], d["crm_url"]),
                      nps=d["nps"], guides=tuple(extra["guides"]),
                      waiting=tuple(extra["waiting"]))
