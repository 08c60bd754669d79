"""Results sent between processes in a compact form: a recommendation as plain tuples (cheaper
to pickle than the model), rebuilt as the very same value on the other side; a client's errors
as they are. The one place to swap for the run time's own wire form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.errors import Diagnostic
from engine.models import Action, Recommendation

Errors = tuple[Diagnostic, ...]
Result = Recommendation | Errors
ACTION_FIELDS = tuple(Action.model_fields)


def pack(result: Result) -> Any:
    if isinstance(result, tuple):
        return list(result)  # errors travel as a list, a recommendation as a tuple
    return (result.client_id, result.as_of.toordinal(), result.kb_version,
            [tuple(a.__dict__.values()) for a in result.actions])


def unpack(packed: Any) -> Result:
    if isinstance(packed, list):
        return tuple(packed)
    client_id, day, kb_version, actions = packed
    return Recommendation.trusted({
        "client_id": client_id, "as_of": dt.date.fromordinal(day), "kb_version": kb_version,
        "actions": [Action.trusted(dict(zip(ACTION_FIELDS, a, strict=True))) for a in actions]})
