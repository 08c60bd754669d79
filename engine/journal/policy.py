"""What a run does to each piece of advice: the states and the rules between them.

    new --(seen again)--> open --(no longer recommended)--> resolved --(recommended)--> new
    new|open --(a person)--> done | dismissed | snoozed
    snoozed --(a run on or after its date)--> new;  snoozed --(no longer recommended)--> resolved
    done|dismissed --(its rule stopped matching, matches again, cooldown over)--> new
    done|dismissed --(recommended with a higher priority than when closed)--> new

A changed title or priority of new or open advice, or words of its reason, is a change of that
advice (``changed``), not new advice; a reason whose numbers alone moved (a day count) updates
the advice quietly. Pure functions over plain rows: the recording (record.py) reads and writes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from engine.models import Action, JournalSettings

Row = dict[str, Any]
OPEN = ("new", "open")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
CLOSED = ("done", "dismissed")
_CLEARED = {"closed_on": None, "closed_priority": None, "snoozed_until": None,
            "dismiss_reason": None, "comment": None, "stopped": False}


def fingerprint(client_id: str, kind: str, action_id: str) -> str:
    return hashlib.sha256(f"{client_id}\0{kind}\0{action_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Counts:
    new: int = 0
    changed: int = 0
    resolved: int = 0
    unchanged: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.new + other.new, self.changed + other.changed,
                      self.resolved + other.resolved, self.unchanged + other.unchanged)


@dataclass
class Writes:
    """One client's writes: advice to insert and to update, events to append."""

    inserts: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("new", "changed", "resolved", "unchanged"), 0))


@dataclass(frozen=True)
class RunStep:
    run_id: int
    as_of: dt.date
    policy: JournalSettings


def apply(client_id: str, actions: list[Action], existing: dict[str, Row], step: RunStep
          ) -> Writes:
    """The writes that record ``actions`` (one client's advice in this run) over ``existing``
    (the client's advice rows by fingerprint)."""
    out = Writes()
    seen: set[str] = set()
    for action in actions:
        fp = fingerprint(client_id, action.kind, action.id)
        if fp in seen:
            continue
        seen.add(fp)
        row = existing.get(fp)
        if row is None:
            _insert(out, fp, client_id, action, step)
        else:
            _seen_again(out, row, action, step)
    for fp, row in existing.items():
        if fp not in seen and row["matching"]:
            _gone(out, row, step)
    return out


def _texts(action: Action, step: RunStep) -> Row:
    return {"title": action.title, "reason": action.reason, "priority": action.priority,
            "rules": ",".join(action.rules), "matching": True, "last_run": step.run_id}


def _insert(out: Writes, fp: str, client_id: str, action: Action, step: RunStep) -> None:
    row = {"fingerprint": fp, "client_id": client_id, "kind": action.kind,
           "action_id": action.id, "status": "new", "first_run": step.run_id,
           **_CLEARED, **_texts(action, step)}
    out.inserts.append(row)
    _event(out, row, "new", step.run_id)


def _seen_again(out: Writes, row: Row, action: Action, step: RunStep) -> None:
    texts = _texts(action, step)
    status = row["status"]
    if status in OPEN:
        changed = row["title"] != texts["title"] or row["priority"] != texts["priority"] or (
            row["reason"] != texts["reason"] and _words(row["reason"]) != _words(texts["reason"]))
        _update(out, row, {**texts, "status": "open"}, "changed" if changed else None, step)
    elif status == "resolved" or (status == "snoozed" and step.as_of >= row["snoozed_until"]) \
            or (status in CLOSED and _returns(row, action, step)):
        _update(out, row, {**texts, **_CLEARED, "status": "new"}, "new", step)
    else:  # still snoozed, or closed: kept quiet, its texts kept current
        _update(out, row, texts, None, step)


def _words(reason: str) -> str:
    """A reason without its numbers: a day count that moved is not a change of the advice."""
    return _NUMBER.sub("#", reason)


def _returns(row: Row, action: Action, step: RunStep) -> bool:
    if action.priority > row["closed_priority"]:
        return True
    cooldown = step.policy.cooldown(row["kind"], tuple(filter(None, row["rules"].split(","))))
    return bool(row["stopped"]) and step.as_of >= row["closed_on"] + dt.timedelta(cooldown)


def _gone(out: Writes, row: Row, step: RunStep) -> None:
    if row["status"] in CLOSED:
        _update(out, row, {"matching": False, "stopped": True}, None, step)
    else:  # new, open or snoozed
        _update(out, row, {"matching": False, "status": "resolved"}, "resolved", step)


def _update(out: Writes, old: Row, changes: Row, change: str | None, step: RunStep) -> None:
    """Writes the row only if more than the run that saw it differs (a quiet re-run is cheap):
    ``last_run`` is the last run that recommended it."""
    row = {**old, **changes}
    if any(old[k] != v for k, v in changes.items() if k != "last_run"):
        out.updates.append(row)
    if change is None:
        out.counts["unchanged"] += row["matching"]
    else:
        _event(out, row, change, step.run_id)


def _event(out: Writes, row: Row, change: str, run_id: int) -> None:
    out.counts[change] += 1
    out.events.append({"fingerprint": row["fingerprint"], "client_id": row["client_id"],
                       "kind": row["kind"], "action_id": row["action_id"],
                       "run_id": run_id, "event": change, "status": row["status"],
                       "note": row["reason"] if change == "changed" else None,
                       "dismiss_reason": None, "until": None})
