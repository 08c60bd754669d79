"""Which domain items (K01...) the knowledge base carries as behaviour, and where, as data.

For each item: the rules, journey steps and playbook entries that cite it; the situations in
which it must act (``acts_when`` in the sources catalogue); and the scenarios that show it
acting: a passing scenario (rules/*.test.yaml) that expects an action citing the item. An item
a scenario shows acting is **behaviour**; any other item is **prose only** (with why: the
catalogue's ``not_encoded``, or only playbook text cites it, or no scenario shows it acting).

docs/coverage.md is this table for the bundled knowledge base, rendered by
engine/render/markdown.py; a test fails when it is stale (``playbook coverage --write``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from engine.kb.compile import DOMAIN_SOURCES
from engine.kb.knowledge_base import KnowledgeBase
from engine.tools.scenarios import files, read_cases, run_case

ProseWhy = Literal["not_encoded", "entries_only", "not_shown", "not_cited"]


@dataclass(frozen=True)
class Shown:
    """A scenario that shows an item acting: its name and where it is written."""

    name: str
    location: str


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    rules: tuple[str, ...]
    steps: tuple[str, ...]  # "project_type/step"
    entries: tuple[str, ...]
    not_encoded: str | None  # why the item is not advice about one client, if it says so
    acts_when: str | None = None  # the situations in which it must act
    shown_by: tuple[Shown, ...] = ()  # passing scenarios expecting an action that cites it

    @property
    def cited(self) -> bool:
        return bool(self.rules or self.steps or self.entries)

    @property
    def behaviour(self) -> bool:
        return bool(self.shown_by)

    @property
    def prose_why(self) -> ProseWhy | None:
        """Why the item is prose only (None: it is behaviour)."""
        if self.shown_by:
            return None
        if self.not_encoded is not None:
            return "not_encoded"
        if self.rules or self.steps:
            return "not_shown"
        return "entries_only" if self.entries else "not_cited"


@dataclass(frozen=True)
class Coverage:
    items: tuple[Item, ...]  # sorted by id

    @property
    def encoded(self) -> int:
        return sum(item.cited for item in self.items)

    @property
    def behaviour(self) -> int:
        return sum(item.behaviour for item in self.items)

    @property
    def prose_only(self) -> int:
        return len(self.items) - self.behaviour


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


def shown_by(kb: KnowledgeBase) -> dict[str, list[Shown]]:
    """For each source id: the passing scenarios of the knowledge base that expect an action
    citing it, in file order."""
    found: dict[str, list[Shown]] = defaultdict(list)
    for path in files(kb):
        cases, _ = read_cases(path, kb)
        for case in cases:
            ran = run_case(case, kb)
            if not ran.result.passed:
                continue
            actions = {(a.kind, a.id): a for a in ran.recommendation.actions}
            sources = {s for want in case.scenario.expect.present
                       for s in actions[want.kind, want.id].sources}
            shown = Shown(case.scenario.name, str(case.location))
            for source in sorted(sources):
                found[source].append(shown)
    return found


def coverage(kb: KnowledgeBase, lang: str = "en") -> Coverage:
    cited = citations(kb)
    shown = shown_by(kb)
    catalogue = kb.sources or dict.fromkeys(DOMAIN_SOURCES)  # no catalogue: the DOMAIN ids
    items = []
    for source, spec in sorted(catalogue.items()):
        where = cited.get(source, {})
        why = spec.not_encoded.get(lang) if spec is not None and spec.not_encoded else None
        acts = spec.acts_when.get(lang) if spec is not None and spec.acts_when else None
        rules, steps, entries = (tuple(where.get(k, ())) for k in ("rules", "steps", "entries"))
        title = spec.title.get(lang) if spec is not None else ""
        items.append(Item(id=source, title=title, rules=rules, steps=steps,
                          entries=entries, not_encoded=why, acts_when=acts,
                          shown_by=tuple(shown.get(source, ()))))
    return Coverage(tuple(items))
