"""What a run does to each piece of advice: the states and the rules between them.

    new --(seen again)--> open --(no longer recommended)--> resolved --(recommended)--> new
    new|open --(a person)--> done | dismissed | snoozed
    snoozed --(a run on or after its date)--> new;  snoozed --(no longer recommended)--> resolved
    done|dismissed --(its rule stopped matching, matches again, cooldown over)--> new
    done|dismissed --(recommended in a higher priority band than when closed)--> new

Advice changes (``changed``) only when its decision changes: its priority band, what a blocked
step waits for, or a to-do's due date. A day count or a number inside the reason, a priority
moving within its band, a reworded title: the advice is updated quietly. Guidance (duties.py)
is kept only once a person acted on it, and runs log no events for it. Pure functions over
plain rows: the recording (record.py) reads and writes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any, NamedTuple

from engine.journal.duties import Policy, Role, due_on
from engine.models import Action

Row = dict[str, Any]
OPEN = ("new", "open")
CLOSED = ("done", "dismissed")
MEMO = 50_000
_CLEARED = {"closed_on": None, "closed_priority": None, "snoozed_until": None,
            "dismiss_reason": None, "comment": None, "stopped": False}
# the columns a new advice row and a run's event are written with, in this order (the others
# are NULL: nobody closed, snoozed or dismissed it yet, no person acted)
INSERTED = ("fingerprint", "client_id", "kind", "action_id", "title", "reason", "priority",
            "rules", "status", "matching", "stopped", "first_run", "last_run", "role", "missing",
            "since_on", "due_on")
LOGGED = ("fingerprint", "client_id", "kind", "action_id", "run_id", "event", "status", "at",
          "note", "day", "detail")
_INSERTED = itemgetter(*INSERTED)


class Decided(NamedTuple):
    """What a run works out once for each distinct decision (kind, id, priority, rules, what
    it waits for), however many clients it is recommended to."""

    line: str  # the decision's line in the client's decision digest
    role: Role
    rules: str  # the rules, comma-separated (as the advice row keeps them)
    missing: str  # what a blocked step waits for (missing_text)
    item: str  # its JSON in run_clients.actions: [kind, id, priority, rules]
    label: str  # ``kind id=``: its line in the client's text checksums, before the checksum
    tail: str  # ``\0priority``: what follows the title and the reason in the checksum
    dues: dict[str | None, str | None]  # a to-do's due date (ISO), by project type


def fingerprint(client_id: str, kind: str, action_id: str) -> str:
    return hashlib.sha256(f"{client_id}\0{kind}\0{action_id}".encode()).hexdigest()[:32]


def missing_text(action: Action) -> str:
    """What a blocked step waits for: ``a,b`` and each any-of group as ``(c|d)``."""
    if not action.missing and not action.missing_one_of:
        return ""
    return ",".join([*action.missing, *(f"({'|'.join(g)})" for g in action.missing_one_of)])


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
    """One client's writes: advice to insert and to update, events to append; the day its
    advice must be decided again even if nothing else moves (a snooze or a cooldown ends)."""

    inserts: list[tuple[Any, ...]] = field(default_factory=list)  # INSERTED's columns
    updates: list[Row] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)  # LOGGED's columns
    # each insert's event is the run's ``new`` (and there is no other): made from the row as it
    # is written (writes.py), not kept as a tuple of its own
    logged_as_new: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("new", "changed", "resolved", "unchanged"), 0))
    wake_on: dt.date | None = None


@dataclass(frozen=True)
class RunStep:
    """One run as it records: its id and day, the policy, and when it recorded (its events'
    time). New rows and events carry their dates as the database's text (``day_text``)."""

    run_id: int
    as_of: dt.date
    policy: Policy
    at: dt.datetime = dt.datetime(2000, 1, 1)
    _texts: dict[int, str] = field(default_factory=dict, compare=False, repr=False)
    # what the run works out again and again for the same advice (record.py): bounded
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def day_text(self) -> str:
        return self.due_text(0)

    @cached_property
    def at_text(self) -> str:
        return self.at.strftime("%Y-%m-%d %H:%M:%S.%f")

    def remembered(self, key: Any) -> Any:
        """What ``remember`` kept under ``key``, or None."""
        return self.memo.get(key)

    def remember(self, key: Any, value: Any) -> Any:
        """Keep ``value`` under ``key`` for the rest of the run (at most MEMO keys: the
        memory of a run does not grow with the portfolio)."""
        if len(self.memo) >= MEMO:
            self.memo.clear()
        self.memo[key] = value
        return value

    def decided(self, action: Action) -> Decided:
        """The action's decision as this run keeps it (worked out once per distinct one)."""
        key = (action.kind, action.id, action.priority, action.rules, action.missing,
               action.missing_one_of)
        found: Decided | None = self.memo.get(key)
        if found is not None:
            return found
        rules = ",".join(action.rules)
        decided = Decided(
            f"{action.kind}\0{action.id}\0{self.policy.band(action.priority)}\0"
            f"{action.rules}\0{action.missing}\0{action.missing_one_of}",
            self.policy.role(action.kind, action.rules), rules, missing_text(action),
            json.dumps([action.kind, action.id, action.priority, rules], ensure_ascii=False,
                       separators=(",", ":")),
            f"{action.kind} {action.id}=", f"\0{action.priority}", {})
        self.remember(key, decided)
        return decided

    def due(self, action: Action, decided: Decided, project_type: str | None) -> str | None:
        """A to-do's due date as ISO text, if it became new today (None: not a to-do)."""
        dues = decided.dues
        if project_type not in dues:
            dues[project_type] = None if decided.role != "todo" else self.due_text(
                self.policy.due_days(action.kind, action.id, action.rules, action.priority,
                                     project_type))
        return dues[project_type]

    def due_text(self, days: int) -> str:
        """The day ``days`` after the run's, as ISO text (what SQLite stores, and PostgreSQL's
        COPY reads)."""
        found = self._texts.get(days)
        if found is None:
            found = self._texts[days] = due_on(self.as_of, days).isoformat()
        return found


