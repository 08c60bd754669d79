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

from engine.kb.journey import Journey
from engine.kb.rule import CompiledRule
from engine.language.fact_types import FactType, Unit
from engine.models import Action, PlaybookEntry
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
    holds: dict[str, dict[str, frozenset[str]]]  # project type -> rule id -> steps it holds


def build_index(rules: Sequence[CompiledRule], journeys: Mapping[str, Journey],
                playbook: Mapping[str, PlaybookEntry], thresholds: Mapping[str, float],
                facts: Mapping[str, FactType],
                units: Mapping[str, Unit | None] | None = None) -> Index:
    reasons = {lang: {r.id: r.reason[lang].bind(facts, thresholds, lang, units) for r in rules}
               for lang in LANGUAGES}
    rule_titles = {lang: {r.id: r.spec.title.get(lang) for r in rules} for lang in LANGUAGES}
    playbook_titles = {lang: {i: e.title.get(lang) for i, e in playbook.items()}
                       for lang in LANGUAGES}
    titles = {"warning": rule_titles, "communication": playbook_titles}
    prepared = {(lang, pt): {rule.id: tuple(
        _prepare(rule, kind, target, journeys.get(pt), lang, titles, reasons[lang][rule.id].text)
        for kind, target in rule.actions) for rule in rules}
        for lang in LANGUAGES for pt in ("", *journeys)}
    return Index(dict(thresholds), {r.id: r for r in rules}, reasons, rule_titles,
                 playbook_titles, prepared,
                 frozenset(s for j in journeys.values() for s in j.steps),
                 {pt: {r.id: held_steps(r, j) for r in rules if r.spec.hold is not None}
                  for pt, j in journeys.items()})


def held_steps(rule: CompiledRule, journey: Journey) -> frozenset[str]:
    """The steps of ``journey`` a rule's hold stands for: named, or of a held category or phase."""
    hold = rule.spec.hold
    if hold is None:
        return frozenset()
    steps, categories, phases = (set(hold.names(w)) for w in ("step", "category", "phase"))
    return frozenset(s for s, step in journey.steps.items()
                     if s in steps or step.category in categories or step.phase in phases)


def _prepare(rule: CompiledRule, kind: str, target: str, journey: Journey | None, lang: str,
             titles: dict[str, Titles], reason: str | None) -> Prepared:
    if kind in STEP_KINDS:
        if journey is None or target not in journey.steps:
            return None
        title = journey.titles[lang][target]
    else:
        title = titles[kind][lang][rule.id if kind == "warning" else target]
    fields = {"kind": kind, "id": target, "title": title, "reason": reason,
              "priority": rule.priority, "rules": (rule.id,),
              "sources": tuple(sorted(rule.source_set)), "missing": (), "missing_one_of": ()}
    return fields if reason is None else Action.trusted(fields)
