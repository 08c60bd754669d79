"""Why a client got what it got: explanations as data.

For every rule: it fired, it was suppressed by the winner of its exclusive group, or it did not
match, and then the first condition that failed with the client's actual value, in plain words
("nps is 8, rule wants <= 6"). For every blocked step: the chain of missing prerequisites. For
every exclusive group that matched: the winner and the suppressed. For every step a rule asked
for that could not be proposed: why, as a code (engine/runtime/guard.py). Rendering, and the
words, are in engine/render/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from engine.api import evaluate
from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.language.conditions import All, AnyOf, Node, Test, passes
from engine.language.fact_types import FactType
from engine.models import Client, Held, Recommendation
from engine.runtime.clients import coerce
from engine.runtime.guard import Dropped
from engine.runtime.recommend import Evaluation
from engine.vocabulary import RULE_STATUSES, RuleStatus

Status = RuleStatus
STATUS_ORDER = RULE_STATUSES


@dataclass(frozen=True)
class Unmet:
    """A condition that did not hold: one test, or an ``any`` none of whose alternatives held."""

    fact: str | None = None
    op: str | None = None
    wanted: Any = None
    actual: Any = None  # None: the client does not have the fact
    alternatives: tuple[Unmet, ...] = ()
    ftype: FactType | None = field(default=None, compare=False)  # for the words of render/


@dataclass(frozen=True)
class RuleOutcome:
    id: str
    title: str
    location: str
    priority: int
    group: str | None
    status: Status
    winner: str | None = None  # suppressed: the rule of its group that acted
    unmet: Unmet | None = None  # not matched: the first condition that failed
    produced: tuple[str, ...] = ()  # fired: the actions it is behind


@dataclass(frozen=True)
class Prerequisite:
    """A missing prerequisite of a blocked step, and what it waits for itself (empty: ready)."""

    step: str
    waits_for: tuple[str, ...]


@dataclass(frozen=True)
class BlockedStep:
    step: str
    rules: tuple[str, ...]
    missing: tuple[Prerequisite, ...]


@dataclass(frozen=True)
class GroupOutcome:
    group: str
    winner: str
    suppressed: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    client_id: str
    as_of: dt.date
    kb_version: str
    rules: tuple[RuleOutcome, ...]  # fired, then suppressed, then not matched; rank order
    groups: tuple[GroupOutcome, ...]
    blocked: tuple[BlockedStep, ...]
    dropped: tuple[Dropped, ...]
    lang: str = "en"  # of the titles; render/ writes the rest in it
    held: tuple[Held, ...] = ()  # steps matching rules hold back, with the rules and why

    def only(self, rule_id: str) -> Explanation:
        """The parts of this explanation about one rule; KeyError if there is no such rule."""
        rule = next((r for r in self.rules if r.id == rule_id), None)
        if rule is None:
            raise KeyError(rule_id)
        return replace(self, rules=(rule,),
                       groups=tuple(g for g in self.groups if g.group == rule.group),
                       blocked=tuple(b for b in self.blocked if rule_id in b.rules),
                       dropped=tuple(d for d in self.dropped if d.rule == rule_id))


def explain(kb: KnowledgeBase, client: Client | Mapping[str, Any], as_of: dt.date | None = None,
            lang: str = "en") -> Explanation:
    """Why ``client`` gets what it gets on ``as_of``."""
    client = coerce(client, kb)
    rec, evaluation = evaluate(client, kb=kb, as_of=as_of, lang=lang)
    outcomes = [_outcome(kb, rule, evaluation, rec, lang) for rule in kb.rules]
    outcomes.sort(key=lambda o: STATUS_ORDER.index(o.status))
    return Explanation(client_id=client.id, as_of=rec.as_of, kb_version=kb.version,
                       rules=tuple(outcomes), groups=_groups(kb, evaluation),
                       blocked=_blocked(kb, client, rec), dropped=evaluation.dropped,
                       lang=lang, held=tuple(rec.held))


def _outcome(kb: KnowledgeBase, rule: CompiledRule, evaluation: Evaluation,
             rec: Recommendation, lang: str) -> RuleOutcome:
    spec = rule.spec
    base = RuleOutcome(id=rule.id, title=spec.title.get(lang), location=str(rule.location),
                       priority=spec.priority, group=spec.group, status="fired")
    if rule.id in evaluation.acting:
        return replace(base, produced=tuple(a.label() for a in rec.actions if rule.id in a.rules))
    if rule.id in evaluation.suppressed:
        return replace(base, status="suppressed", winner=evaluation.suppressed[rule.id])
    return replace(base, status="not_matched",
                   unmet=first_unmet(rule.tree, evaluation.facts, kb.facts))


def first_unmet(node: Node, facts: Mapping[str, Any],
                types: Mapping[str, FactType]) -> Unmet | None:
    """The first condition of ``node`` that does not hold for ``facts``, or None if it holds."""
    if isinstance(node, Test):
        actual = facts.get(node.fact)
        if passes(node, actual):
            return None
        return Unmet(node.fact, node.op, node.value, actual, ftype=types[node.fact])
    if isinstance(node, All):
        return next((u for c in node.children if (u := first_unmet(c, facts, types))), None)
    assert isinstance(node, AnyOf)
    alternatives = [first_unmet(c, facts, types) for c in node.children]
    if any(a is None for a in alternatives):
        return None
    return Unmet(alternatives=tuple(a for a in alternatives if a is not None))


def _groups(kb: KnowledgeBase, evaluation: Evaluation) -> tuple[GroupOutcome, ...]:
    out = []
    for rule_id in evaluation.acting:
        group = kb.rule(rule_id).spec.group
        if group is not None:
            losers = tuple(r for r, w in evaluation.suppressed.items() if w == rule_id)
            out.append(GroupOutcome(group, rule_id, losers))
    return tuple(out)


def _blocked(kb: KnowledgeBase, client: Client,
             rec: Recommendation) -> tuple[BlockedStep, ...]:
    journey = kb.journeys.get(client.project_type or "")
    if journey is None:
        return ()
    done = set(client.completed_steps)
    return tuple(
        BlockedStep(a.id, tuple(a.rules), tuple(
            Prerequisite(m, tuple(p for p in journey.order
                             if p in journey.prerequisites[m] and p not in done))
            for m in a.missing))
        for a in rec.actions if a.kind == "blocked")
