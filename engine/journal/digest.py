"""The morning digest: for one account manager (or the whole team), what is overdue, what is
due today, what is new since yesterday, and the next most urgent to-dos, with client names and
CRM links. Rendered as HTML for a mail client, markdown for a chat bot, or text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from engine.journal.records import JournalRecord
from engine.journal.texts import Lens
from engine.journal.todos import InboxItem, draft, dress, open_rows, urgency

TOP = 5
LONGEST = 20  # items listed per section; the rest are counted


class DigestSection(JournalRecord):
    name: str  # overdue, due_today, new, top
    total: int  # how many there are; at most LONGEST are listed
    items: tuple[InboxItem, ...]


class Digest(JournalRecord):
    today: dt.date
    since: dt.date  # new: became new after this day
    owner: str | None  # none: the whole team
    lang: str
    open: int
    escalated: int
    sections: tuple[DigestSection, ...]  # overdue, due today, new, then the top of the rest


def digest(db: Engine, lens: Lens, *, owner: str | None = None,
           since: dt.date | None = None) -> Digest:
    since = since or lens.days_back(1)
    with db.connect() as conn:
        rows = open_rows(conn, owner=owner)
        todos = sorted((draft(r, lens) for r in rows if r["role"] == "todo"), key=urgency)
        picked = {
            "overdue": [t for t in todos if t["section"] == "overdue"],
            "due_today": [t for t in todos if t["section"] == "due_today"],
            "new": [t for t in todos if t["section"] not in ("overdue", "due_today")
                    and t["since_on"] is not None and t["since_on"] > since]}
        listed = {id(t) for found in picked.values() for t in found}
        rest = sorted((t for t in todos if id(t) not in listed),
                      key=lambda t: (not t["escalated"], -t["priority"], urgency(t)))
        picked["top"] = rest[:TOP]
        shown = [t for found in picked.values() for t in found[:LONGEST]]
        items = dict(zip(map(id, shown), dress(conn, lens, shown, [])[0], strict=True))
    sections = tuple(DigestSection(name=name, total=len(found),
                                   items=tuple(items[id(t)] for t in found[:LONGEST]))
                     for name, found in picked.items())
    return Digest(today=lens.today, since=since, owner=owner, lang=lens.lang, open=len(todos),
                  escalated=sum(1 for t in todos if t["escalated"]), sections=sections)
