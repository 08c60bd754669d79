"""recommend(): a pure function of (knowledge base, client, as_of).

Rules matched by the compiled matcher act in rank order; of an exclusive group only the first
(highest priority, then smallest id) acts. Their actions pass the journey guard: a step whose
prerequisites are not all done comes back as ``blocked`` with what is ``missing``, and the
missing prerequisites that are ready come back as ``next_step``. The journey's own frontier adds
the next steps no rule asked for. Two proposals of the same action merge: the higher priority
sets kind and reason, their rules and sources add up (the frontier only widens priority and
sources). Actions are ordered by priority (desc), then kind (warning, blocked, next_step,
upsell, communication), then id.

Holds (engine/runtime/holds.py): a held step is proposed by nobody (``Recommendation.held``);
done steps the client's journey lacks are reported in ``Recommendation.notes``.

Planning is linear in the proposals: each action is one mutable draft while it is planned
(``_Draft``), every proposal of it adds to the draft in O(1), and the drafts are ordered and
built into Actions once, at the end. A draft that no other proposal changed hands back the
Action the knowledge base prepared (shared, immutable), without building it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from engine.kb.index import Proposal
from engine.kb.journey import Journey
from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.language import phrases as i18n
from engine.models import Action, Client, Details, Recommendation
from engine.runtime.clients import coerce
from engine.runtime.derived import derive
from engine.runtime.groups import resolve_groups
from engine.runtime.holds import Holds
from engine.vocabulary import KIND_ORDER, LANGUAGES, STEP_KINDS, ActionKind, Language


@dataclass(frozen=True)
class Evaluation:
    """What happened inside one recommendation: the data behind explanations."""

    facts: dict[str, Any]
    matched: tuple[str, ...]  # rule ids, rank order
    acting: tuple[str, ...]
    suppressed: dict[str, str]  # rule id -> the rule of its group that won
    dropped: dict[str, str]  # "rule_id:step" (or entry) -> why it was not proposed


@dataclass(slots=True)
class _Draft:
    """One action while it is planned: every proposal of the same action adds to it, and it is
    built into an Action once, at the end. The first proposal sets title and missing; the
    highest priority (the first of equals) sets kind and reason; rules add up in the order
    they came, sources as a set (sorted once, when built)."""

    kind: ActionKind
    id: str
    title: str
    reason: str
    priority: int
    rules: list[str]
    sources: frozenset[str]
    ordered: tuple[str, ...] | None  # the sources sorted, while no proposal added any
    missing: tuple[str, ...]
    built: Action | None  # the action as prepared, while no other proposal changed it
    one_of: tuple[tuple[str, ...], ...] = ()  # blocked: any-of groups none of which is done

    def add(self, kind: ActionKind, reason: str, priority: int, rule: str,
            sources: frozenset[str]) -> None:
        """Another proposal of the same action, from ``rule``."""
        if priority > self.priority:
            self.kind, self.reason, self.priority, self.built = kind, reason, priority, None
        if not self.rules or self.rules[-1] != rule:  # a rule proposes only while it acts
            self.rules.append(rule)
            self.built = None
        self.widen(sources)

    def widen(self, sources: frozenset[str]) -> None:
        if not sources <= self.sources:
            self.sources, self.ordered, self.built = self.sources | sources, None, None

    def action(self, details: Mapping[tuple[str, str], Details]) -> Action:
        """The action, with the playbook content it brings (``details``: by kind and id)."""
        if self.built is not None:
            return self.built
        return Action.trusted({
            "kind": self.kind, "id": self.id, "title": self.title, "reason": self.reason,
            "priority": self.priority, "rules": tuple(self.rules),
            "sources": self.ordered if self.ordered is not None else tuple(sorted(self.sources)),
            "missing": self.missing, "missing_one_of": self.one_of,
            "details": details.get((self.kind, self.id))})

    def order(self) -> tuple[int, int, str]:
        """The documented order: priority (desc), then kind, then id."""
        return (-self.priority, KIND_ORDER[self.kind], self.id)


def _drafted(p: Proposal, reason: str) -> _Draft:
    return _Draft(p.kind, p.id, p.title, reason, p.priority, [p.rule], p.sources, p.ordered,
                  (), p.action)


class _Planner:
    """The actions of one recommendation, keyed by ("step", id) for next steps and upsells, by
    (kind, id) otherwise, as the acting rules and then the journey's frontier propose them."""

    def __init__(self, kb: KnowledgeBase, client: Client, lang: str) -> None:
        self.journey = kb.journeys.get(client.project_type or "")
        self.done = frozenset(client.completed_steps)
        self.lang = cast(Language, lang)  # checked by recommend()
        project_type = self.journey.project_type if self.journey else ""
        self.view = kb.index.view(self.lang, project_type)
        self.details = kb.index.details[self.lang, project_type]
        self.drafts: dict[tuple[str, str], _Draft] = {}
        self.dropped: dict[str, str] = {}  # "rule_id:step" (or entry) -> why it was not proposed
        self.holds = Holds({}, (), self.dropped)

    def hold(self, kb: KnowledgeBase, matched: list[CompiledRule]) -> None:
        """The steps the matching rules hold back, before any rule acts."""
        by_rule = kb.index.holds.get(self.journey.project_type if self.journey else "", {})
        self.holds = Holds(by_rule, matched, self.dropped)

    def propose(self, key: tuple[str, str], p: Proposal, reason: str) -> None:
        draft = self.drafts.get(key)
        if draft is None:
            self.drafts[key] = _drafted(p, reason)
        else:
            draft.add(p.kind, reason, p.priority, p.rule, p.sources)

    def act(self, rule: CompiledRule, reason: str) -> None:
        """The actions of one acting rule: its steps, then the rest. When every step the rule
        proposes is held back, its playbook entries go with them (they say how to do those
        steps); its warnings stay."""
        pairs = list(zip(rule.actions, self.view.proposals[rule.id], strict=True))
        steps = [(target, p) for (kind, target), p in pairs if kind in STEP_KINDS]
        held = [self.step(rule, target, p, reason) for target, p in steps]
        for action, p in pairs:
            if action[0] in STEP_KINDS:
                continue
            if held and all(held) and action[0] == "communication":
                self.dropped[f"{rule.id}:{action[1]}"] = "its steps are held back"
                continue
            assert p is not None
            self.propose(action, p, reason)

    def step(self, rule: CompiledRule, target: str, p: Proposal | None, reason: str) -> bool:
        """A step a rule asks for: proposed, blocked by its prerequisites, or dropped; whether
        it was held back."""
        journey, done = self.journey, self.done
        why = _not_proposable(target, journey, done)
        if why:
            self.dropped[f"{rule.id}:{target}"] = why
            return False
        assert journey is not None and p is not None
        if self.holds and self.holds.stops(target, rule):
            return True
        if journey.is_ready(target, done):
            self.propose(("step", target), p, reason)
        else:
            self.blocked(rule, journey, target, reason)
        return False

    def blocked(self, rule: CompiledRule, journey: Journey, target: str, reason: str) -> None:
        """A step waiting for others: blocked, and its missing prerequisites that are ready."""
        missing, one_of, ready, not_yet = journey.waiting(target, self.done)
        lang = self.lang
        self.guard("blocked", target, rule, journey,
                   f"{i18n.sentence(reason)} {not_yet[lang]}", missing, one_of)
        first = journey.needed_before[lang][target]
        for m in ready:
            if not (self.holds and self.holds.stops(m, rule)):
                self.guard("next_step", m, rule, journey, first)

    def guard(self, kind: ActionKind, step: str, rule: CompiledRule, journey: Journey, reason: str,
              missing: tuple[str, ...] = (), one_of: tuple[tuple[str, ...], ...] = ()) -> None:
        """A step the journey guard adds on a rule's behalf: its sources join the rule's."""
        key = ("blocked" if kind == "blocked" else "step", step)
        sources = rule.source_set | journey.sources[step]
        draft = self.drafts.get(key)
        if draft is None:
            self.drafts[key] = _Draft(kind, step, journey.titles[self.lang][step], reason,
                                      rule.priority, [rule.id], sources, None, missing, None,
                                      one_of)
        else:
            draft.add(kind, reason, rule.priority, rule.id, sources)

    def frontier(self) -> None:
        """The journey's own next steps, after every rule: they only widen the rules' proposals
        of the same step (priority, sources), never change their kind or reason."""
        journey = self.journey
        if journey is None:
            return
        built = self.view.frontier
        for step in journey.frontier(self.done):
            if self.holds and self.holds.stops(step):
                continue
            draft = self.drafts.get(("step", step))
            if draft is None:
                a = built[step]
                self.drafts["step", step] = _Draft(a.kind, step, a.title, a.reason, a.priority,
                                                   [], journey.sources[step], a.sources, (), a)
                continue
            if journey.priorities[step] > draft.priority:
                draft.priority, draft.built = journey.priorities[step], None
            draft.widen(journey.sources[step])

    def actions(self) -> list[Action]:
        """The planned actions, in the documented order, each built once."""
        drafts = sorted(self.drafts.values(), key=_Draft.order)
        return [d.action(self.details) for d in drafts]