def apply(client_id: str, project_type: str | None, actions: list[Action],
          existing: dict[str, Row], step: RunStep, decided: list[Decided] | None = None
          ) -> Writes:
    """The writes that record ``actions`` (one client's advice in this run) over ``existing``
    (the client's advice rows by fingerprint); ``decided``: each action's ``step.decided``."""
    if decided is None:
        decided = [step.decided(a) for a in actions]
    if not existing:
        return _all_new(client_id, project_type, actions, decided, step)
    out = Writes()
    final = dict(existing)
    guided = any(r["role"] == "guide" for r in existing.values())
    for action, known in zip(actions, decided, strict=True):
        role = known.role
        if role == "guide" and not guided:
            continue  # guidance is kept only once a person acted on it
        fp = fingerprint(client_id, action.kind, action.id)
        if fp in final and final[fp] is not existing.get(fp):
            continue  # the same advice twice in one recommendation
        facts = _facts(action, known, step)
        days = step.policy.due_days(action.kind, action.id, action.rules, action.priority,
                                    project_type) if role == "todo" else None
        row = existing.get(fp)
        if row is None and role != "guide":
            final[fp] = _insert(out, fp, client_id, action, facts, days, step)
        elif row is not None:
            final[fp] = _seen_again(out, row, facts, days, step)
    for fp, row in existing.items():
        if final[fp] is row and row["matching"]:
            final[fp] = _gone(out, row, step)
    out.wake_on = min(filter(None, (_wake(r, step) for r in final.values())), default=None)
    return out


def _all_new(client_id: str, project_type: str | None, actions: list[Action],
             decided: list[Decided], step: RunStep) -> Writes:
    """``apply`` for a client with no advice yet (every client of a first run): each to-do and
    blocked step is new; its row is made as it is written, and its event from the row."""
    out = Writes(logged_as_new=True)
    inserts, fps = out.inserts, set()
    run_id, day = step.run_id, step.day_text
    for action, known in zip(actions, decided, strict=True):
        role = known.role
        if role == "guide":
            continue  # guidance is kept only once a person acted on it
        kind, action_id = action.kind, action.id
        fp = fingerprint(client_id, kind, action_id)
        if fp in fps:
            continue  # the same advice twice in one recommendation
        fps.add(fp)
        due = step.due(action, known, project_type)
        inserts.append((fp, client_id, kind, action_id, action.title, action.reason,
                        action.priority, known.rules, "new", True, False, run_id, run_id, role,
                        known.missing, day, due))
    out.counts["new"] = len(inserts)
    return out


def new_event(row: tuple[Any, ...], step: RunStep) -> tuple[Any, ...]:
    """The run's ``new`` event (LOGGED's columns) of an advice row it inserted (INSERTED's)."""
    return (*row[:4], step.run_id, "new", "new", step.at_text, None, step.day_text, None)


