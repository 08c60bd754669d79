"""The journey guard: for one client, which journey steps may be proposed now, and why the others
may not. The journey order is law: a step is never proposed before its prerequisites.

The journey itself is plain graph data (engine/kb/journey.py: steps, their all-of and any-of
prerequisites, the journey order). Here, for one client's done steps:

- **ready**: every all-of prerequisite done, and one of the any-of ones (if it has any);
- **waits for**: what a step that is not ready waits for (``Waiting``): the steps it needs,
  followed back through all-of links, that are not done, in journey order; its any-of groups
  none of whose steps is done; and which of those can start now;
- **frontier**: the steps not done that are ready, in journey order (on-demand steps are left
  to the rules): what the journey alone proposes next;
- **held**: a matching rule with a ``hold`` holds journey steps back (by id, category or
  phase): a held step is proposed by nobody, neither by a rule nor by the frontier;
- **dropped**: a step a rule asks for that cannot be proposed at all, with a code saying why
  (``DROP_CODES``; the words for people are in engine/render/words.py).

``Guard.ask`` gives the verdict on one step a rule asks for; the planner
(engine/runtime/plan.py) only turns verdicts into actions. What a set of done steps leaves
open is worked out once per journey and distinct set, in the knowledge base's memo
(``engine.kb.index.Memo``): clients at the same stage of a journey share it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Literal, NamedTuple

from engine.kb.journey import Journey
from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.rule import CompiledRule

# Why a step (or a playbook entry) a rule asks for was dropped; render/words.py says it
DropCode = Literal["no_journey", "not_on_journey", "already_done", "held", "steps_held"]
DROP_CODES: tuple[DropCode, ...] = ("no_journey", "not_on_journey", "already_done", "held",
                                    "steps_held")


class Dropped(NamedTuple):
    """A step or playbook entry a rule asked for that was not proposed, and why: a code and
    the values its words need (``journey``: the project type; ``by``: the holding rule)."""

    rule: str
    target: str
    why: DropCode
    journey: str | None = None
    by: str | None = None


class Waiting(NamedTuple):
    """What a step waits for, for one set of done steps."""

    missing: tuple[str, ...]  # every step it needs (transitively, through all-of), journey order
    one_of: tuple[tuple[str, ...], ...]  # any-of groups none of whose steps is done
    ready: tuple[str, ...]  # the missing steps and group members that can start now


class Blocked(NamedTuple):
    """The verdict on a step that waits for others: what it waits for, and those of its
    missing prerequisites that can start now and are not held."""

    missing: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...]
    ready: tuple[str, ...]


READY: Literal["ready"] = "ready"
HELD: Literal["held"] = "held"
DROPPED: Literal["dropped"] = "dropped"
Verdict = Literal["ready", "held", "dropped"] | Blocked


def is_ready(journey: Journey, step: str, done: frozenset[str]) -> bool:
    """Every all-of prerequisite done, and one of the any-of ones (if it has any)."""
    any_of = journey.any_of[step]
    return journey.prerequisites[step] <= done and (not any_of or not done.isdisjoint(any_of))


def frontier(journey: Journey, done: Collection[str], memo: dict[Any, Any] | None = None
             ) -> tuple[str, ...]:
    """Steps not done whose prerequisites are all done, in journey order; on-demand steps are
    left to the rules."""
    done = _frozen(done)
    if memo is None:
        return _open_steps(journey, done)
    found = memo.get(done)
    if found is None:
        found = _remember(memo, done, _open_steps(journey, done))
    return found  # type: ignore[no-any-return]


def waiting(journey: Journey, step: str, done: Collection[str],
            memo: dict[Any, Any] | None = None) -> Waiting:
    """What ``step`` waits for, and which of those can start now."""
    done = _frozen(done)
    if memo is None:
        return _waits_for(journey, step, done)
    key = (step, done)
    found = memo.get(key)
    if found is None:
        found = _remember(memo, key, _waits_for(journey, step, done))
    return found  # type: ignore[no-any-return]


def _open_steps(journey: Journey, done: frozenset[str]) -> tuple[str, ...]:
    return tuple([s for s, after, any_of in journey.proposable if s not in done
                  and after <= done and (not any_of or not done.isdisjoint(any_of))])


def _waits_for(journey: Journey, step: str, done: frozenset[str]) -> Waiting:
    """All-of prerequisites are followed back transitively; an any-of group none of whose
    steps is done is reported as a group (which of its steps to do is the team's choice)."""
    groups: list[tuple[str, ...]] = []
    for s in (step, *journey.required[step]):
        group = journey.any_of[s]
        if ((s not in done or s == step) and group and done.isdisjoint(group)
                and group not in groups):
            groups.append(group)
    rank = journey.rank
    missing = tuple([s for s in journey.required[step] if s not in done])
    one_of = tuple(sorted(groups, key=lambda g: rank[g[0]]))
    candidates = {*missing, *(m for g in one_of for m in g if m not in done)}
    ready = tuple(sorted((s for s in candidates if is_ready(journey, s, done)),
                         key=rank.__getitem__))
    return Waiting(missing, one_of, ready)


MEMO_SIZE = 4096  # distinct (step, done steps) remembered per journey


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _frozen(done: Collection[str]) -> frozenset[str]:
    return done if isinstance(done, frozenset) else frozenset(done)


class Guard:
    """The journey guard of one recommendation: the client's journey and done steps, the steps
    the matching rules hold back, and what was held or dropped while the rules asked."""

    __slots__ = ("_memo", "done", "dropped", "held", "holding", "journey")

    def __init__(self, kb: KnowledgeBase, journey: Journey | None, done: frozenset[str],
                 matched: Iterable[CompiledRule]) -> None:
        self.journey = journey
        self.done = done
        self._memo = kb.index.memo.guard(journey.project_type) if journey else {}
        self.holding: dict[str, list[CompiledRule]] = {}  # step -> matching rules holding it
        by_rule = kb.index.holds.get(journey.project_type, {}) if journey else {}
        if by_rule:
            for rule in matched:  # all matching rules hold, suppressed ones included
                for step in by_rule.get(rule.id, ()):
                    self.holding.setdefault(step, []).append(rule)
        self.held: dict[str, None] = {}  # held steps someone would have proposed, in order
        # what rules asked for and did not get, by (rule, target): the first ask's place, the
        # last ask's why
        self.dropped: dict[tuple[str, str], Dropped] = {}

    def ask(self, rule: CompiledRule, step: str) -> Verdict:
        """The verdict on ``step``, which ``rule`` asks for: dropped (recorded, with why),
        held, ready, or blocked with what it waits for."""
        journey, done = self.journey, self.done
        if journey is None:
            return self.drop(rule, step, "no_journey")
        if step not in journey.steps:
            return self.drop(rule, step, "not_on_journey", journey=journey.project_type)
        if step in done and not journey.steps[step].repeatable:
            return self.drop(rule, step, "already_done")
        if self.holding and self._holds(step, rule):
            return HELD
        if is_ready(journey, step, done):
            return READY
        missing, one_of, ready = waiting(journey, step, done, self._memo)
        if self.holding:
            ready = tuple([m for m in ready if not self._holds(m, rule)])
        return Blocked(missing, one_of, ready)

    def drop(self, rule: CompiledRule, target: str, why: DropCode, *,
             journey: str | None = None) -> Literal["dropped"]:
        """Record that ``rule``'s ``target`` (a step or a playbook entry) is not proposed."""
        by = self.holding[target][0].id if why == "held" else None
        self.dropped[rule.id, target] = Dropped(rule.id, target, why, journey, by)
        return DROPPED

    def frontier(self) -> tuple[str, ...]:
        """The journey's own next steps for this client, held ones left out (and recorded)."""
        if self.journey is None:
            return ()
        steps = frontier(self.journey, self.done, self._memo)
        if self.holding:
            return tuple([s for s in steps if not self._holds(s)])
        return steps

    def _holds(self, step: str, rule: CompiledRule | None = None) -> bool:
        """Whether ``step`` is held; if so it is recorded, and ``rule``'s ask dropped."""
        if step not in self.holding:
            return False
        self.held[step] = None
        if rule is not None:
            self.drop(rule, step, "held")
        return True