class _Outcome(NamedTuple):
    """What plan() found: the facts, the rules matched and acting, and the planner's actions."""

    facts: dict[str, Any]
    matched: list[CompiledRule]
    acting: list[CompiledRule]
    suppressed: dict[str, str]
    planner: _Planner


def recommend(client: Client | Mapping[str, Any], *, kb: KnowledgeBase, as_of: dt.date,
              lang: str = "en") -> Recommendation:
    """What to do next for one client, and why (``engine.recommend`` fills in the defaults)."""
    client = _inputs(client, kb, lang)
    return _recommendation(kb, client, as_of, plan(kb, client, as_of, lang))


def evaluate(client: Client | Mapping[str, Any], *, kb: KnowledgeBase, as_of: dt.date,
             lang: str = "en") -> tuple[Recommendation, Evaluation]:
    """The recommendation and what happened inside it (for explanations and scenario tests)."""
    client = _inputs(client, kb, lang)
    outcome = plan(kb, client, as_of, lang)
    evaluation = Evaluation(outcome.facts, tuple([r.id for r in outcome.matched]),
                            tuple([r.id for r in outcome.acting]), outcome.suppressed,
                            outcome.planner.dropped)
    return _recommendation(kb, client, as_of, outcome), evaluation


def _inputs(client: Client | Mapping[str, Any], kb: KnowledgeBase, lang: str) -> Client:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}': expected 'en' or 'ru'")
    return coerce(client, kb)


