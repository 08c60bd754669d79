"""recommend(): a pure function of (knowledge base, client, as_of).

Rules matched by the compiled matcher act in rank order; of an exclusive group only the first
(highest priority, then smallest id) acts. Their actions pass the journey guard: a step whose
prerequisites are not all done comes back as ``blocked`` with what is ``missing``, and the
missing prerequisites that are ready come back as ``next_step``. The journey's own frontier adds
the next steps no rule asked for. Actions are ordered by priority (desc), then kind (warning,
blocked, next_step, upsell, communication), then id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine import i18n
from engine.clients import coerce
from engine.facts import derive
from engine.journey import Journey
from engine.kb import CompiledRule, KnowledgeBase
from engine.models import Action, Client, Recommendation

KIND_ORDER = {"warning": 0, "blocked": 1, "next_step": 2, "upsell": 3, "communication": 4}
STEP_KINDS = ("next_step", "upsell")


@dataclass(frozen=True)
class Evaluation:
    """What happened inside one recommendation: the data behind explanations."""

    facts: dict[str, Any]
    matched: tuple[str, ...]  # rule ids, rank order
    acting: tuple[str, ...]
    suppressed: dict[str, str]  # rule id -> the rule of its group that won
    dropped: dict[str, str]  # "rule_id:step" -> why the step was not proposed


@dataclass(slots=True)
class _Draft:
    kind: str
    id: str
    priority: int
    reason: str
    rules: list[str] = field(default_factory=list)
    sources: frozenset[str] = frozenset()
    missing: list[str] = field(default_factory=list)
    from_rule: bool = True

    def absorb(self, other: _Draft) -> None:
        if other.from_rule and (not self.from_rule or other.priority > self.priority):
            self.kind, self.reason, self.from_rule = other.kind, other.reason, True
        self.priority = max(self.priority, other.priority)
        self.rules.extend(r for r in other.rules if r not in self.rules)
        self.sources = self.sources | other.sources


def recommend(client: Client | Mapping[str, Any], *, kb: KnowledgeBase | None = None,
              as_of: dt.date | None = None, lang: str = "en",
              matcher: str | None = None) -> Recommendation:
    """What to do next for one client, and why."""
    return evaluate(client, kb=kb, as_of=as_of, lang=lang, matcher=matcher)[0]


def evaluate(client: Client | Mapping[str, Any], *, kb: KnowledgeBase | None = None,
             as_of: dt.date | None = None, lang: str = "en",
             matcher: str | None = None) -> tuple[Recommendation, Evaluation]:
    """The recommendation and what happened inside it (for explanations and scenario tests)."""
    if kb is None:
        from engine import default_kb

        kb = default_kb(matcher or "python")
    if matcher is not None and kb.matcher.name != matcher:
        raise ValueError(f"the knowledge base was compiled for the '{kb.matcher.name}' matcher; "
                         f"load it with engine.load(path, matcher='{matcher}')")
    if lang not in ("en", "ru"):
        raise ValueError(f"unknown language '{lang}': expected 'en' or 'ru'")
    client = coerce(client, kb)
    day = as_of or dt.date.today()
    evaluation, drafts = plan(kb, client, day, lang)
    actions = [_action(d, kb, client, lang) for d in sorted(drafts.values(), key=_order)]
    return Recommendation.trusted({"client_id": client.id, "as_of": day,
                                   "kb_version": kb.version, "actions": actions}), evaluation


def plan(kb: KnowledgeBase, client: Client, as_of: dt.date,
         lang: str = "en") -> tuple[Evaluation, dict[tuple[str, str], _Draft]]:
    facts = derive(client, as_of)
    matched = [kb.rules[i] for i in kb.matcher.match([facts.get(n) for n in kb.slots])]
    acting, suppressed = _resolve_groups(matched)
    journey = kb.journeys.get(client.project_type or "")
    done = frozenset(client.completed_steps)
    drafts: dict[tuple[str, str], _Draft] = {}
    dropped: dict[str, str] = {}
    for rule in acting:
        reason = rule.reason[lang].render(facts, kb.facts, kb.threshold_values, lang)
        for kind, target in rule.actions:
            if kind in STEP_KINDS:
                for draft in _drafts(rule, kind, target, reason, journey, done, lang, dropped):
                    _add(drafts, draft)
            else:
                _add(drafts, _Draft(kind, target, rule.spec.priority, reason, [rule.id],
                                    rule.source_set))
    if journey is not None:
        why = i18n.say("journey_next", lang, journey=journey.spec.title.get(lang))
        for step in journey.frontier(done):
            _add(drafts, _Draft("next_step", step, journey.priorities[step], why, [],
                                journey.sources[step], from_rule=False))
    evaluation = Evaluation(facts, tuple(r.id for r in matched), tuple(r.id for r in acting),
                            suppressed, dropped)
    return evaluation, drafts


def _resolve_groups(matched: list[CompiledRule]) -> tuple[list[CompiledRule], dict[str, str]]:
    winners: dict[str, str] = {}
    acting, suppressed = [], {}
    for rule in matched:  # rank order: the first of a group wins
        group = rule.spec.group
        if group is not None and group in winners:
            suppressed[rule.id] = winners[group]
            continue
        if group is not None:
            winners[group] = rule.id
        acting.append(rule)
    return acting, suppressed


def _drafts(rule: CompiledRule, kind: str, target: str, reason: str, journey: Journey | None,
            done: frozenset[str], lang: str, dropped: dict[str, str]) -> list[_Draft]:
    why = _not_proposable(target, journey, done)
    if why:
        dropped[f"{rule.id}:{target}"] = why
        return []
    assert journey is not None
    if journey.is_ready(target, done):
        return [_Draft(kind, target, rule.spec.priority, reason, [rule.id], rule.source_set)]
    missing = journey.missing(target, done)
    title = journey.steps[target].title.get(lang)
    names = ", ".join(i18n.say("quoted", lang, text=journey.steps[m].title.get(lang))
                      for m in missing)
    text = i18n.say("blocked", lang, reason=i18n.sentence(reason), missing=names)
    blocked = _Draft("blocked", target, rule.spec.priority, text, [rule.id],
                     rule.source_set | journey.sources[target], missing)
    title = i18n.say("quoted", lang, text=title)
    ready = [_Draft("next_step", m, rule.spec.priority, i18n.say("needed_before", lang, step=title),
                    [rule.id], rule.source_set | journey.sources[m])
             for m in missing if journey.is_ready(m, done)]
    return [blocked, *ready]


def _not_proposable(step: str, journey: Journey | None, done: frozenset[str]) -> str | None:
    if journey is None:
        return "the client has no known project_type, so there is no journey to check"
    if step not in journey.steps:
        return f"the {journey.project_type} journey has no step '{step}'"
    if step in done and not journey.steps[step].repeatable:
        return "already done, and the journey does not repeat it"
    return None


def _add(drafts: dict[tuple[str, str], _Draft], draft: _Draft) -> None:
    key = ("step" if draft.kind in STEP_KINDS else draft.kind, draft.id)
    if key in drafts:
        drafts[key].absorb(draft)
    else:
        drafts[key] = draft


def _action(d: _Draft, kb: KnowledgeBase, client: Client, lang: str) -> Action:
    return Action.trusted({"kind": d.kind, "id": d.id, "title": _title(d, kb, client, lang),
                           "reason": d.reason, "priority": d.priority, "rules": d.rules,
                           "sources": sorted(d.sources), "missing": d.missing})


def _title(d: _Draft, kb: KnowledgeBase, client: Client, lang: str) -> str:
    if d.kind == "communication":
        return kb.playbook[d.id].title.get(lang)
    if d.kind == "warning":
        return kb.rule(d.rules[0]).spec.title.get(lang)
    return kb.journeys[client.project_type or ""].titles[lang][d.id]


def _order(draft: _Draft) -> tuple[int, int, str]:
    return (-draft.priority, KIND_ORDER[draft.kind], draft.id)
