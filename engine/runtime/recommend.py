"""recommend(): a pure function of (knowledge base, client, as_of).

Rules matched by the compiled matcher act in rank order; of an exclusive group only the first
(highest priority, then smallest id) acts. Their actions pass the journey guard: a step whose
prerequisites are not all done comes back as ``blocked`` with what is ``missing``, and the
missing prerequisites that are ready come back as ``next_step``. The journey's own frontier adds
the next steps no rule asked for. Two proposals of the same action merge: the higher priority
sets kind and reason, their rules and sources add up (the frontier only widens priority and
sources). Actions are ordered by priority (desc), then kind (warning, blocked, next_step,
upsell, communication), then id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from engine.kb.bundled import default_kb
from engine.kb.details import with_details
from engine.kb.index import Prepared
from engine.kb.journey import Journey
from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.language import phrases as i18n
from engine.models import Action, Client, Recommendation
from engine.runtime.clients import coerce
from engine.runtime.derived import derive
from engine.vocabulary import KIND_ORDER, LANGUAGES, STEP_KINDS


@dataclass(frozen=True)
class Evaluation:
    """What happened inside one recommendation: the data behind explanations."""

    facts: dict[str, Any]
    matched: tuple[str, ...]  # rule ids, rank order
    acting: tuple[str, ...]
    suppressed: dict[str, str]  # rule id -> the rule of its group that won
    dropped: dict[str, str]  # "rule_id:step" -> why the step was not proposed


Fields = dict[str, Any]  # an Action's fields, before it is built
Entry = Action | Fields


def _fields(entry: Entry) -> Fields:
    return entry.__dict__ if isinstance(entry, Action) else entry


def _merged(kept: Entry, other: Entry) -> Fields:
    """Two proposals of the same action: the higher priority sets kind and reason; the rules
    (in the order they came) and the sources add up."""
    a, b = _fields(kept), _fields(other)
    top = b if b["priority"] > a["priority"] else a
    return {**a, "kind": top["kind"], "reason": top["reason"], "priority": top["priority"],
            "rules": tuple(dict.fromkeys(a["rules"] + b["rules"])),
            "sources": tuple(sorted({*a["sources"], *b["sources"]}))}


def _step(kind: str, step: str, journey: Journey, lang: str, rule: CompiledRule, reason: str,
          missing: tuple[str, ...] = ()) -> Fields:
    """A step the journey guard adds on a rule's behalf: its sources join the rule's."""
    return {"kind": kind, "id": step, "title": journey.titles[lang][step], "reason": reason,
            "priority": rule.priority, "rules": (rule.id,),
            "sources": tuple(sorted(rule.source_set | journey.sources[step])), "missing": missing}


def _filled(prepared: Prepared, reason: str) -> Entry:
    """A prepared action with the client's reason (an Action already has its own)."""
    assert prepared is not None
    return prepared if isinstance(prepared, Action) else {**prepared, "reason": reason}


def _action(entry: Entry) -> Action:
    return entry if isinstance(entry, Action) else Action.trusted(entry)


class _Planner:
    """The actions of one recommendation, keyed by ("step", id) for next steps and upsells, by
    (kind, id) otherwise, as the acting rules and then the journey's frontier propose them."""

    def __init__(self, kb: KnowledgeBase, client: Client, lang: str) -> None:
        self.journey = kb.journeys.get(client.project_type or "")
        self.done = frozenset(client.completed_steps)
        self.lang = lang
        self.prepared = kb.index.prepared[lang, self.journey.project_type if self.journey else ""]
        self.entries: dict[tuple[str, str], Entry] = {}
        self.dropped: dict[str, str] = {}  # "rule_id:step" -> why the step was not proposed

    def add(self, key: tuple[str, str], entry: Entry) -> None:
        kept = self.entries.setdefault(key, entry)
        if kept is not entry:
            self.entries[key] = _merged(kept, entry)

    def act(self, rule: CompiledRule, reason: str) -> None:
        """The actions of one acting rule, in the order written."""
        for action, prepared in zip(rule.actions, self.prepared[rule.id], strict=True):
            kind, target = action
            if kind in STEP_KINDS:
                self.step(rule, target, prepared, reason)
            else:
                self.add(action, _filled(prepared, reason))

    def step(self, rule: CompiledRule, target: str, prepared: Prepared, reason: str) -> None:
        """A step a rule asks for: proposed, blocked by its prerequisites, or dropped."""
        journey, done = self.journey, self.done
        why = _not_proposable(target, journey, done)
        if why:
            self.dropped[f"{rule.id}:{target}"] = why
            return
        assert journey is not None
        if journey.prerequisites[target] <= done:
            self.add(("step", target), _filled(prepared, reason))
        else:
            self.blocked(rule, journey, target, reason)

    def blocked(self, rule: CompiledRule, journey: Journey, target: str, reason: str) -> None:
        """A step waiting for others: blocked, and its missing prerequisites that are ready."""
        missing, ready, not_yet = journey.waiting(target, self.done)
        lang = self.lang
        self.add(("blocked", target), _step("blocked", target, journey, lang, rule,
                                            f"{i18n.sentence(reason)} {not_yet[lang]}", missing))
        first = journey.needed_before[lang][target]
        for m in ready:
            self.add(("step", m), _step("next_step", m, journey, lang, rule, first))

    def frontier(self) -> None:
        """The journey's own next steps, after every rule: they only widen the rules' proposals
        of the same step (priority, sources), never change their kind or reason."""
        journey = self.journey
        if journey is None:
            return
        built = journey.next_actions[self.lang]
        for step in journey.frontier(self.done):
            key = ("step", step)
            kept = self.entries.setdefault(key, built[step])
            if kept is not built[step]:
                a = _fields(kept)
                self.entries[key] = {**a, "priority": max(a["priority"], journey.priorities[step]),
                                     "sources": tuple(sorted({*a["sources"],
                                                              *journey.sources[step]}))}

    def actions(self) -> list[Action]:
        """The planned actions, in the documented order."""
        return sorted(map(_action, self.entries.values()), key=_order)