def _facts(action: Action, known: Decided, step: RunStep) -> Row:
    return {"title": action.title, "reason": action.reason, "priority": action.priority,
            "rules": known.rules, "matching": True, "last_run": step.run_id,
            "role": known.role, "missing": known.missing}


def _insert(out: Writes, fp: str, client_id: str, action: Action, facts: Row,
            days: int | None, step: RunStep) -> Row:
    row = {"fingerprint": fp, "client_id": client_id, "kind": action.kind,
           "action_id": action.id, "status": "new", "first_run": step.run_id,
           "closed_on": None, "closed_priority": None, "snoozed_until": None,
           "dismiss_reason": None, "comment": None, "stopped": False, **facts,
           "since_on": step.day_text, "due_on": None if days is None else step.due_text(days)}
    out.inserts.append(_INSERTED(row))
    _event(out, row, "new", step)
    return row


def _seen_again(out: Writes, row: Row, facts: Row, days: int | None, step: RunStep) -> Row:
    status = row["status"]
    if status in OPEN:
        due = None if days is None else due_on(row["since_on"] or step.as_of, days)
        moved = _moved(row, facts, due, step.policy)
        return _update(out, row, {**facts, "status": "open", "due_on": due},
                       "changed" if moved else None, step, moved)
    if status == "resolved" or (status == "snoozed" and step.as_of >= row["snoozed_until"]) \
            or (status in CLOSED and _returns(row, facts, step)):
        due = None if days is None else due_on(step.as_of, days)
        return _update(out, row, {**facts, **_CLEARED, "status": "new", "first_run":
                                  step.run_id, "since_on": step.as_of, "due_on": due},
                       "new", step)
    return _update(out, row, facts, None, step)  # still snoozed, or closed: kept quiet


def _moved(row: Row, facts: Row, due: dt.date | None, policy: Policy) -> dict[str, list[Any]]:
    """What moved in the advice's decision, as {field: [before, after]}."""
    moved: dict[str, list[Any]] = {}
    if policy.band(row["priority"]) != policy.band(facts["priority"]):
        moved["priority"] = [row["priority"], facts["priority"]]
    if row["missing"] != facts["missing"]:
        moved["missing"] = [row["missing"], facts["missing"]]
    if row["due_on"] is not None and due is not None and row["due_on"] != due:
        moved["due_on"] = [row["due_on"].isoformat(), due.isoformat()]
    return moved


def _returns(row: Row, facts: Row, step: RunStep) -> bool:
    policy = step.policy
    if policy.band(facts["priority"]) > policy.band(row["closed_priority"]):
        return True
    return bool(row["stopped"]) and step.as_of >= _cooled(row, policy)


def _cooled(row: Row, policy: Policy) -> dt.date:
    rules = tuple(filter(None, row["rules"].split(",")))
    closed: dt.date = row["closed_on"]
    return closed + dt.timedelta(policy.cooldown(row["kind"], rules))


def _wake(row: Row, step: RunStep) -> dt.date | None:
    """The day this advice must be decided again though nothing about it moves."""
    if row["status"] == "snoozed":
        return row["snoozed_until"]  # type: ignore[no-any-return]
    if row["status"] in CLOSED and row["stopped"] and row["matching"]:
        return _cooled(row, step.policy)
    return None


def _gone(out: Writes, row: Row, step: RunStep) -> Row:
    if row["status"] in CLOSED:
        return _update(out, row, {"matching": False, "stopped": True}, None, step)
    return _update(out, row, {"matching": False, "status": "resolved"}, "resolved", step)


def _update(out: Writes, old: Row, changes: Row, change: str | None, step: RunStep,
            detail: dict[str, list[Any]] | None = None) -> Row:
    """Writes the row only if more than the run that saw it differs (a quiet re-run is cheap):
    ``last_run`` is the last run that recommended it."""
    row = {**old, **changes}
    if any(old[k] != v for k, v in changes.items() if k != "last_run"):
        out.updates.append(row)
    if change is None:
        out.counts["unchanged"] += row["matching"] and row["role"] != "guide"
    else:
        _event(out, row, change, step, detail)
    return row


def _event(out: Writes, row: Row, change: str, step: RunStep,
           detail: dict[str, list[Any]] | None = None) -> None:
    if row["role"] == "guide":
        return  # guidance: people's acts are logged, runs' are not
    out.counts[change] += 1
    out.events.append((row["fingerprint"], row["client_id"], row["kind"], row["action_id"],
                       step.run_id, change, row["status"], step.at_text,
                       row["reason"] if change == "changed" else None, step.day_text,
                       json.dumps(detail, sort_keys=True) if detail else None))
