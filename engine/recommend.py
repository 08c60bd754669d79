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
from dataclasses import dataclass
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
    """An action being planned: drafts with the same key merge (see ``_Planner.add``)."""

    kind: str
    id: str
    priority: int
    reason: str
    rules: list[str]
    sources: frozenset[str]
    missing: list[str]

    def absorb(self, other: _Draft) -> None:
        """Another rule's draft of the same action: the higher priority sets kind and reason."""
        if other.priority > self.priority:
            self.kind, self.reason, self.priority = other.kind, other.reason, other.priority
        for rule in other.rules:
            if rule not in self.rules:
                self.rules.append(rule)
        self.sources = self.sources | other.sources


class _Planner:
    """The drafts of one recommendation, keyed by ("step", id) for next steps and upsells, by
    (kind, id) otherwise, as the acting rules and then the journey's frontier propose them."""

    def __init__(self, journey: Journey | None, done: frozenset[str], lang: str) -> None:
        self.journey, self.done, self.lang = journey, done, lang
        self.drafts: dict[tuple[str, str], _Draft] = {}
        self.dropped: dict[str, str] = {}  # "rule_id:step" -> why the step was not proposed

    def add(self, key: tuple[str, str], draft: _Draft) -> None:
        kept = self.drafts.setdefault(key, draft)
        if kept is not draft:
            kept.absorb(draft)

    def act(self, rule: CompiledRule, reason: str) -> None:
        """The actions of one acting rule, in the order written."""
        for action in rule.actions:
            kind, target = action
            if kind in STEP_KINDS:
                self.step(rule, kind, target, reason)
            else:
                self.add(action, _Draft(kind, target, rule.priority, reason, [rule.id],
                                        rule.source_set, []))

    def step(self, rule: CompiledRule, kind: str, target: str, reason: str) -> None:
        """A step a rule asks for: proposed, blocked by its prerequisites, or dropped."""
        journey, done = self.journey, self.done
        why = _not_proposable(target, journey, done)
        if why:
            self.dropped[f"{rule.id}:{target}"] = why
            return
        assert journey is not None
        if journey.prerequisites[target] <= done:
            self.add(("step", target), _Draft(kind, target, rule.priority, reason, [rule.id],
                                              rule.source_set, []))
        else:
            self.blocked(rule, journey, target, reason)

    def blocked(self, rule: CompiledRule, journey: Journey, target: str, reason: str) -> None:
        """A step waiting for others: blocked, and its missing prerequisites that are ready."""
        missing = journey.missing(target, self.done)
        quoted = journey.quoted[self.lang]
        text = i18n.say("blocked", self.lang, reason=i18n.sentence(reason),
                        missing=", ".join([quoted[m] for m in missing]))
        self.add(("blocked", target), _Draft("blocked", target, rule.priority, text, [rule.id],
                                             rule.source_set | journey.sources[target], missing))
        first = journey.needed_before[self.lang][target]
        for m in missing:
            if journey.prerequisites[m] <= self.done:
                self.add(("step", m), _Draft("next_step", m, rule.priority, first, [rule.id],
                                             rule.source_set | journey.sources[m], []))

    def frontier(self) -> None:
        """The journey's own next steps, after every rule: they only widen the rules' drafts
        of the same step (priority, sources), never change their kind or reason."""
        journey = self.journey
        if journey is None:
            return
        why = journey.next_reason[self.lang]
        for step in journey.frontier(self.done):
            priority, sources = journey.priorities[step], journey.sources[step]
            draft = self.drafts.get(("step", step))
            if draft is None:
                draft = _Draft("next_step", step, priority, why, [], sources, [])
                self.drafts["step", step] = draft
            else:
                draft.priority = max(draft.priority, priority)
                draft.sources = draft.sources | sources


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
    actions = _actions(sorted(drafts.values(), key=_order), kb, client, lang)
    return Recommendation.trusted({"client_id": client.id, "as_of": day,
                                   "kb_version": kb.version, "actions": actions}), evaluation


def plan(kb: KnowledgeBase, client: Client, as_of: dt.date,
         lang: str = "en") -> tuple[Evaluation, dict[tuple[str, str], _Draft]]:
    facts = derive(client, as_of)
    values = list(map(facts.get, kb.slots))
    matched = [kb.rules[i] for i in kb.matcher.match(values, client.id)]
    acting, suppressed = _resolve_groups(matched)
    journey = kb.journeys.get(client.project_type or "")
    planner = _Planner(journey, frozenset(client.completed_steps), lang)
    reasons = kb.reasons[lang]
    for rule in acting:
        planner.act(rule, reasons[rule.id].render(facts))
    planner.frontier()
    evaluation = Evaluation(facts, tuple([r.id for r in matched]),
                            tuple([r.id for r in acting]), suppressed, planner.dropped)
    return evaluation, planner.drafts


def _resolve_groups(matched: list[CompiledRule]) -> tuple[list[CompiledRule], dict[str, str]]:
    winners: dict[str, str] = {}
    acting, suppressed = [], {}
    for rule in matched:  # rank order: the first of a group wins
        group = rule.group
        if group is not None and group in winners:
            suppressed[rule.id] = winners[group]
            continue
        if group is not None:
            winners[group] = rule.id
        acting.append(rule)
    return acting, suppressed


def _not_proposable(step: str, journey: Journey | None, done: frozenset[str]) -> str | None:
    if journey is None:
        return "the client has no known project_type, so there is no journey to check"
    if step not in journey.steps:
        return f"the {journey.project_type} journey has no step '{step}'"
    if step in done and not journey.steps[step].repeatable:
        return "already done, and the journey does not repeat it"
    return None


def _actions(drafts: list[_Draft], kb: KnowledgeBase, client: Client,
             lang: str) -> list[Action]:
    journey = kb.journeys.get(client.project_type or "")
    steps = journey.titles[lang] if journey is not None else {}
    playbook, rules = kb.playbook_titles[lang], kb.rule_titles[lang]
    actions = []
    for d in drafts:
        title = (playbook[d.id] if d.kind == "communication" else
                 rules[d.rules[0]] if d.kind == "warning" else steps[d.id])
        actions.append(Action.trusted({
            "kind": d.kind, "id": d.id, "title": title, "reason": d.reason,
            "priority": d.priority, "rules": d.rules, "sources": sorted(d.sources),
            "missing": d.missing}))
    return actions


def _order(draft: _Draft) -> tuple[int, int, str]:
    return (-draft.priority, KIND_ORDER[draft.kind], draft.id)
