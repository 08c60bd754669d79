"""A rule as compiled: its model, condition tree, reason templates and where it was written."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import Location
from engine.language.conditions import Node
from engine.language.templates import Template
from engine.models import Rule
from engine.vocabulary import STEP_KINDS


@dataclass(frozen=True)
class CompiledRule:
    spec: Rule
    tree: Node
    reason: dict[str, Template]  # per language
    location: Location
    id: str = field(init=False, compare=False)
    priority: int = field(init=False, compare=False)
    group: str | None = field(init=False, compare=False)
    actions: tuple[tuple[str, str], ...] = field(init=False, compare=False)  # (kind, target)
    source_set: frozenset[str] = field(init=False, compare=False)
    asks_for_steps: bool = field(init=False, compare=False)  # a next step or an upsell

    def __post_init__(self) -> None:
        spec = self.spec
        for name, value in (("id", spec.id), ("priority", spec.priority), ("group", spec.group),
                            ("actions", tuple((a.kind, a.target) for a in spec.then)),
                            ("source_set", frozenset(spec.sources)),
                            ("asks_for_steps", any(a.kind in STEP_KINDS for a in spec.then))):
            object.__setattr__(self, name, value)
