"""Matchers turn the compiled condition trees of a rule base into something fast to run.

A matcher is built from the rules' trees (in rank order) and the slot of every fact; its
``match(values)`` takes the fact values in slot order (None = missing) and returns the
indices of the matching rules, ascending. ``python`` (generated code) is the default;
``durable`` (durable-rules, optional extra) is held equal to it by differential tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from engine.language.conditions import Node

NAMES = ("python", "durable")


class Matcher(Protocol):
    name: str

    def match(self, values: Sequence[Any], label: str | None = None) -> list[int]:
        """Indices of the matching trees, ascending; ``label`` names the client in errors."""
        ...


def build(name: str, trees: Sequence[Node], slots: Mapping[str, int]) -> Matcher:
    """The matcher called ``name`` for these trees."""
    if name == "python":
        from engine.matchers.python import PythonMatcher

        return PythonMatcher(trees, slots)
    if name == "durable":
        from engine.matchers.durable import DurableMatcher

        return DurableMatcher(trees, slots)
    raise ValueError(f"unknown matcher '{name}': expected one of {', '.join(NAMES)}")
