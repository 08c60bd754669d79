"""The run journal for people (text, en and ru) and programs (JSON): a run's summary, what
changed (before -> after), a client's history (who, when, why) and one piece of advice.

A run's summary reads like a plan: ``+3 new ~2 changed -1 resolved, 12 unchanged`` per client
and in total; changes list ``+`` new, ``~`` changed and ``-`` resolved advice by client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from engine.errors import escaped_line
from engine.journal import Advice, ChangeRecord, Counts, HistoryEntry, RunSummary
from engine.render import journal_words as jw
from engine.render.json import versioned

MARK = {"new": "+", "changed": "~", "resolved": "-"}


def counts_text(counts: Counts, lang: str = "en") -> str:
    return (f"+{jw.plural(lang, 'new', counts.new)} ~{jw.plural(lang, 'changed', counts.changed)}"
            f" -{jw.plural(lang, 'resolved', counts.resolved)}, "
            f"{jw.plural(lang, 'unchanged', counts.unchanged)}")


def run_summary_text(summary: RunSummary, lang: str = "en") -> str:
    """Each client with a change (the first 50), then the total; a repeated run says it added
    nothing."""
    w = jw.WORDS[lang]
    facts = {"run": summary.run_id, "as_of": jw.day(summary.as_of, lang),
             "kb": summary.kb_version}
    if summary.repeat:
        return w["repeat"].format(**facts) + "\n"
    lines = [w["run"].format(**facts)]
    labels = [client_heading(s.client_id, s.client_name) for s in summary.shown]
    width = max(map(len, labels), default=0)
    lines += [f"  {label:<{width}}  {counts_text(s.counts, lang)}"
              for label, s in zip(labels, summary.shown, strict=True)]
    if summary.moved > len(summary.shown):
        lines.append("  " + jw.plural(lang, "moved", summary.moved - len(summary.shown)))
    if summary.moved < summary.clients:
        lines.append("  " + jw.plural(lang, "quiet", summary.clients - summary.moved))
    lines.append(f"{w['total']}: {counts_text(summary.total, lang)}")
    return "\n".join(lines) + "\n"


def client_heading(client_id: str, name: str | None, owner: str | None = None,
                   crm_url: str | None = None) -> str:
    """Who and where a client is, on one line: ``1001 · ООО «Альфа» (Иванова Анна) ·
    https://crm.example/deal/1001``."""
    text = escaped_line(client_id) + (f" · {escaped_line(name)}" if name else "")
    text += f" ({escaped_line(owner)})" if owner else ""
    return text + (f" · {escaped_line(crm_url)}" if crm_url else "")


def moved_text(before: dict[str, Any], after: dict[str, Any], lang: str) -> str:
    """What moved, ``field: before → after``, each field in the language's words."""
    w = jw.WORDS[lang]
    parts = []
    for field in after:
        parts.append(w["before_after"].format(
            field=w.get(f"{field}_field", field), before=_value(field, before.get(field), lang),
            after=_value(field, after[field], lang)))
    return "; ".join(parts)


def _value(field: str, value: Any, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if field == "kind":
        return jw.kind(str(value), lang)
    if field == "due_on":
        return jw.day(dt.date.fromisoformat(str(value)), lang)
    if field == "missing":
        parts = (p.strip("()").replace("|", " | ") for p in str(value).split(","))
        return escaped_line(", ".join(parts))
    return escaped_line(str(value))


def changes_text(records: Sequence[ChangeRecord], lang: str = "en") -> str:
    w = jw.WORDS[lang]
    if not records:
        return w["no_changes"] + "\n"
    lines: list[str] = []
    ordered = sorted(records, key=lambda r: r.client_id)
    for _, group in groupby(ordered, key=lambda r: r.client_id):
        items = list(group)
        first = items[0]
        lines.append(client_heading(first.client_id, first.client_name, first.owner,
                                    first.crm_url))
        for r in items:
            line = (f"  {MARK[r.change]} {r.priority:>4} {jw.kind(r.kind, lang)}: "
                    f"{escaped_line(r.title)} ({escaped_line(r.id)})")
            if r.change == "changed" and r.after:
                line += f": {moved_text(r.before, r.after, lang)}"
            lines.append(line)
    total = Counts(**{c: sum(r.change == c for r in records)
                      for c in ("new", "changed", "resolved")})
    lines.append(f"{w['total']}: +{jw.plural(lang, 'new', total.new)} "
                 f"~{jw.plural(lang, 'changed', total.changed)} "
                 f"-{jw.plural(lang, 'resolved', total.resolved)}")
    return "\n".join(lines) + "\n"


def history_text(entries: Sequence[HistoryEntry], lang: str = "en") -> str:
    """Oldest first: when, who (a run or a person), what, and why."""
    w = jw.WORDS[lang]
    if not entries:
        return w["no_history"] + "\n"
    now = entries[-1]  # the newest says who and where the client is now
    lines = [client_heading(now.client_id, now.client_name, now.owner, now.crm_url)] \
        if now.client_name or now.owner or now.crm_url else []
    for e in entries:
        who = w["run_of"].format(run=e.run_id, as_of=jw.day(e.as_of, lang)) \
            if e.run_id is not None else \
            f"{jw.day(e.day or e.at.date(), lang)} · {escaped_line(e.actor or w['someone'])}"
        what = (f"{jw.status(e.event, e.kind, lang)} {jw.kind(e.kind, lang)} "
                f"«{escaped_line(e.title or e.id)}» ({escaped_line(e.id)})")
        why = [f"{w['reason']}: {jw.reason(e.dismiss_reason, lang)}" if e.dismiss_reason
               else None, w["until"].format(until=jw.day(e.until, lang)) if e.until else None,
               escaped_line(e.note) if e.run_id is None and e.note else None,
               moved_text(e.before, e.after, lang) if e.after else None]
        shown = "; ".join(x for x in why if x)
        lines.append(f"{who}: {what}" + (f" — {shown}" if shown else ""))
    return "\n".join(lines) + "\n"


def advice_text(advice: Advice, lang: str = "en") -> str:
    w = jw.WORDS[lang]
    status = jw.status(advice.status, advice.kind, lang)
    if advice.snoozed_until:
        status += " " + w["until"].format(until=jw.day(advice.snoozed_until, lang))
    if advice.dismiss_reason:
        status += f" ({jw.reason(advice.dismiss_reason, lang)})"
    return w["now"].format(client=client_heading(advice.client_id, advice.client_name),
                           kind=jw.kind(advice.kind, lang),
                           id=escaped_line(advice.id), status=status) + "\n"


def records_json(records: Sequence[ChangeRecord | HistoryEntry]) -> str:
    """One record per piece of advice, under ``records``, after the contract's header."""
    return versioned({"records": [r.as_dict() for r in records]})


def one_json(item: Any) -> str:
    """One document (a run's summary, a piece of advice, a view) after the contract's header."""
    return versioned(item.as_dict())
