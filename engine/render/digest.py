"""The morning digest for people: text for a terminal, markdown a chat bot can post (Slack,
Mattermost, Telegram), and HTML a mail client shows (inline styles, tables, no scripts, nothing
fetched). Also the markdown and HTML helpers the head's view shares."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from engine.errors import escaped_line
from engine.journal import Digest, DigestSection, InboxItem
from engine.render import journal_words as jw
from engine.render.inbox import item_line

HEADING = {"overdue": "overdue_h", "due_today": "due_today_h", "new": "new_h", "top": "top_h"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def title(digest: Digest, lang: str) -> str:
    w = jw.WORDS[lang]
    return w["digest_owner"].format(owner=digest.owner) if digest.owner else w["digest_team"]


def heading(section: DigestSection, digest: Digest, lang: str) -> str:
    return jw.WORDS[lang][HEADING[section.name]].format(day=jw.day(digest.since, lang))


def summary_line(digest: Digest, lang: str) -> str:
    return " · ".join([jw.day(digest.today, lang), jw.plural(lang, "open_todo", digest.open),
                       jw.plural(lang, "escalated", digest.escalated)])


def digest_text(digest: Digest, lang: str = "en") -> str:
    lines = [escaped_line(title(digest, lang)), summary_line(digest, lang)]
    for section in digest.sections:
        if section.items:
            lines += ["", f"{heading(section, digest, lang)} ({section.total})"]
            lines += ["  " + _who(i, digest) + item_line(i, lang) for i in section.items]
            lines += _more(section, lang, "  ")
    if not _urgent(digest):
        lines += ["", jw.WORDS[lang]["all_clear"]]
    return "\n".join(lines) + "\n"


def _urgent(digest: Digest) -> bool:
    return any(s.total for s in digest.sections if s.name in ("overdue", "due_today"))


def _who(item: InboxItem, digest: Digest) -> str:
    """In the team's digest, whose to-do it is."""
    return "" if digest.owner or not item.owner else f"{escaped_line(item.owner)}: "


def _more(section: DigestSection, lang: str, indent: str) -> list[str]:
    rest = section.total - len(section.items)
    return [indent + jw.plural(lang, "more", rest)] if rest > 0 else []


def md(text: str) -> str:
    """Client or person text as markdown that shows it as it is, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(escaped_line(text).split()))


def web_link(url: str | None) -> str | None:
    """A link worth making: http or https only (never javascript:, data:, file:)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def md_link(text: str, url: str | None) -> str:
    link = web_link(url)
    if link is None:
        return md(text)
    return f"[{md(text)}]({link.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def md_item(item: InboxItem, lang: str, owner: bool) -> str:
    w = jw.WORDS[lang]
    parts = [md_link(item.client_name or item.client_id, item.crm_url)
             + (f" ({md(item.owner)})" if owner and item.owner else ""),
             f"{md(item.title)} — {md(item.summary)}"]
    if item.due_on is not None:
        parts.append(w["due"].format(day=jw.day(item.due_on, lang)))
    if item.overdue_days:
        parts.append(w["late"].format(days=jw.plural(lang, "day", item.overdue_days)))
    if item.escalated:
        parts.append(f"*{w['escalated']}*")
    return "- " + " · ".join(parts)


def digest_markdown(digest: Digest, lang: str = "en") -> str:
    lines = [f"*{md(title(digest, lang))}*", summary_line(digest, lang)]
    for section in digest.sections:
        if section.items:
            lines += ["", f"*{heading(section, digest, lang)} ({section.total})*"]
            lines += [md_item(i, lang, owner=digest.owner is None) for i in section.items]
            lines += _more(section, lang, "")
    if not _urgent(digest):
        lines += ["", jw.WORDS[lang]["all_clear"]]
    return "\n".join(lines) + "\n"


def html_item(item: InboxItem, lang: str, owner: bool) -> dict[str, Any]:
    """What the HTML templates show of a to-do (they escape every value)."""
    w = jw.WORDS[lang]
    notes = [w["due"].format(day=jw.day(item.due_on, lang))] if item.due_on else []
    if item.overdue_days:
        notes.append(w["late"].format(days=jw.plural(lang, "day", item.overdue_days)))
    return {"client": item.client_name or item.client_id, "link": web_link(item.crm_url),
            "owner": item.owner if owner else None, "title": item.title,
            "summary": item.summary, "notes": " · ".join(notes),
            "escalated": w["escalated"] if item.escalated else None}


def digest_html(digest: Digest, lang: str = "en") -> str:
    from engine.render.html import page

    w = jw.WORDS[lang]
    sections = [{"name": s.name, "heading": f"{heading(s, digest, lang)} ({s.total})",
                 "items": [html_item(i, lang, digest.owner is None) for i in s.items],
                 "more": jw.plural(lang, "more", s.total - len(s.items))
                 if s.total > len(s.items) else None} for s in digest.sections if s.items]
    return page("digest.html", lang=lang, title=title(digest, lang),
                summary=summary_line(digest, lang), sections=sections,
                all_clear=None if _urgent(digest) else w["all_clear"],
                footer=w["footer"].format(day=jw.day(digest.today, lang)))