class _Outcome(NamedTuple):
    """What plan() found: the facts, the rules matched and acting, and the planner's actions."""

    facts: dict[str, Any]
    matched: list[CompiledRule]
    acting: list[CompiledRule]
    suppressed: dict[str, str]
    planner: _Planner


def recommend(client: Client | Mapping[str, Any], *, kb: KnowledgeBase | None = None,
              as_of: dt.date | None = None, lang: str = "en",
              matcher: str | None = None) -> Recommendation:
    """What to do next for one client, and why."""
    kb, client, day = _inputs(client, kb, as_of, lang, matcher)
    return _recommendation(kb, client, day, plan(kb, client, day, lang))


def evaluate(client: Client | Mapping[str, Any], *, kb: KnowledgeBase | None = None,
             as_of: dt.date | None = None, lang: str = "en",
             matcher: str | None = None) -> tuple[Recommendation, Evaluation]:
    """The recommendation and what happened inside it (for explanations and scenario tests)."""
    kb, client, day = _inputs(client, kb, as_of, lang, matcher)
    outcome = plan(kb, client, day, lang)
    evaluation = Evaluation(outcome.facts, tuple([r.id for r in outcome.matched]),
                            tuple([r.id for r in outcome.acting]), outcome.suppressed,
                            outcome.planner.dropped)
    return _recommendation(kb, client, day, outcome), evaluation


def _inputs(client: Client | Mapping[str, Any], kb: KnowledgeBase | None,
            as_of: dt.date | None, lang: str,
            matcher: str | None) -> tuple[KnowledgeBase, Client, dt.date]:
    if kb is None:
        kb = default_kb(matcher or "python")
    if matcher is not None and kb.matcher.name != matcher:
        raise ValueError(f"the knowledge base was compiled for the '{kb.matcher.name}' matcher; "
                         f"load it with engine.load(path, matcher='{matcher}')")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}': expected 'en' or 'ru'")
    return kb, coerce(client, kb), as_of or dt.date.today()


def plan(kb: KnowledgeBase, client: Client, as_of: dt.date, lang: str = "en") -> _Outcome:
    """Match the rules, let the acting ones propose through the journey guard, add the frontier."""
    facts = derive(client, as_of)
    values = list(map(facts.get, kb.slots))
    matched = [kb.rules[i] for i in kb.matcher.match(values, client.id)]
    acting, suppressed = _resolve_groups(matched)
    planner = _Planner(kb, client, lang)
    reasons = kb.index.reasons[lang]
    for rule in acting:
        planner.act(rule, reasons[rule.id].render(facts))
    planner.frontier()
    return _Outcome(facts, matched, acting, suppressed, planner)


def _recommendation(kb: KnowledgeBase, client: Client, as_of: dt.date,
                    outcome: _Outcome) -> Recommendation:
    return Recommendation.trusted({"client_id": client.id, "as_of": as_of,
                                   "kb_version": kb.version,
                                   "actions": with_details(outcome.planner.actions(),
                                                           kb.index.details,
                                                           outcome.planner.lang,
                                                           client.project_type)})


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


def _order(action: Action) -> tuple[int, int, str]:
    return (-action.priority, KIND_ORDER[action.kind], action.id)
