"""Holds: a matching rule with a ``hold`` holds journey steps back (by id, category or phase).

A held step is proposed by nobody: not by a rule (as a next step, an upsell, a blocked step or
a prerequisite to do first), not by the journey's frontier. Each held step that would otherwise
have been proposed is reported in ``Recommendation.held`` with the rules holding it and why.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.kb.journey import Journey
from engine.kb.rule import CompiledRule
from engine.models import Held


class Holds:
    """The steps the matching rules of one recommendation hold, and those someone asked for."""

    def __init__(self, by_rule: dict[str, frozenset[str]], matched: Iterable[CompiledRule],
                 dropped: dict[str, str]) -> None:
        self.holding: dict[str, list[CompiledRule]] = {}  # step -> matching rules holding it
        for rule in matched:  # all matching rules hold, suppressed ones included
            for step in by_rule.get(rule.id, ()):
                self.holding.setdefault(step, []).append(rule)
        self.held: dict[str, None] = {}  # held steps someone would have proposed, in order
        self.dropped = dropped  # "rule_id:step" -> why (shared with the planner)

    def __bool__(self) -> bool:
        return bool(self.holding)

    def stops(self, step: str, rule: CompiledRule | None = None) -> bool:
        """Whether ``step`` is held; if so it is remembered, and the rule's proposal dropped."""
        holders = self.holding.get(step)
        if not holders:
            return False
        self.held[step] = None
        if rule is not None:
            self.dropped[f"{rule.id}:{step}"] = f"held back by rule '{holders[0].id}'"
        return True

    def report(self, journey: Journey | None, lang: str) -> list[Held]:
        if journey is None:
            return []
        return [Held.trusted({
            "step": step, "title": journey.titles[lang][step],
            "rules": tuple([r.id for r in self.holding[step]]),
            "reason": _reason(self.holding[step][0], lang)}) for step in self.held]


def _reason(rule: CompiledRule, lang: str) -> str:
    hold = rule.spec.hold
    assert hold is not None
    return hold.reason.get(lang)
