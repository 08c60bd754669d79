"""``unguaranteed-fact``: a reason names a fact the rule's conditions do not guarantee.

A reason is a sentence for people; a missing fact would be written "n/a" in it. A fact is
guaranteed when every way the rule can match tests it (a test other than ``missing``: every
other test needs the fact present), or tests a fact it is derived together with
(``kpi_deviation_pct`` brings ``worst_kpi``; ``campaign_launched_on`` brings
``days_since_launch``): engine/language/facts.py declares which (``DERIVED``).
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.errors import Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.language.conditions import All, AnyOf, Node
from engine.language.facts import DERIVED

# facts the engine derives together: knowing one means knowing the others
TOGETHER = tuple(d.together() for d in DERIVED)
ALWAYS = frozenset({"id", "completed_steps"})  # every client has them


def guaranteed(node: Node) -> frozenset[str]:
    """The facts present whenever ``node`` holds."""
    if isinstance(node, All):
        return frozenset().union(*map(guaranteed, node.children))
    if isinstance(node, AnyOf):
        sets = [guaranteed(c) for c in node.children]
        return frozenset.intersection(*sets) if sets else frozenset()
    if node.op == "missing":
        return frozenset()
    return frozenset().union({node.fact}, *(g for g in TOGETHER if node.fact in g))


def unguaranteed_facts(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    for rule in kb.rules:
        present = guaranteed(rule.tree) | ALWAYS
        named = {name: None for template in rule.reason.values()
                 for kind, name in template.names() if kind == "fact"}
        for name in named:
            if name not in present:
                yield Diagnostic(
                        "unguaranteed-fact", f"rule '{rule.id}': its reason names '{name}', "
                        f"but the rule can match a client without it, and the sentence would "
                        f"read 'n/a'", rule.location,
                        hint=f"add a condition on '{name}' (e.g. '{name}: {{exists: true}}'), "
                             f"or leave it out of the reason", severity="warning")