def plan(kb: KnowledgeBase, client: Client, as_of: dt.date, lang: str = "en") -> _Outcome:
    """Match the rules, let the acting ones propose through the journey guard, add the frontier."""
    facts = derive(client, as_of)
    values = list(map(facts.get, kb.slots))
    matched = [kb.rules[i] for i in kb.matcher.match(values, client.id)]
    acting, suppressed = resolve_groups(matched)
    planner = _Planner(kb, client, lang)
    planner.hold(kb, matched)
    reasons = planner.view.reasons
    for rule in acting:
        planner.act(rule, reasons[rule.id].render(facts))
    planner.frontier()
    return _Outcome(facts, matched, acting, suppressed, planner)


def _recommendation(kb: KnowledgeBase, client: Client, as_of: dt.date,
                    outcome: _Outcome) -> Recommendation:
    return Recommendation.trusted({"client_id": client.id, "as_of": as_of,
                                   "kb_version": kb.version,
                                   "actions": outcome.planner.actions(),
                                   "held": outcome.planner.holds.report(outcome.planner.journey,
                                                                        outcome.planner.lang),
                                   "notes": _notes(kb, client, outcome.planner.lang)})


def _notes(kb: KnowledgeBase, client: Client, lang: str) -> list[str]:
    """What the engine ignored in the client's input: done steps this journey does not have."""
    journey = kb.journeys.get(client.project_type or "")
    if journey is None or journey.step_ids.issuperset(client.completed_steps):
        return []
    return [i18n.say("foreign_step", lang, step=step, journey=journey.spec.title.get(lang))
            for step in client.completed_steps if step not in journey.step_ids]


def _not_proposable(step: str, journey: Journey | None, done: frozenset[str]) -> str | None:
    if journey is None:
        return "the client has no known project_type, so there is no journey to check"
    if step not in journey.steps:
        return f"the {journey.project_type} journey has no step '{step}'"
    if step in done and not journey.steps[step].repeatable:
        return "already done, and the journey does not repeat it"
    return None
