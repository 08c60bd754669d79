"""What the journal asks of people: which advice is a to-do, when it is due, when it escalates.

A **to-do** is a next step, an upsell or a warning that asks for an act (a rule marked
``todo: false`` warns of what not to do: guidance). A **blocked** step is a decision the journal
tracks (what it waits for) but nobody's to-do: its first ready prerequisite is. **Guidance**
(communication guides, warnings of what not to do) is shown beside the client's to-dos and kept
in the journal only once a person acts on it.

A to-do is due a number of days after the day it became new: the fewest days its rules name
(``due: {within_days: N}``), else its journey step's service level (``due:`` on the step), else
the settings' by kind and priority (``journal.due`` in settings.yaml). An overdue to-do escalates
to the head's view once it is ``escalate.overdue_days`` late, or at once when its priority is at
least ``escalate.priority``. Priorities are cut into bands (``journal.bands``): a priority that
moves within its band is no change of the advice.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from engine.models import JournalSettings

if TYPE_CHECKING:
    from engine.kb.knowledge_base import KnowledgeBase

Role = Literal["todo", "blocked", "guide"]
TODO_KINDS = frozenset({"next_step", "upsell", "warning"})


@dataclass(frozen=True)
class Policy:
    """The journal's settings with what the knowledge base's rules and journeys add to them."""

    settings: JournalSettings = field(default_factory=JournalSettings)
    rule_days: Mapping[str, int] = field(default_factory=dict)  # rule id -> due within days
    guidance_rules: frozenset[str] = frozenset()  # rules whose warnings are guidance
    step_days: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # type -> step
    _roles: dict[tuple[str, tuple[str, ...]], Role] = field(
        default_factory=dict, compare=False, repr=False)  # a run asks the same again and again
    _days: dict[tuple[Any, ...], int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Policy:
        """The policy of a knowledge base: its settings, its rules' and its steps' due days."""
        specs = [r.spec for r in kb.rules]
        return cls(kb.journal, {r.id: r.due.within_days for r in specs if r.due is not None},
                   frozenset(r.id for r in specs if not r.todo),
                   {pt: {s.id: s.due.within_days for s in j.spec.steps if s.due is not None}
                    for pt, j in kb.journeys.items()})

    @classmethod
    def given(cls, policy: Policy | JournalSettings | None) -> Policy:
        if isinstance(policy, Policy):
            return policy
        return cls(policy or JournalSettings())

    def role(self, kind: str, rules: tuple[str, ...]) -> Role:
        found = self._roles.get((kind, rules))
        if found is None:
            found = self._roles[kind, rules] = self._role(kind, rules)
        return found

    def _role(self, kind: str, rules: Iterable[str]) -> Role:
        if kind == "blocked":
            return "blocked"
        if kind not in TODO_KINDS:
            return "guide"
        if kind == "warning" and self.guidance_rules:
            named = [r for r in rules if r]
            if named and all(r in self.guidance_rules for r in named):
                return "guide"
        return "todo"

    def cooldown(self, kind: str, rules: tuple[str, ...]) -> int:
        return self.settings.cooldown(kind, rules)

    def band(self, priority: int) -> int:
        """0 for the lowest band, one more for each edge of ``bands`` the priority reaches."""
        return bisect_right(self.settings.bands, priority)

    def due_days(self, kind: str, step: str, rules: tuple[str, ...], priority: int,
                 project_type: str | None) -> int:
        """Days to do a to-do: its rules' fewest, else its journey step's, else the settings'."""
        key = (kind, step, rules, priority, project_type)
        found = self._days.get(key)
        if found is None:
            found = self._days[key] = self._due_days(kind, step, rules, priority, project_type)
        return found

    def _due_days(self, kind: str, step: str, rules: tuple[str, ...], priority: int,
                  project_type: str | None) -> int:
        named = [self.rule_days[r] for r in rules if r in self.rule_days]
        if named:
            return min(named)
        by_step = self.step_days.get(project_type or "", {})
        if kind in ("next_step", "upsell") and step in by_step:
            return by_step[step]
        due = self.settings.due
        days: int = next((d for k, d in due.kinds.items() if k == kind), due.within_days)
        reached = [p.within_days for p in due.priority if priority >= p.at_least]
        return min([days, *reached])

    def escalated(self, priority: int, overdue_days: int) -> bool:
        """An overdue to-do that reaches the head's view."""
        if overdue_days <= 0:
            return False
        rule = self.settings.escalate
        return overdue_days >= rule.overdue_days or (
            rule.priority is not None and priority >= rule.priority)


def due_on(since: dt.date, days: int) -> dt.date:
    return since + dt.timedelta(days=days)
