"""The loaded, compiled knowledge base: an immutable value, shared safely between threads and
processes (it pickles; the matcher is rebuilt from its trees on the other side)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import Diagnostic, Location
from engine.kb.index import Index
from engine.kb.journey import Journey
from engine.kb.rule import CompiledRule
from engine.language.fact_types import FactType
from engine.matchers import Matcher
from engine.models import CrmSettings, JournalSettings, PlaybookEntry, SourceItem, Threshold

__all__ = ["CompiledRule", "KnowledgeBase"]


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
    index: Index = field(repr=False)  # what recommend() needs, built when the KB is compiled
    used_facts: frozenset[str] = frozenset()  # named by a condition or a reason
    used_thresholds: frozenset[str] = frozenset()
    warnings: tuple[Diagnostic, ...] = ()  # lint findings, when loaded through engine.load
    locations: dict[str, Location] = field(default_factory=dict)  # "kind:id" -> where written
    journal: JournalSettings = field(default_factory=JournalSettings)  # settings.yaml
    crm: CrmSettings | None = None  # settings.yaml: the link template of clients' CRM records

    def rule(self, rule_id: str) -> CompiledRule:
        return self.index.rules_by_id[rule_id]
