"""The planner: the actions of one recommendation, from what the acting rules propose and the
journey guard allows (engine/runtime/guard.py), merged, ordered and built.

The acting rules propose in rank order. A rule's advice is one piece: when a hold stops any
step or playbook entry it proposes, the guard holds all of them (its warnings stay). Otherwise
each step a rule asks for goes to the guard, and its verdict decides: a ready step is proposed,
a blocked one comes back as ``blocked`` with what it is ``missing`` (its reason followed by "Not
yet: first ..."), and its missing prerequisites that are ready come back as ``next_step`` ("Do
this first: ..."); a dropped step is not proposed. Then the journey's frontier adds the next
steps no rule asked for, and a pacing hold leaves out the offers after the first (``pace``).
A step's checklist that a hold covers is not brought along.

Two proposals of the same action merge: the higher priority sets kind and reason, their rules
(in the order they came) and sources add up; the frontier only widens priority and sources.
Actions are ordered by priority (desc), then kind (warning, blocked, next_step, upsell,
communication), then id.

Planning is linear in the proposals. An action proposed once is the ``Action`` the knowledge
base prepared (shared, immutable: engine/kb/index.py), or built once; only when a second
proposal changes it does it become a mutable ``_Draft``, built into an Action at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from engine.kb.index import Proposal, Target, View
from engine.kb.journey import Journey
from engine.kb.rule import CompiledRule
from engine.language import phrases as i18n
from engine.models import Action, Details
from engine.runtime.guard import READY, Blocked, Guard, Offer
from engine.vocabulary import KIND_ORDER, ActionKind, Language

Key = tuple[str, str]  # ("step", id) for next steps and upsells, (kind, id) otherwise


@dataclass(slots=True)
class _Draft:
    """One action that more than one proposal changed, while it is planned."""

    kind: ActionKind
    id: str
    title: str
    reason: str
    priority: int
    rules: list[str]
    sources: frozenset[str]
    missing: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()  # blocked: any-of groups none of which is done

    def add(self, kind: ActionKind, reason: str, priority: int, rule: str,
            sources: frozenset[str]) -> None:
        """Another proposal of the same action, from ``rule``."""
        if priority > self.priority:
            self.kind, self.reason, self.priority = kind, reason, priority
        if not self.rules or self.rules[-1] != rule:  # a rule proposes only while it acts
            self.rules.append(rule)
        if not sources <= self.sources:
            self.sources = self.sources | sources

    def action(self, details: Mapping[Key, Details]) -> Action:
        """The action, with the playbook content it brings (``details``: by kind and id)."""
        return Action.trusted({
            "kind": self.kind, "id": self.id, "title": self.title, "reason": self.reason,
            "priority": self.priority, "rules": tuple(self.rules),
            "sources": tuple(sorted(self.sources)), "missing": self.missing,
            "missing_one_of": self.one_of, "details": details.get((self.kind, self.id))})


def _draft(a: Action) -> _Draft:
    return _Draft(a.kind, a.id, a.title, a.reason, priority=a.priority, rules=list(a.rules),
                  sources=frozenset(a.sources), missing=a.missing, one_of=a.missing_one_of)


def _order(a: Action | _Draft) -> tuple[int, int, str]:
    """The documented order: priority (desc), then kind, then id."""
    return (-a.priority, KIND_ORDER[a.kind], a.id)


def _target(a: Action | _Draft) -> Target:
    return ("communication" if a.kind == "communication" else "step", a.id)


class Planner:
    """The actions of one recommendation, keyed by ("step", id) for next steps and upsells, by
    (kind, id) otherwise, as the acting rules and then the journey's frontier propose them."""

    __slots__ = ("details", "guard", "journey", "lang", "planned", "view")

    def __init__(self, view: View, details: Mapping[Key, Details], guard: Guard,
                 lang: Language) -> None:
        self.view, self.details, self.guard, self.lang = view, details, guard, lang
        self.journey: Journey | None = guard.journey
        self.planned: dict[Key, Action | _Draft] = {}

    def act(self, rule: CompiledRule, reason: str) -> None:
        """The actions of one acting rule: its steps, then the rest; held as one piece when a
        hold stops any of its steps or entries (its warnings stay)."""
        guard = self.guard
        plan = self.view.plans[rule.id]
        if rule.asks_for_steps:
            plan = tuple([item for item in plan
                          if not (item.step and guard.unproposable(rule, item.target))])
        held = bool(guard.holding) and guard.piece(
            rule, [item.part for item in plan if item.part is not None])
        planned = self.planned
        for kind, target, p, step, _ in plan:
            if step:
                if not held:
                    self._step(rule, target, p, reason)
                continue
            if held and kind != "warning":
                continue
            assert p is not None  # only a step the journey lacks has no proposal
            if p.action is not None and (kind, target) not in planned:
                planned[kind, target] = p.action  # the common case: prepared whole
            else:
                self._propose((kind, target), p, reason)

    def _step(self, rule: CompiledRule, target: str, p: Proposal | None, reason: str) -> None:
        """A step a rule asks for, as the guard rules on it."""
        verdict = self.guard.ask(rule, target)
        if verdict is READY:
            assert p is not None
            self._propose(("step", target), p, reason)
        else:
            self._blocked(rule, target, cast(Blocked, verdict), reason)

    def _blocked(self, rule: CompiledRule, target: str, blocked: Blocked, reason: str) -> None:
        """A step waiting for others: blocked, and its missing prerequisites that are ready."""
        view = self.view
        self._guarded("blocked", target, rule,
                      f"{i18n.sentence(reason)} {view.not_yet(blocked.missing, blocked.one_of)}",
                      blocked.missing, blocked.one_of)
        first = view.needed_before[target]
        for step in blocked.ready:
            self._guarded("next_step", step, rule, first)

    def _propose(self, key: Key, p: Proposal, reason: str) -> None:
        found = self.planned.get(key)
        if found is None:
            self.planned[key] = p.action if p.action is not None else Action.trusted({
                "kind": p.kind, "id": p.id, "title": p.title, "reason": reason,
                "priority": p.priority, "rules": (p.rule,), "sources": p.ordered,
                "missing": (), "missing_one_of": (), "details": self.details.get((p.kind, p.id))})
        else:
            self._merge(key, found, p.kind, reason, p.priority, p.rule, p.sources)

    def _guarded(self, kind: ActionKind, step: str, rule: CompiledRule, reason: str,
                 missing: tuple[str, ...] = (), one_of: tuple[tuple[str, ...], ...] = ()) -> None:
        """A step the journey guard adds on a rule's behalf: its sources join the rule's."""
        journey = self.journey
        assert journey is not None
        key = ("blocked" if kind == "blocked" else "step", step)
        sources = rule.source_set | journey.sources[step]
        found = self.planned.get(key)
        if found is None:
            self.planned[key] = _Draft(kind, step, self.view.titles[step], reason,
                                       priority=rule.priority, rules=[rule.id],
                                       sources=sources, missing=missing, one_of=one_of)
        else:
            self._merge(key, found, kind, reason, rule.priority, rule.id, sources)

    def _merge(self, key: Key, found: Action | _Draft, kind: ActionKind, reason: str,
               priority: int, rule: str, sources: frozenset[str]) -> None:
        if isinstance(found, Action):
            if (priority <= found.priority and found.rules and found.rules[-1] == rule
                    and sources <= frozenset(found.sources)):
                return  # nothing would change: the action stays as it is
            found = self.planned[key] = _draft(found)
        found.add(kind, reason, priority, rule, sources)

    def frontier(self) -> None:
        """The journey's own next steps, after every rule: they only widen the rules' proposals
        of the same step (priority, sources), never change their kind or reason."""
        journey = self.journey
        if journey is None:
            return
        prepared = self.view.frontier
        for step in self.guard.frontier():
            key = ("step", step)
            found = self.planned.get(key)
            if found is None:
                self.planned[key] = prepared[step]
                continue
            priority, sources = journey.priorities[step], journey.sources[step]
            if isinstance(found, Action):
                if priority <= found.priority and sources <= frozenset(found.sources):
                    continue
                found = self.planned[key] = _draft(found)
            if priority > found.priority:
                found.priority = priority
            if not sources <= found.sources:
                found.sources = found.sources | sources

    def pace(self) -> None:
        """A pacing hold (one new offer at a time) leaves out the offers after the first."""
        if not self.guard.pacing:
            return
        covered = self.guard.paced_targets()
        found = [(key, a, target) for key, a in self.planned.items() if a.kind != "warning"
                 and (target := _target(a)) in covered]
        offers = [Offer(key, target, tuple(a.rules))
                  for key, a, target in sorted(found, key=lambda f: _order(f[1]))]
        for key in self.guard.paced(offers):
            del self.planned[key]

    def actions(self) -> list[Action]:
        """The planned actions, in the documented order, each built once; a checklist a hold
        covers is not brought along."""
        details, hidden = self.details, self.guard.hidden()
        built = [a if isinstance(a, Action) else a.action(details)
                 for a in sorted(self.planned.values(), key=_order)]
        if not hidden:
            return built
        return [Action.trusted({**a.__dict__, "details": None})
                if a.details is not None and a.kind != "communication"
                and a.details.entry in hidden else a for a in built]
