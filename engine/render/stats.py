"""Which rules people act on, for the operations lead: a row per rule (owner, kind) with what
runs showed and what people did; rules whose advice is often "not relevant" marked as noise."""

from __future__ import annotations

from engine.errors import escaped_line
from engine.journal import Stats
from engine.render import journal_words as jw


def stats_text(stats: Stats, lang: str = "en") -> str:
    w = jw.WORDS[lang]
    head = w["stats_title"] + (f" · {w['since'].format(day=jw.day(stats.since, lang))}"
                               if stats.since else "")
    if not stats.rows:
        return f"{head}\n{w['no_stats']}\n"
    rows = [[w["by"] + " " + stats.by, w["shown_c"], w["done_c"].split()[0],
             w["dismissed_c"].split()[0], w["snoozed_c"], w["not_relevant_c"], w["median_c"]]]
    for r in stats.rows:
        share = "" if r.not_relevant is None else f"{r.not_relevant:.0%}"
        rows.append([_key(r.key, lang), str(r.shown), str(r.done),
                     str(r.dismissed), str(r.snoozed),
                     share + (f" ({w['noise']})" if r.noise else ""),
                     "" if r.median_days_to_done is None else f"{r.median_days_to_done:g}"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [head, ""] + ["  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                                    for i, c in enumerate(row)).rstrip() for row in rows]
    reasons = [r for r in stats.rows if r.reasons]
    if reasons:
        lines.append("")
        lines += [f"{_key(r.key, lang)}: " + ", ".join(
            f"{jw.reason(k, lang)} {n}" for k, n in r.reasons.items()) for r in reasons]
    return "\n".join(lines) + "\n"


def _key(key: str | None, lang: str) -> str:
    w = jw.WORDS[lang]
    return w["no_owner"] if key is None else w["journey"] if key == "" else escaped_line(key)
