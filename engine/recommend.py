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
from typing import Any, NamedTuple, TypedDict

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


class _Draft(TypedDict):
    """An action being planned, as the fields of its Action; drafts of the same action merge
    (see ``_Planner.add``). ``sources`` stays a set until the draft becomes an Action."""

    kind: str
    id: str
    title: str
    reason: str
    priority: int
    rules: list[str]
    sources: Any  # frozenset[str] while planning, then a sorted tuple
    missing: Any  # tuple[str, ...]


Entry = Action | _Draft  # an action built once for the knowledge base, or one being planned


def _draft(kind: str, step: str, title: str, priority: int, reason: str, rule: str,
           sources: frozenset[str], missing: tuple[str, ...] = ()) -> _Draft:
    return {"kind": kind, "id": step, "title": title, "reason": reason, "priority": priority,
            "rules": [rule], "sources": sources, "missing": missing}


def _as_draft(entry: Entry) -> _Draft:
    if not isinstance(entry, Action):
        return entry
    draft: _Draft = entry.__dict__.copy()  # type: ignore[assignment]
    draft["rules"], draft["sources"] = list(entry.rules), frozenset(entry.sources)
    return draft


def _absorb(kept: _Draft, other: _Draft) -> None:
    """Another rule's draft of the same action: the higher priority sets kind and reason."""
    if other["priority"] > kept["priority"]:
        kept["kind"], kept["reason"] = other["kind"], other["reason"]
        kept["priority"] = other["priority"]
    rules = kept["rules"]
    rules.extend([rule for rule in other["rules"] if rule not in rules])
    kept["sources"] = kept["sources"] | other["sources"]


def _action(entry: Entry) -> Action:
    if isinstance(entry, Action):
        return entry
    entry["rules"] = tuple(entry["rules"])  # type: ignore[typeddict-item]
    entry["sources"] = tuple(sorted(entry["sources"]))
    return Action.trusted(entry)  # type: ignore[arg-type]


class _Planner:
    """The actions of one recommendation, keyed by ("step", id) for next steps and upsells, by
    (kind, id) otherwise, as the acting rules and then the journey's frontier propose them.
    An action that depends on nothing but the knowledge base is taken as built at load; it
    becomes a draft only when another proposal of the same action merges into it."""

    def __init__(self, kb: KnowledgeBase, client: Client, lang: str) -> None:
        self.journey = kb.journeys.get(client.project_type or "")
        self.done = frozenset(client.completed_steps)
        self.lang = lang
        self.static = kb.static_actions[lang]
        self.titles = {"communication": kb.playbook_titles[lang],
                       "warning": kb.rule_titles[lang],
                       "step": self.journey.titles[lang] if self.journey else {}}
        self.entries: dict[tuple[str, str], Entry] = {}
        self.dropped: dict[str, str] = {}  # "rule_id:step" -> why the step was not proposed

    def add(self, key: tuple[str, str], entry: Entry) -> None:
        kept = self.entries.setdefault(key, entry)
        if kept is not entry:
            _absorb(self.draft(key), _as_draft(entry))

    def draft(self, key: tuple[str, str]) -> _Draft:
        """The entry under ``key`` as a draft that can still change."""
        draft = self.entries[key] = _as_draft(self.entries[key])
        return draft

    def act(self, rule: CompiledRule, reason: str) -> None:
        """The actions of one acting rule, in the order written."""
        for action, built in zip(rule.actions, self.static[rule.id], strict=True):
            kind, target = action
            if built is not None:
                self.add(action, built)
            elif kind in STEP_KINDS:
                self.step(rule, kind, target, reason)
            else:
                title = self.titles[kind][rule.id if kind == "warning" else target]
                self.add(action, _draft(kind, target, title, rule.priority, reason, rule.id,
                                        rule.source_set))

    def step(self, rule: CompiledRule, kind: str, target: str, reason: str) -> None:
        """A step a rule asks for: proposed, blocked by its prerequisites, or dropped."""
        journey, done = self.journey, self.done
        why = _not_proposable(target, journey, done)
        if why:
            self.dropped[f"{rule.id}:{target}"] = why
            return
        assert journey is not None
        if journey.prerequisites[target] <= done:
            self.add(("step", target), _draft(kind, target, self.titles["step"][target],
                                              rule.priority, reason, rule.id, rule.source_set))
        else:
            self.blocked(rule, journey, target, reason)

    def blocked(self, rule: CompiledRule, journey: Journey, target: str, reason: str) -> None:
        """A step waiting for others: blocked, and its missing prerequisites that are ready."""
        missing, ready, not_yet = journey.waiting(target, self.done)
        titles = self.titles["step"]
        text = f"{i18n.sentence(reason)} {not_yet[self.lang]}"
        self.add(("blocked", target), _draft("blocked", target, titles[target], rule.priority,
                                             text, rule.id,
                                             rule.source_set | journey.sources[target], missing))
        first = journey.needed_before[self.lang][target]
        for m in ready:
            self.add(("step", m), _draft("next_step", m, titles[m], rule.priority, first,
                                         rule.id, rule.source_set | journey.sources[m]))

    def frontier(self) -> None:
        """The journey's own next steps, after every rule: they only widen the rules' drafts
        of the same step (priority, sources), never change their kind or reason."""
        journey = self.journey
        if journey is None:
            return
        built = journey.next_actions[self.lang]
        for step in journey.frontier(self.done):
            key = ("step", step)
            if key not in self.entries:
                self.entries[key] = built[step]
                continue
            draft, priority = self.draft(key), journey.priorities[step]
            draft["priority"] = max(draft["priority"], priority)
            draft["sources"] = draft["sources"] | journey.sources[step]

    def actions(self) -> list[Action]:
        """The planned actions, in the documented order."""
        return sorted(map(_action, self.entries.values()), key=_order)


class _Outcome(NamedTuple):
    """What plan() found: the facts, the rules matched and acting, and the planned drafts."""

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
        from engine import default_kb

        kb = default_kb(matcher or "python")
    if matcher is not None and kb.matcher.name != matcher:
        raise ValueError(f"the knowledge base was compiled for the '{kb.matcher.name}' matcher; "
                         f"load it with engine.load(path, matcher='{matcher}')")
    if lang not in ("en", "ru"):
        raise ValueError(f"unknown language '{lang}': expected 'en' or 'ru'")
    return kb, coerce(client, kb), as_of or dt.date.today()


def plan(kb: KnowledgeBase, client: Client, as_of: dt.date, lang: str = "en") -> _Outcome:
    """Match the rules, let the acting ones propose through the journey guard, add the frontier."""
    facts = derive(client, as_of)
    values = list(map(facts.get, kb.slots))
    matched = [kb.rules[i] for i in kb.matcher.match(values, client.id)]
    acting, suppressed = _resolve_groups(matched)
    planner = _Planner(kb, client, lang)
    reasons = kb.reasons[lang]
    for rule in acting:
        planner.act(rule, reasons[rule.id].render(facts))
    planner.frontier()
    return _Outcome(facts, matched, acting, suppressed, planner)


def _recommendation(kb: KnowledgeBase, client: Client, as_of: dt.date,
                    outcome: _Outcome) -> Recommendation:
    return Recommendation.trusted({"client_id": client.id, "as_of": as_of,
                                   "kb_version": kb.version,
                                   "actions": outcome.planner.actions()})


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
