"""What every matcher shares: it is a value built from its trees and slots.

Two matchers of the same kind built from the same trees and slots are equal, and a matcher
pickles as those inputs (C handles do not travel between processes): the receiving process
builds it again. The Python matcher adds its compiled code (engine/matchers/python.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.language.conditions import Node


class MatcherValue:
    """Equality, hashing and pickling by (kind, trees, slots)."""

    name: str
    trees: tuple[Node, ...]
    slots: dict[str, int]

    def _keep(self, trees: Sequence[Node], slots: Mapping[str, int]) -> None:
        self.trees, self.slots = tuple(trees), dict(slots)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, MatcherValue) and self.name == other.name
                and self.trees == other.trees and self.slots == other.slots)

    def __hash__(self) -> int:
        return hash((self.name, self.trees))

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.trees, self.slots)
