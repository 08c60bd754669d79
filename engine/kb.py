"""The loaded, compiled knowledge base: immutable, shared safely between threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.conditions import Node
from engine.errors import Diagnostic, Location
from engine.facttypes import FactType
from engine.journey import Journey
from engine.matchers import Matcher
from engine.models import PlaybookEntry, Rule, SourceItem, Threshold
from engine.templates import Template


@dataclass(frozen=True)
class CompiledRule:
    spec: Rule
    tree: Node
    reason: dict[str, Template]  # per language
    location: Location

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class KnowledgeBase:
    root: Path
    version: str
    rules: tuple[CompiledRule, ...]  # in rank order: priority desc, then id
    journeys: dict[str, Journey]
    playbook: dict[str, PlaybookEntry]
    thresholds: dict[str, Threshold]
    sources: dict[str, SourceItem]
    facts: dict[str, FactType]
    services: frozenset[str]
    matcher: Matcher
    warnings: tuple[Diagnostic, ...] = ()
    locations: dict[str, Location] = field(default_factory=dict)  # "kind:id" -> where written

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(self.facts)

    @property
    def threshold_values(self) -> dict[str, float]:
        return {name: t.value for name, t in self.thresholds.items()}

    def rule(self, rule_id: str) -> CompiledRule:
        return next(r for r in self.rules if r.id == rule_id)

    def step_ids(self) -> set[str]:
        return {s for j in self.journeys.values() for s in j.steps}
