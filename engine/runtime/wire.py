"""The wire form of a Recommendation: plain tuples, to send results between processes.

A pydantic ``Recommendation`` pickles slowly (every model rebuilds its state on the other side);
the same data as tuples of strings and ints pickles about ten times faster. Workers send
``to_wire(rec)``; the receiver calls ``from_wire(wire)`` and gets a Recommendation equal to
``rec``. The layout, positional (docs/performance.md shows it too)::

    ("rec/1", client_id, as_of, kb_version, actions)
        as_of:   the date as ISO text, "2026-10-15"
        actions: a tuple of actions, in the recommendation's order, each
                 (kind, id, title, reason, priority, rules, sources, missing)
                 priority an int; rules, sources and missing tuples of str

The first item names the layout and its version; ``from_wire`` refuses any other. The form is
also JSON as is: ``json.dumps(to_wire(rec))`` writes arrays for the tuples, and ``from_wire``
takes the lists ``json.loads`` gives back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from engine.models import Action, Recommendation

WIRE_VERSION = "rec/1"
WireAction = tuple[str, str, str, str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
Wire = tuple[str, str, str, str, tuple[WireAction, ...]]


def to_wire(rec: Recommendation) -> Wire:
    """The recommendation as plain tuples (see the module's docstring for the layout)."""
    return (WIRE_VERSION, rec.client_id, rec.as_of.isoformat(), rec.kb_version,
            tuple([(a.kind, a.id, a.title, a.reason, a.priority, a.rules, a.sources, a.missing)
                   for a in rec.actions]))


def from_wire(wire: Sequence[Any]) -> Recommendation:
    """The Recommendation that ``to_wire`` (possibly through JSON) turned into ``wire``.

    The wire form is trusted to come from ``to_wire``: only its version is checked.
    """
    if len(wire) != 5 or wire[0] != WIRE_VERSION:
        raise ValueError(f"not a recommendation in wire form {WIRE_VERSION!r}: "
                         f"it starts with {wire[0] if wire else None!r}")
    _, client_id, as_of, kb_version, actions = wire
    return Recommendation.trusted({
        "client_id": client_id, "as_of": dt.date.fromisoformat(as_of), "kb_version": kb_version,
        "actions": [_action(a) for a in actions]})


def _action(a: Sequence[Any]) -> Action:
    kind, id_, title, reason, priority, rules, sources, missing = a
    return Action.trusted({"kind": kind, "id": id_, "title": title, "reason": reason,
                           "priority": priority, "rules": tuple(rules),
                           "sources": tuple(sources), "missing": tuple(missing)})
