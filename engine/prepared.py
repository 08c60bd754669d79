"""Each rule's actions as far as the knowledge base alone decides them, built once.

recommend() adds only what depends on the client: the reason when it names facts, and the
journey guard's verdict. An action whose reason names no fact is built whole and shared between
recommendations (actions are immutable); the others are kept as their fields, reason left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.journey import Journey
from engine.models import LANGUAGES, STEP_KINDS, Action

if TYPE_CHECKING:
    from engine.kb import CompiledRule, KnowledgeBase

# An Action; or its fields, the reason still to fill in; or None: a step the journey lacks.
Prepared = Action | dict[str, Any] | None


def prepare(kb: KnowledgeBase) -> dict[tuple[str, str], dict[str, tuple[Prepared, ...]]]:
    """(language, project type or "") -> rule id -> for each action of the rule, in order."""
    return {(lang, project_type): {
        rule.id: tuple(_prepare(kb, rule, kind, target, kb.journeys.get(project_type), lang)
                       for kind, target in rule.actions) for rule in kb.rules}
        for lang in LANGUAGES for project_type in ("", *kb.journeys)}


def _prepare(kb: KnowledgeBase, rule: CompiledRule, kind: str, target: str,
             journey: Journey | None, lang: str) -> Prepared:
    if kind in STEP_KINDS:
        if journey is None or target not in journey.steps:
            return None
        title = journey.titles[lang][target]
    elif kind == "communication":
        title = kb.playbook_titles[lang][target]
    else:
        title = kb.rule_titles[lang][rule.id]
    reason = kb.reasons[lang][rule.id].text
    fields = {"kind": kind, "id": target, "title": title, "reason": reason,
              "priority": rule.priority, "rules": (rule.id,),
              "sources": tuple(sorted(rule.source_set)), "missing": ()}
    return fields if reason is None else Action.trusted(fields)
