"""The wire form of a Recommendation: plain tuples, to send results between processes.

A pydantic ``Recommendation`` pickles slowly (every model rebuilds its state on the other side);
the same data as tuples of strings and ints pickles about ten times faster. Workers send
``to_wire(rec)``; the receiver calls ``from_wire(wire)`` and gets a Recommendation equal to
``rec``. The layout, positional (docs/performance.md shows it too)::

    ("rec/4", client_id, (client_name, owner, crm_id, crm_url), as_of, kb_version, actions,
     held, notes)
        who:     the client's name, owner, CRM id and CRM link, each str or None
        as_of:   the date as ISO text, "2026-10-15"
        actions: a tuple of actions, in the recommendation's order, each
                 (kind, id, title, reason, priority, rules, sources, missing, missing_one_of,
                  details)
                 priority an int; rules, sources and missing tuples of str; missing_one_of a
                 tuple of tuples of str; details None or (entry, title, summary, items)
        held:    a tuple of (kind, id, title, rules, reason): kind "step" or "communication"
        notes:   a tuple of str

The first item names the layout and its version; ``from_wire`` refuses any other. The form is
also JSON as is: ``json.dumps(to_wire(rec))`` writes arrays for the tuples, and ``from_wire``
takes the lists ``json.loads`` gives back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from engine.models import Action, Details, Held, Recommendation

WIRE_VERSION = "rec/4"
Wire = tuple[Any, ...]


def to_wire(rec: Recommendation) -> Wire:
    """The recommendation as plain tuples (see the module's docstring for the layout)."""
    return (WIRE_VERSION, rec.client_id, (rec.client_name, rec.owner, rec.crm_id, rec.crm_url),
            rec.as_of.isoformat(), rec.kb_version,
            tuple([(a.kind, a.id, a.title, a.reason, a.priority, a.rules, a.sources, a.missing,
                    a.missing_one_of, _details(a.details)) for a in rec.actions]),
            tuple([(h.kind, h.id, h.title, h.rules, h.reason) for h in rec.held]),
            tuple(rec.notes))


def _details(d: Details | None) -> tuple[Any, ...] | None:
    return None if d is None else (d.entry, d.title, d.summary, d.items)


def from_wire(wire: Sequence[Any]) -> Recommendation:
    """The Recommendation that ``to_wire`` (possibly through JSON) turned into ``wire``.

    The wire form is trusted to come from ``to_wire``: only its version is checked.
    """
    if len(wire) != 8 or wire[0] != WIRE_VERSION:
        raise ValueError(f"not a recommendation in wire form {WIRE_VERSION!r}: "
                         f"it starts with {wire[0] if wire else None!r}")
    _, client_id, who, as_of, kb_version, actions, held, notes = wire
    name, owner, crm_id, crm_url = who
    return Recommendation.trusted({
        "client_id": client_id, "client_name": name, "owner": owner, "crm_id": crm_id,
        "crm_url": crm_url, "as_of": dt.date.fromisoformat(as_of), "kb_version": kb_version,
        "actions": [_action(a) for a in actions],
        "held": [Held.trusted({"kind": k, "id": i, "title": t, "rules": tuple(r),
                               "reason": why}) for k, i, t, r, why in held],
        "notes": list(notes)})


def _action(a: Sequence[Any]) -> Action:
    kind, id_, title, reason, priority, rules, sources, missing, one_of, details = a
    return Action.trusted({"kind": kind, "id": id_, "title": title, "reason": reason,
                           "priority": priority, "rules": tuple(rules),
                           "sources": tuple(sources), "missing": tuple(missing),
                           "missing_one_of": tuple(tuple(g) for g in one_of),
                           "details": None if details is None else Details.trusted({
                               "entry": details[0], "title": details[1],
                               "summary": details[2], "items": tuple(details[3])})})
