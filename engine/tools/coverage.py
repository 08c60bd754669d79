"""Which domain items (K01...) the knowledge base encodes, and where: the coverage table.

``table(kb)`` renders it as Markdown; docs/coverage.md is this table for the bundled knowledge
base, and a test fails when it is stale (regenerate with ``playbook coverage --write``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from engine.kb.compile import DOMAIN_SOURCES
from engine.kb.knowledge_base import KnowledgeBase

HEADER = """# Coverage of the domain items

Generated from the bundled knowledge base by `playbook coverage --write docs/coverage.md`:
for each item of DOMAIN.md, the rules, journey steps (`project_type/step`) and playbook
entries that cite it, or why it is not advice about one client.
Encoded: **{encoded} of {total}**.

| item | what | rules | journey steps | playbook entries |
|---|---|---|---|---|
"""


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


def table(kb: KnowledgeBase, lang: str = "en") -> str:
    cited = citations(kb)
    catalogue = kb.sources or dict.fromkeys(DOMAIN_SOURCES)  # no catalogue: the DOMAIN ids
    encoded = sum(1 for source in catalogue if source in cited)
    rows = []
    for source, item in sorted(catalogue.items()):
        where = cited.get(source, {})
        if where:
            cells = [_list(where.get(kind, ())) for kind in ("rules", "steps", "entries")]
        elif item is not None and item.not_encoded is not None:
            cells = [f"not encoded: {item.not_encoded.get(lang)}", "", ""]
        else:
            cells = ["**not encoded**", "", ""]
        title = item.title.get(lang) if item is not None else ""
        rows.append(f"| {source} | {title} | " + " | ".join(cells) + " |")
    head = HEADER.format(encoded=encoded, total=len(catalogue))
    return head + "\n".join(rows) + "\n"


def _list(ids: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)
