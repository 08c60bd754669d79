"""The types of facts rules can test, and which operators suit each type."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from engine.bounds import MAX_MAGNITUDE

Kind = Literal["bool", "int", "number", "text", "enum", "list", "date"]
Unit = Literal["", "percent", "rub", "days", "months"]

COMPARE = frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "between", "one_of", "none_of"})
PRESENCE = frozenset({"exists", "missing"})
OPERATORS: dict[str, frozenset[str]] = {
    "bool": frozenset({"eq", "ne"}) | PRESENCE,
    "int": COMPARE | PRESENCE,
    "number": COMPARE | PRESENCE,
    "text": frozenset({"eq", "ne", "one_of", "none_of"}) | PRESENCE,
    "enum": frozenset({"eq", "ne", "one_of", "none_of"}) | PRESENCE,
    "list": frozenset({"includes", "excludes"}) | PRESENCE,
    "date": PRESENCE,
}
ALL_OPERATORS = sorted(set().union(*OPERATORS.values()))


@dataclass(frozen=True)
class FactType:
    kind: Kind
    values: tuple[str, ...] = ()
    item: FactType | None = None
    unit: Unit = ""
    description: str = field(default="", compare=False)
    low: float = -MAX_MAGNITUDE   # numbers: the domain, bounds included (docs: "Bounds")
    high: float = MAX_MAGNITUDE

    @property
    def operators(self) -> frozenset[str]:
        return OPERATORS[self.kind]

    def describe(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(self.values)
        if self.kind == "list" and self.item is not None:
            return f"a list of {self.item.describe()}"
        what = {"int": "a whole number", "number": "a number", "bool": "true or false",
                "text": "text", "date": "a date"}.get(self.kind, self.kind)
        if self.kind in ("int", "number") and (self.low, self.high) != (-MAX_MAGNITUDE,
                                                                       MAX_MAGNITUDE):
            return f"{what} from {_bound(self.low)} to {_bound(self.high)}"
        return what

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is a valid constant for this fact (a list item for lists)."""
        kind = self.item.kind if self.kind == "list" and self.item else self.kind
        values = self.item.values if self.kind == "list" and self.item else self.values
        if kind == "bool":
            return isinstance(value, bool)
        if kind in ("int", "number"):
            item = self.item if self.kind == "list" and self.item else self
            if isinstance(value, bool) or not (isinstance(value, int) or (kind == "number"
                                               and isinstance(value, float))):
                return False
            return not (isinstance(value, float) and math.isnan(value)) and (
                item.low <= value <= item.high)  # ints compare exactly: no float overflow
        if kind == "enum":
            return isinstance(value, str) and value in values
        return isinstance(value, str)


def _bound(value: float) -> str:
    return f"{value:g}" if abs(value) >= 10**6 else str(value)


def enum(*values: str, description: str = "") -> FactType:
    return FactType("enum", tuple(values), description=description)


def list_of(item: FactType, description: str = "") -> FactType:
    return FactType("list", item=item, description=description)
