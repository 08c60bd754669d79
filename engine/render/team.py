"""The head's view for people: a row per account manager (clients, open, overdue, escalated,
done and dismissed in 7 and 30 days, detractors), then each one's top risks and detractors; as
text, markdown and HTML (a page a mail client shows)."""

from __future__ import annotations

from engine.errors import escaped_line
from engine.journal import OwnerSummary, Team
from engine.render import journal_words as jw
from engine.render.digest import html_item, md, md_item, md_link, web_link
from engine.render.inbox import item_line

COLUMNS = ("owner", "clients", "open", "overdue_c", "escalated_c", "done_c", "dismissed_c",
           "detractors_c")


def _cells(s: OwnerSummary, lang: str, total: bool = False) -> list[str]:
    w = jw.WORDS[lang]
    name = w["team"] if total else (s.owner or w["no_owner"])
    return [name, str(s.clients), str(s.open), str(s.overdue), str(s.escalated),
            f"{s.done_7}/{s.done_30}", f"{s.dismissed_7}/{s.dismissed_30}",
            str(len(s.detractors))]


def _rows(team: Team, lang: str) -> list[list[str]]:
    return [[jw.WORDS[lang][c] for c in COLUMNS], *(_cells(s, lang) for s in team.owners),
            _cells(team.total, lang, total=True)]


def team_text(team: Team, lang: str = "en") -> str:
    w = jw.WORDS[lang]
    rows = [[escaped_line(c) for c in row] for row in _rows(team, lang)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [w["team_title"].format(day=jw.day(team.today, lang)), ""]
    lines += ["  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                        for i, c in enumerate(row)).rstrip() for row in rows]
    risky = [s for s in team.owners if s.risks]
    if risky:
        lines += ["", w["risks"]]
        for s in risky:
            lines += [f"  {escaped_line(s.owner or w['no_owner'])}: {item_line(i, lang)}"
                      for i in s.risks]
    sad = [s for s in team.owners if s.detractors]
    if sad:
        lines += ["", w["detractors"]]
        lines += [f"  {escaped_line(s.owner or w['no_owner'])}: " + ", ".join(
            f"{escaped_line(d.name or d.client_id)} ({w['nps'].format(nps=d.nps)})"
            for d in s.detractors) for s in sad]
    return "\n".join(lines) + "\n"


def team_markdown(team: Team, lang: str = "en") -> str:
    w = jw.WORDS[lang]
    rows = _rows(team, lang)
    lines = [f"### {md(w['team_title'].format(day=jw.day(team.today, lang)))}", "",
             "| " + " | ".join(md(c) for c in rows[0]) + " |",
             "|" + "---|" + "---:|" * (len(COLUMNS) - 1)]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows[1:]]
    risky = [s for s in team.owners if s.risks]
    if risky:
        lines += ["", f"#### {md(w['risks'])}"]
        lines += [md_item(i, lang, owner=True) for s in risky for i in s.risks]
    sad = [s for s in team.owners if s.detractors]
    if sad:
        lines += ["", f"#### {md(w['detractors'])}"]
        lines += [f"- {md(s.owner or w['no_owner'])}: " + ", ".join(
            f"{md_link(d.name or d.client_id, d.crm_url)} ({w['nps'].format(nps=d.nps)})"
            for d in s.detractors) for s in sad]
    return "\n".join(lines) + "\n"


def team_html(team: Team, lang: str = "en") -> str:
    from engine.render.html import page

    w = jw.WORDS[lang]
    owners = [{"cells": _cells(s, lang), "risks": [html_item(i, lang, False) for i in s.risks],
               "detractors": [{"name": d.name or d.client_id, "link": web_link(d.crm_url),
                               "nps": w["nps"].format(nps=d.nps)} for d in s.detractors]}
              for s in team.owners]
    return page("team.html", lang=lang, title=w["team_title"].format(day=jw.day(team.today,
                                                                                  lang)),
                header=[w[c] for c in COLUMNS], owners=owners,
                total=_cells(team.total, lang, total=True), risks=w["risks"],
                detractors=w["detractors"],
                footer=w["footer"].format(day=jw.day(team.today, lang)))
