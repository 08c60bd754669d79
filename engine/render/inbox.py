"""An account manager's to-dos for people: one line per to-do (client, title, the reason's
first sentence, due date, CRM link) under due today, overdue, new and the rest; with ``full``,
the whole reason, the guides that go with it and the blocked steps waiting for it."""

from __future__ import annotations

from engine.errors import escaped_line
from engine.journal import ClientCard, Inbox, InboxItem
from engine.render import journal_words as jw

SECTION_WORD = {"due_today": "due_today", "overdue": "overdue", "new": "new_section",
                "later": "later"}


def inbox_text(inbox: Inbox, lang: str = "en", full: bool = False) -> str:
    w = jw.WORDS[lang]
    title = w["inbox_of"].format(owner=escaped_line(inbox.owner), day=jw.day(inbox.today, lang)) \
        if inbox.owner else w["inbox_all"].format(day=jw.day(inbox.today, lang))
    if len(inbox.items) < inbox.total:
        title += " · " + w["shown"].format(shown=len(inbox.items), total=inbox.total)
    if not inbox.items:
        return f"{title}\n{w['empty_inbox']}\n"
    lines = [title]
    for section in SECTION_WORD:
        items = [i for i in inbox.items if i.section == section]
        if items:
            lines.append(f"{w[SECTION_WORD[section]]} ({len(items)})")
            for item in items:
                lines.append("  " + item_line(item, lang))
                lines += _details(item, lang) if full else []
    if full:
        lines += [line for card in inbox.clients for line in _card(card, lang)]
    return "\n".join(lines) + "\n"


def item_line(item: InboxItem, lang: str, link: bool = True) -> str:
    w = jw.WORDS[lang]
    parts = [f"{escaped_line(item.client_name or item.client_id)} · {escaped_line(item.title)} — "
             f"{escaped_line(item.summary)}"]
    if item.due_on is not None:
        parts.append(w["due"].format(day=jw.day(item.due_on, lang)))
    if item.overdue_days:
        parts.append(w["late"].format(days=jw.plural(lang, "day", item.overdue_days)))
    if item.escalated:
        parts.append(w["escalated"])
    if link and item.crm_url:
        parts.append(escaped_line(item.crm_url))
    return " · ".join(parts)


def _details(item: InboxItem, lang: str) -> list[str]:
    w = jw.WORDS[lang]
    lines = [f"      {escaped_line(item.reason)}"] if item.reason != item.summary else []
    if item.guides:
        titles = "; ".join(escaped_line(g.title) for g in item.guides)
        lines.append(f"      {w['guides']}: {titles}")
    for wait in item.waiting:
        lines.append(f"      {w['waiting']}: {escaped_line(wait.title)} "
                     f"({escaped_line(wait.id)})")
    return lines


def _card(card: ClientCard, lang: str) -> list[str]:
    w = jw.WORDS[lang]
    name = escaped_line(card.name or card.client_id)
    lines = []
    if card.guides:
        lines.append(f"{name} · {w['client_guides']}: "
                     + "; ".join(escaped_line(g.title) for g in card.guides))
    if card.waiting:
        lines.append(f"{name} · {w['client_waiting']}: "
                     + "; ".join(escaped_line(f"{x.title} ({', '.join(x.missing)})")
                                 for x in card.waiting))
    return lines
