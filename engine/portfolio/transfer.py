"""Results sent between processes: a recommendation in the run time's wire form
(engine/runtime/wire.py: plain tuples, cheaper to pickle than the model, rebuilt as the very
same value on the other side); a client's errors as they are."""

from __future__ import annotations

from typing import Any

from engine.errors import Diagnostic
from engine.models import Recommendation
from engine.runtime.wire import from_wire, to_wire

Errors = tuple[Diagnostic, ...]
Result = Recommendation | Errors


def pack(result: Result) -> Any:
    if isinstance(result, tuple):
        return list(result)  # errors travel as a list, a recommendation as a tuple
    return to_wire(result)


def unpack(packed: Any) -> Result:
    if isinstance(packed, list):
        return tuple(packed)
    return from_wire(packed)
