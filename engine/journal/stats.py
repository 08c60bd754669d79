"""Which rules people act on: per rule, owner or kind of action, how much advice runs showed
(new to-dos and blocked steps), how much people did, dismissed (by reason) and snoozed, and the
median days from new to done. A rule whose advice is often dismissed as "not relevant" is noise
for the operations lead: it is flagged."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any, Literal

from sqlalchemy import Engine, func, select

from engine.journal.records import JournalRecord
from engine.journal.tables import EVENT_ADVICE, advice, clients, events

By = Literal["rule", "owner", "kind"]
BY: tuple[By, ...] = ("rule", "owner", "kind")
NOISE = 0.3  # a rule is noise when at least this share of its advice is dismissed as not relevant
NOISE_MIN = 5  # ... of at least this much advice
ACTS = ("new", "done", "dismissed", "snoozed")


class StatRow(JournalRecord):
    key: str | None  # the rule, owner or kind; none: no owner; "": the journey map's own steps
    shown: int  # new to-dos and blocked steps the runs showed
    done: int
    dismissed: int
    reasons: dict[str, int]  # dismissed, by reason
    snoozed: int
    median_days_to_done: float | None
    not_relevant: float | None  # the share dismissed as not relevant
    noise: bool


class Stats(JournalRecord):
    by: By
    since: dt.date | None
    noise_share: float
    rows: tuple[StatRow, ...]  # most shown first


def stats(db: Engine, *, by: By = "rule", since: dt.date | None = None) -> Stats:
    counts: Counter[tuple[str | None, str, str | None]] = Counter()
    days: defaultdict[str | None, list[int]] = defaultdict(list)
    with db.connect() as conn:
        query = (select(advice.c.rules, clients.c.owner, events.c.kind, events.c.event,
                        events.c.dismiss_reason, func.count())
                 .join(advice, EVENT_ADVICE)
                 .outerjoin(clients, clients.c.client_id == events.c.client_id)
                 .where(events.c.event.in_(ACTS))
                 .group_by(advice.c.rules, clients.c.owner, events.c.kind, events.c.event,
                           events.c.dismiss_reason))
        for rules, owner, kind, event, reason, n in conn.execute(_since(query, since)):
            for key in _keys(by, rules, owner, kind):
                counts[key, event, reason] += n
        for rules, owner, kind, done, opened in conn.execute(_done(since)):
            if done is not None and opened is not None:
                for key in _keys(by, rules, owner, kind):
                    days[key].append((done - opened).days)
    keys = {k for k, _, _ in counts}
    rows = [_row(k, counts, days[k]) for k in keys]
    rows.sort(key=lambda r: (-r.shown, -(r.done + r.dismissed), r.key is None, r.key or ""))
    return Stats(by=by, since=since, noise_share=NOISE, rows=tuple(rows))


def _since(query: Any, since: dt.date | None) -> Any:
    return query if since is None else query.where(events.c.day >= since)


def _done(since: dt.date | None) -> Any:
    """Each done act with the day its advice last became new before it."""
    opened = events.alias()
    first = (select(func.max(opened.c.day)).where(
        opened.c.client_id == events.c.client_id, opened.c.fingerprint == events.c.fingerprint,
        opened.c.event == "new", opened.c.id < events.c.id).scalar_subquery())
    query = (select(advice.c.rules, clients.c.owner, events.c.kind, events.c.day,
                    func.coalesce(first, advice.c.since_on))
             .join(advice, EVENT_ADVICE)
             .outerjoin(clients, clients.c.client_id == events.c.client_id)
             .where(events.c.event == "done"))
    return _since(query, since)


def _keys(by: By, rules: str, owner: str | None, kind: str) -> list[str | None]:
    if by == "rule":
        return list(filter(None, rules.split(","))) or [""]  # "": the journey map's own steps
    return [owner] if by == "owner" else [kind]


def _row(key: str | None, counts: Counter[tuple[str | None, str, str | None]],
         days: list[int]) -> StatRow:
    mine = {(e, r): n for (k, e, r), n in counts.items() if k == key}
    reasons = {r or "other": n for (e, r), n in mine.items() if e == "dismissed"}
    total = {e: sum(n for (ev, _), n in mine.items() if ev == e) for e in ACTS}
    seen = max(total["new"], total["done"] + total["dismissed"] + total["snoozed"])
    share = reasons.get("not_relevant", 0) / seen if seen else None
    return StatRow(key=key, shown=total["new"], done=total["done"],
                   dismissed=total["dismissed"], reasons=dict(sorted(reasons.items())),
                   snoozed=total["snoozed"],
                   median_days_to_done=float(statistics.median(days)) if days else None,
                   not_relevant=share, noise=share is not None and seen >= NOISE_MIN
                   and share >= NOISE)
