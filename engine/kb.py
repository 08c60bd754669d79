"""The loaded, compiled knowledge base: immutable, shared safely between threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from engine.conditions import Node
from engine.errors import Diagnostic, Location
from engine.facttypes import FactType
from engine.journey import Journey
from engine.matchers import Matcher
from engine.models import LANGUAGES, PlaybookEntry, Rule, SourceItem, Threshold
from engine.prepared import Prepared, prepare
from engine.templates import Bound, Template


@dataclass(frozen=True)
class CompiledRule:
    spec: Rule
    tree: Node
    reason: dict[str, Template]  # per language
    location: Location

    @cached_property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def priority(self) -> int:
        return self.spec.priority

    @cached_property
    def group(self) -> str | None:
        return self.spec.group

    @cached_property
    def actions(self) -> tuple[tuple[str, str], ...]:
        """(kind, target) of each action, in the order written."""
        return tuple((a.kind, a.target) for a in self.spec.then)

    @cached_property
    def source_set(self) -> frozenset[str]:
        return frozenset(self.spec.sources)


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
    slots: tuple[str, ...]  # the facts the rules test, in the matcher's input order
    warnings: tuple[Diagnostic, ...] = ()
    locations: dict[str, Location] = field(default_factory=dict)  # "kind:id" -> where written

    # Derived lookups, computed once (recommend() is the hot path); the KB itself never changes.

    @cached_property
    def threshold_values(self) -> dict[str, float]:
        return {name: t.value for name, t in self.thresholds.items()}

    @cached_property
    def rules_by_id(self) -> dict[str, CompiledRule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def reasons(self) -> dict[str, dict[str, Bound]]:
        """Language -> rule id -> its reason, thresholds written out."""
        return {lang: {r.id: r.reason[lang].bind(self.facts, self.threshold_values, lang)
                       for r in self.rules} for lang in LANGUAGES}

    @cached_property
    def rule_titles(self) -> dict[str, dict[str, str]]:
        """Language -> rule id -> title (the title of the warnings it raises)."""
        return {lang: {r.id: r.spec.title.get(lang) for r in self.rules} for lang in LANGUAGES}

    @cached_property
    def playbook_titles(self) -> dict[str, dict[str, str]]:
        """Language -> playbook entry id -> title."""
        return {lang: {i: e.title.get(lang) for i, e in self.playbook.items()}
                for lang in LANGUAGES}

    @cached_property
    def prepared(self) -> dict[tuple[str, str], dict[str, tuple[Prepared, ...]]]:
        """Each rule's actions as far as the knowledge base alone decides them (see
        engine.prepared), per (language, project type or "")."""
        return prepare(self)

    def rule(self, rule_id: str) -> CompiledRule:
        return self.rules_by_id[rule_id]

    @cached_property
    def all_steps(self) -> frozenset[str]:
        return frozenset(s for j in self.journeys.values() for s in j.steps)
