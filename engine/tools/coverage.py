"""Which domain items (K01...) the knowledge base encodes, and where, as data.

docs/coverage.md is this coverage for the bundled knowledge base, rendered by
engine/render/markdown.py; a test fails when it is stale (``playbook coverage --write``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engine.kb.compile import DOMAIN_SOURCES
from engine.kb.knowledge_base import KnowledgeBase


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    rules: tuple[str, ...]
    steps: tuple[str, ...]  # "project_type/step"
    entries: tuple[str, ...]
    not_encoded: str | None  # why the item is not advice about one client, if it says so

    @property
    def cited(self) -> bool:
        return bool(self.rules or self.steps or self.entries)


@dataclass(frozen=True)
class Coverage:
    items: tuple[Item, ...]  # sorted by id

    @property
    def encoded(self) -> int:
        return sum(item.cited for item in self.items)


def citations(kb: KnowledgeBase) -> dict[str, dict[str, list[str]]]:
    """For each source id: the rules, steps and entries that cite it, sorted."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rule in kb.rules:
        for source in rule.spec.sources:
            found[source]["rules"].add(rule.id)
    for project_type, journey in kb.journeys.items():
        for step in journey.steps.values():
            for source in step.sources:
                found[source]["steps"].add(f"{project_type}/{step.id}")
    for entry in kb.playbook.values():
        for source in entry.sources:
            found[source]["entries"].add(entry.id)
    return {k: {kind: sorted(ids) for kind, ids in v.items()} for k, v in found.items()}


def coverage(kb: KnowledgeBase, lang: str = "en") -> Coverage:
    cited = citations(kb)
    catalogue = kb.sources or dict.fromkeys(DOMAIN_SOURCES)  # no catalogue: the DOMAIN ids
    items = []
    for source, spec in sorted(catalogue.items()):
        where = cited.get(source, {})
        why = spec.not_encoded.get(lang) if spec is not None and spec.not_encoded else None
        rules, steps, entries = (tuple(where.get(k, ())) for k in ("rules", "steps", "entries"))
        title = spec.title.get(lang) if spec is not None else ""
        items.append(Item(source, title, rules, steps, entries, why))
    return Coverage(tuple(items))
