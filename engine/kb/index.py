"""The runtime index: what recommend() needs of a knowledge base, built once when it loads.

Each rule's actions are prepared as far as the knowledge base alone decides them. recommend()
adds only what depends on the client: the reason when it names facts, and the journey guard's
verdict. An action whose reason names no fact is built whole and shared between recommendations
(actions are immutable); the others are kept as their fields, reason left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.kb.details import DetailsTable, build_details
from engine.kb.journey import Journey
from engine.kb.rule import CompiledRule
from engine.language.fact_types import FactType
from engine.models import Action, Details, PlaybookEntry
from engine.vocabulary import LANGUAGES, STEP_KINDS

# An Action; or its fields, the reason still to fill in; or None: a step the journey lacks.
Prepared = Action | dict[str, Any] | None
Titles = dict[str, dict[str, str]]  # language -> id -> title


@dataclass(frozen=True)
class Index:
    threshold_values: dict[str, float]
    rules_by_id: dict[str, CompiledRule]
    reasons: dict[str, dict[str, Any]]  # language -> rule id -> its bound reason template
    rule_titles: Titles  # the title of the warnings a rule raises
    playbook_titles: Titles
    prepared: dict[tuple[str, str], dict[str, tuple[Prepared, ...]]]  # (lang, project type)
    all_steps: frozenset[str]  # of every journey
    details: DetailsTable  # the playbook content actions bring along (engine/kb/details.py)


def build_index(rules: Sequence[CompiledRule], journeys: Mapping[str, Journey],
                playbook: Mapping[str, PlaybookEntry], thresholds: Mapping[str, float],
                facts: Mapping[str, FactType]) -> Index:
    reasons = {lang: {r.id: r.reason[lang].bind(facts, thresholds, lang) for r in rules}
               for lang in LANGUAGES}
    rule_titles = {lang: {r.id: r.spec.title.get(lang) for r in rules} for lang in LANGUAGES}
    playbook_titles = {lang: {i: e.title.get(lang) for i, e in playbook.items()}
                       for lang in LANGUAGES}
    titles = {"warning": rule_titles, "communication": playbook_titles}
    details = build_details(journeys, playbook)
    prepared = {(lang, pt): {rule.id: tuple(
        _prepare(rule, kind, target, journeys.get(pt), lang, titles, reasons[lang][rule.id].text,
                 details[lang, pt])
        for kind, target in rule.actions) for rule in rules}
        for lang in LANGUAGES for pt in ("", *journeys)}
    return Index(dict(thresholds), {r.id: r for r in rules}, reasons, rule_titles,
                 playbook_titles, prepared,
                 frozenset(s for j in journeys.values() for s in j.steps), details)


def _prepare(rule: CompiledRule, kind: str, target: str, journey: Journey | None, lang: str,
             titles: dict[str, Titles], reason: str | None,
             details: Mapping[tuple[str, str], Details]) -> Prepared:
    if kind in STEP_KINDS:
        if journey is None or target not in journey.steps:
            return None
        title = journey.titles[lang][target]
    else:
        title = titles[kind][lang][rule.id if kind == "warning" else target]
    fields = {"kind": kind, "id": target, "title": title, "reason": reason,
              "priority": rule.priority, "rules": (rule.id,),
              "sources": tuple(sorted(rule.source_set)), "missing": (),
              "details": details.get((kind, target))}
    return fields if reason is None else Action.trusted(fields)
