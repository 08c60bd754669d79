"""The run journal for people (text, en and ru) and programs (JSON).

Everything the journal holds that came from clients or people (ids, titles and reasons that
quote client facts, comments) is shown escaped, on one line (``escaped_line``).
A run's summary reads like a plan: ``+3 new ~2 changed -1 resolved, 12 unchanged`` per client
and in total; changes list ``+`` new, ``~`` changed and ``-`` resolved advice by client.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TypeVar

from engine.errors import escaped_line as shown
from engine.journal import Advice, ChangeRecord, Counts, HistoryEntry, InboxItem, RunSummary
from engine.render.json import versioned
from engine.render.words import JOURNAL as WORDS
from engine.render.words import KIND_LABEL

MARK = {"new": "+", "changed": "~", "resolved": "-"}


T = TypeVar("T", ChangeRecord, InboxItem)


def counts_text(counts: Counts, lang: str = "en") -> str:
    return WORDS[lang]["counts"].format(new=counts.new, changed=counts.changed,
                                        resolved=counts.resolved, unchanged=counts.unchanged)


def run_summary_text(summary: RunSummary, lang: str = "en") -> str:
    """Each client with a change, then the total; a repeated run says it added nothing."""
    w = WORDS[lang]
    facts = {"run": summary.run_id, "as_of": summary.as_of.isoformat(),
             "kb": summary.kb_version}
    if summary.repeat:
        return w["repeat"].format(**facts) + "\n"
    lines = [w["run"].format(**facts)]
    moved = [s for s in summary.clients if s.counts.new + s.counts.changed + s.counts.resolved]
    width = max((len(shown(s.client_id)) for s in moved), default=0)
    lines += [f"  {shown(s.client_id):<{width}}  {counts_text(s.counts, lang)}" for s in moved]
    if len(moved) < len(summary.clients):
        lines.append("  " + w["quiet"].format(n=len(summary.clients) - len(moved)))
    lines.append(f"{w['total']}: {counts_text(summary.total, lang)}")
    return "\n".join(lines) + "\n"


def _kind(kind: str, lang: str) -> str:
    return KIND_LABEL[lang].get(kind, kind)


def _by_client(items: Sequence[T]) -> list[tuple[str, list[T]]]:
    return [(client, list(group)) for client, group in groupby(items, lambda i: i.client_id)]


def changes_text(records: Sequence[ChangeRecord], lang: str = "en") -> str:
    w = WORDS[lang]
    if not records:
        return w["no_changes"] + "\n"
    lines: list[str] = []
    for client, group in _by_client(sorted(records, key=lambda r: r.client_id)):
        lines.append(shown(client))
        lines += [f"  {MARK[r.change]} {r.priority:>4} {_kind(r.kind, lang)}: {shown(r.title)} "
                  f"({shown(r.id)})" for r in group]
    total = Counts(**{c: sum(r.change == c for r in records)
                      for c in ("new", "changed", "resolved")})
    lines.append(f"{w['total']}: +{total.new} ~{total.changed} -{total.resolved}")
    return "\n".join(lines) + "\n"


def inbox_text(items: Sequence[InboxItem], lang: str = "en") -> str:
    w = WORDS[lang]
    if not items:
        return w["empty_inbox"] + "\n"
    lines: list[str] = []
    for client, group in _by_client(items):
        lines.append(shown(client))
        lines += [f"  [{w[i.status]}] {i.priority:>4} {_kind(i.kind, lang)}: {shown(i.title)} "
                  f"({shown(i.id)})" for i in group]
    return "\n".join(lines) + "\n"


def history_text(entries: Sequence[HistoryEntry], lang: str = "en") -> str:
    w = WORDS[lang]
    if not entries:
        return w["no_history"] + "\n"
    lines = []
    for e in entries:
        when = w["run_of"].format(run=e.run_id, as_of=e.as_of) if e.run_id is not None \
            else f"{e.at:%Y-%m-%d %H:%M} {w['by_person']}"
        extra = [shown(x) for x in (e.dismiss_reason, w["until"].format(until=e.until)
                                    if e.until else None, e.note if e.run_id is None else None)
                 if x]
        lines.append(f"{when}: {w[e.event]} {_kind(e.kind, lang)} {shown(e.id)}"
                     + (f" ({'; '.join(extra)})" if extra else ""))
    return "\n".join(lines) + "\n"


def advice_text(advice: Advice, lang: str = "en") -> str:
    w = WORDS[lang]
    status = w[advice.status]
    if advice.snoozed_until:
        status += " " + w["until"].format(until=advice.snoozed_until)
    if advice.dismiss_reason:
        status += f" ({shown(advice.dismiss_reason)})"
    return w["now"].format(client=shown(advice.client_id), kind=_kind(advice.kind, lang),
                           id=shown(advice.id), status=status) + "\n"


def records_json(records: Sequence[ChangeRecord | InboxItem | HistoryEntry]) -> str:
    """One record per piece of advice, under ``records``, after the contract's header."""
    return versioned({"records": [r.as_dict() for r in records]})


def one_json(item: RunSummary | Advice) -> str:
    return versioned(item.as_dict())
