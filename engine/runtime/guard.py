"""The journey guard: for one client, which journey steps and playbook entries may be proposed
now, and why the others may not. The journey order is law: a step is never proposed before all
its ancestors are done.

The journey itself is plain graph data (engine/kb/journey.py: steps, their all-of and any-of
prerequisites, the journey order). Here, for one client's done steps:

- **coherent**: the done steps whose own prerequisites are coherent (every all-of one, one of
  each any-of group), all the way back to the first contact; a step ticked out of order in a
  CRM is done but not coherent (``out_of_order``), and opens nothing after it;
- **ready**: every all-of prerequisite coherent, and one of the any-of ones (if it has any);
- **waits for**: what a step that is not ready waits for (``Waiting``): the steps it needs,
  followed back through all-of links, that are not done, in journey order; its any-of groups
  with no coherent step; and which of those (or of what a group's out-of-order member lacks)
  can start now;
- **frontier**: the steps not done that are ready, in journey order (on-demand steps are left
  to the rules): what the journey alone proposes next;
- **held**: a matching rule with a ``hold`` holds back what its advice contradicts: journey
  steps by id, category or phase, and playbook entries by category. A step held by its
  category or phase is spared when it starts a service the client already buys (the step's
  ``service``); a step named by id is always held. A held step or entry is proposed by nobody.
  A rule's advice stands or falls as one piece (``piece``): when a hold stops any step or
  entry a rule proposes, all of them are held; its warnings stay. A pacing hold (``at_most``)
  holds nothing outright: of the offers it covers, the first ``at_most`` are kept (``paced``);
- **dropped**: a step or entry a rule asks for that is not proposed, with a code saying why
  (``DROP_CODES``; the words for people are in engine/render/words.py).

``Guard.ask`` gives the verdict on one step a rule asks for; the planner
(engine/runtime/plan.py) only turns verdicts into actions. The coherent steps are found once
per client (``Guard.ok``). What a set of done steps in order leaves open is worked out once per
journey and distinct set, in the knowledge base's memo (``engine.kb.index.Memo``): clients at
the same stage of a journey share it. A set ticked out of order is nearly always the client's
own: it is worked out afresh and not remembered, so it never pushes the shared stages out.
"""

# Annotations are evaluated where written (no `from __future__ import annotations`): as
# text, typing.NamedTuple would compile each field's annotation on every command's start.
from collections.abc import Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Literal, NamedTuple

from engine.kb.index import HoldScope, Target
from engine.kb.journey import Journey
from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.rule import CompiledRule

# Why a step (or a playbook entry) a rule asks for was dropped; render/words.py says it
DropCode = Literal["no_journey", "not_on_journey", "already_done", "held", "paced"]
DROP_CODES: tuple[DropCode, ...] = ("no_journey", "not_on_journey", "already_done", "held",
                                    "paced")


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
    one_of: tuple[tuple[str, ...], ...]  # any-of groups none of whose steps is done in order
    ready: tuple[str, ...]  # the missing steps and group members that can start now


class Blocked(NamedTuple):
    """The verdict on a step that waits for others: what it waits for, and those of its
    missing prerequisites that can start now and are not held."""

    missing: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...]
    ready: tuple[str, ...]


READY: Literal["ready"] = "ready"
DROPPED: Literal["dropped"] = "dropped"
Verdict = Literal["ready"] | Blocked


class Offer(NamedTuple):
    """A planned action a pacing hold may count: its key in the plan, what it is, and the rules
    that propose it, in the recommendation's documented order."""

    key: tuple[str, str]
    target: Target
    rules: tuple[str, ...]


def coherent(journey: Journey, done: Collection[str],
             memo: dict[Any, Any] | None = None) -> frozenset[str]:
    """The done steps whose prerequisites are all coherent, back to the first contact."""
    done = _frozen(done)
    key = ("", done)  # no step id is empty
    found = memo.get(key) if memo is not None else None
    if found is None:
        ok: set[str] = set()
        for s in journey.order:  # prerequisites come first in journey order
            if s in done and _ready_in(journey, s, ok):
                ok.add(s)
        found = frozenset(ok)
        if memo is not None and len(found) == len(done):  # in order: clients at the same
            _remember(memo, key, found)  # stage share it; a set ticked out of order is rare
    return found


def _ready_in(journey: Journey, step: str, counted: AbstractSet[str]) -> bool:
    any_of = journey.any_of[step]
    return journey.prerequisites[step] <= counted and (
        not any_of or not counted.isdisjoint(any_of))


def is_ready(journey: Journey, step: str, done: Collection[str]) -> bool:
    """Every all-of prerequisite done coherently, and one of the any-of ones (if any)."""
    return _ready_in(journey, step, coherent(journey, done))


def out_of_order(journey: Journey, done: Collection[str]) -> tuple[str, ...]:
    """The done steps whose ancestors are not all done, in journey order."""
    done = _frozen(done)
    return _out_of_order(journey, done, coherent(journey, done))


def frontier(journey: Journey, done: Collection[str], memo: dict[Any, Any] | None = None
             ) -> tuple[str, ...]:
    """Steps not done whose prerequisites are all done, in journey order; on-demand steps are
    left to the rules."""
    done = _frozen(done)
    return _frontier(journey, done, coherent(journey, done, memo), memo)


def _frontier(journey: Journey, done: frozenset[str], ok: frozenset[str],
              memo: dict[Any, Any] | None) -> tuple[str, ...]:
    """``frontier``, remembered in ``memo`` for done steps in order (shared by the clients at
    that stage), worked out afresh for a set ticked out of order."""
    if memo is None or len(ok) != len(done):
        return _open_steps(journey, done, ok)
    found = memo.get(done)
    if found is None:
        found = _remember(memo, done, _open_steps(journey, done, ok))
    return found  # type: ignore[no-any-return]


def waiting(journey: Journey, step: str, done: Collection[str]) -> Waiting:
    """What ``step`` waits for, and which of those can start now."""
    done = _frozen(done)
    ok = coherent(journey, done)
    return _waits_for(journey, step, done, ok, _startable(journey, ok))


def _out_of_order(journey: Journey, done: frozenset[str], ok: frozenset[str]
                  ) -> tuple[str, ...]:
    if len(ok) == len(done):
        return ()
    return tuple([s for s in journey.order if s in done and s not in ok])


def _open_steps(journey: Journey, done: frozenset[str], ok: frozenset[str]) -> tuple[str, ...]:
    return tuple([s for s, after, any_of in journey.proposable if s not in done
                  and after <= ok and (not any_of or not ok.isdisjoint(any_of))])


def _startable(journey: Journey, ok: frozenset[str]) -> tuple[str, ...]:
    """Every step whose prerequisites are coherent (done or not, on demand or not), journey
    order: what a waiting step's missing prerequisites that can start now are taken from."""
    return tuple([s for s in journey.order if _ready_in(journey, s, ok)])


def _waits_for(journey: Journey, step: str, done: frozenset[str], ok: frozenset[str],
               startable: tuple[str, ...]) -> Waiting:
    """All-of prerequisites are followed back transitively; an any-of group with no coherent
    step is reported as a group (which of its steps to do is the team's choice)."""
    missing = tuple([s for s in journey.required[step] if s not in done])
    if not journey.groups_back[step]:  # the common case: all-of links only
        lacking = set(missing)
        return Waiting(missing, (), tuple([s for s in startable if s in lacking]))
    groups: list[tuple[str, ...]] = []
    for s, group in journey.groups_back[step]:
        if (s not in ok or s == step) and ok.isdisjoint(group) and group not in groups:
            groups.append(group)
    one_of = tuple(sorted(groups, key=lambda g: journey.rank[g[0]]) if len(groups) > 1
                   else groups)
    members = [m for g in one_of for m in g]  # a member ticked out of order: what it lacks
    candidates = {*missing, *(m for m in members if m not in done),
                  *(a for m in members if m in done for a in journey.required[m]
                    if a not in done)}
    return Waiting(missing, one_of, tuple([s for s in startable if s in candidates]))


MEMO_SIZE = 4096  # distinct (step, done steps) remembered per journey


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _frozen(done: Collection[str]) -> frozenset[str]:
    return done if isinstance(done, frozenset) else frozenset(done)


class Guard:
    """The journey guard of one recommendation: the client's journey, done steps and bought
    services, what the matching rules hold back, and what was held or dropped while the rules
    asked."""

    __slots__ = ("_memo", "_startable", "bought", "done", "dropped", "held", "holding",
                 "journey", "ok", "pacing")

    def __init__(self, kb: KnowledgeBase, journey: Journey | None, done: frozenset[str],
                 matched: Iterable[CompiledRule], bought: frozenset[str] = frozenset()) -> None:
        self.journey = journey
        self.done = done
        self.bought = bought
        self._memo = kb.index.memo.guard(journey.project_type) if journey else {}
        # the done steps that count: done in order (a step ticked out of order opens nothing)
        self.ok = coherent(journey, done, self._memo) if journey else frozenset()
        self._startable: tuple[str, ...] | None = None
        self.pacing: list[tuple[CompiledRule, HoldScope]] = []  # one offer at a time, ...
        holds: list[CompiledRule] = []
        scopes = kb.index.holds.get(journey.project_type if journey else "", {})
        if scopes:
            for rule in matched:  # all matching rules hold, suppressed ones included
                scope = scopes.get(rule.id)
                if scope is None:
                    continue
                if scope.at_most is not None:
                    self.pacing.append((rule, scope))
                else:
                    holds.append(rule)
        # what the matching rules hold -> the rules holding it; read only, shared by the
        # clients with the same holding rules who buy the same services
        self.holding: dict[Target, tuple[CompiledRule, ...]] = (
            self._holding(holds, scopes) if holds else {})
        # held steps and entries someone would have proposed, in order -> the rules holding them
        self.held: dict[Target, tuple[CompiledRule, ...]] = {}
        # what rules asked for and did not get, by (rule, target): the first ask's place, the
        # last ask's why
        self.dropped: dict[tuple[str, str], Dropped] = {}

    def _holding(self, holds: list[CompiledRule], scopes: Mapping[str, HoldScope]
                 ) -> dict[Target, tuple[CompiledRule, ...]]:
        """What ``holds`` (in rank order) hold -> the rules holding it. Each rule's part is
        kept per the services it spares that the client buys (``_held_by``); the first is
        copied whole, the others joined to it."""
        found = self._held_by(holds[0], scopes[holds[0].id])
        if len(holds) == 1:
            return found  # shared: read only
        found = dict(found)
        get = found.get
        for rule in holds[1:]:
            by = (rule,)
            for target in self._held_by(rule, scopes[rule.id]):
                found[target] = get(target, ()) + by
        return found

    def _held_by(self, rule: CompiledRule, scope: HoldScope
                 ) -> dict[Target, tuple[CompiledRule, ...]]:
        """What one rule's hold covers for this client, each -> (rule,); shared by the clients
        that buy the same of the services its scope spares."""
        memo = self._memo
        spares = memo.get(("spares", rule.id))
        if spares is None:
            spares = _remember(memo, ("spares", rule.id),
                               frozenset(s for _, s in scope.by_kind if s is not None))
        key = ("held by", rule.id, self.bought & spares)
        found = memo.get(key)
        if found is None:
            by = (rule,)
            found = _remember(memo, key, dict.fromkeys(self.covered(scope), by))
        return found  # type: ignore[no-any-return]

    def covered(self, scope: HoldScope) -> list[Target]:
        """What a hold covers for this client: the steps it names, the steps of its categories
        and phases that start no service the client buys, the entries of its categories."""
        bought = self.bought
        return [*scope.named, *(t for t, service in scope.by_kind if service not in bought),
                *scope.entries]

    def ask(self, rule: CompiledRule, step: str) -> Verdict:
        """The verdict on ``step``, which ``rule`` asks for, once ``unproposable`` and
        ``piece`` have let it through (the journey can propose it, no hold stops the rule's
        advice): ready, or blocked with what it waits for (its prerequisites a hold stops
        are left out of those that can start now, and recorded)."""
        journey = self.journey
        assert journey is not None
        if _ready_in(journey, step, self.ok):
            return READY
        missing, one_of, ready = self.waits_for(step)
        if self.holding:
            ready = tuple([m for m in ready if not self._holds(m, rule)])
        return Blocked(missing, one_of, ready)

    def waits_for(self, step: str) -> Waiting:
        """What ``step`` waits for, for this client (``waiting``): shared by the clients whose
        done steps are the same and in order, worked out afresh for one ticked out of order."""
        journey, done, memo = self.journey, self.done, self._memo
        assert journey is not None
        regular = len(self.ok) == len(done)
        if regular:
            found = memo.get((step, done))
            if found is not None:
                return found  # type: ignore[no-any-return]
        if self._startable is None:
            self._startable = memo.get(("startable", self.ok))
            if self._startable is None:  # out-of-order sets share their coherent part
                self._startable = _remember(memo, ("startable", self.ok),
                                            _startable(journey, self.ok))
        found = _waits_for(journey, step, done, self.ok, self._startable)
        if regular:
            _remember(memo, (step, done), found)
        return found

    def out_of_order(self) -> tuple[str, ...]:
        """The client's done steps whose ancestors are not all done, in journey order."""
        return _out_of_order(self.journey, self.done, self.ok) if self.journey else ()

    def unproposable(self, rule: CompiledRule, step: str) -> bool:
        """Whether ``step`` cannot be proposed at all (no journey, not on it, done and not
        repeated); if so, ``rule``'s ask is dropped with why."""
        journey = self.journey
        if journey is None:
            return self.drop(rule, step, "no_journey") is DROPPED
        if step not in journey.steps:
            return self.drop(rule, step, "not_on_journey",
                             journey=journey.project_type) is DROPPED
        if step in self.done and not journey.steps[step].repeatable:
            return self.drop(rule, step, "already_done") is DROPPED
        return False

    def piece(self, rule: CompiledRule, parts: Sequence[Target]) -> bool:
        """Whether a hold stops any of the steps and entries a rule would propose (``parts``);
        if so, all of them are held with it, by the rules holding the first one stopped."""
        holding = self.holding
        for part in parts:
            holders = holding.get(part)
            if holders is not None:
                break
        else:
            return False
        for target in parts:
            found = holding.get(target, holders)
            self.held.setdefault(target, found)
            self.dropped[rule.id, target[1]] = Dropped(rule.id, target[1], "held",
                                                       by=found[0].id)
        return True

    def drop(self, rule: CompiledRule, target: str, why: DropCode, *,
             journey: str | None = None) -> Literal["dropped"]:
        """Record that ``rule``'s ``target`` (a step or a playbook entry) is not proposed."""
        by = self.holding["step", target][0].id if why == "held" else None
        self.dropped[rule.id, target] = Dropped(rule.id, target, why, journey=journey, by=by)
        return DROPPED

    def frontier(self) -> tuple[str, ...]:
        """The journey's own next steps for this client, held ones left out (and recorded)."""
        if self.journey is None:
            return ()
        steps = _frontier(self.journey, self.done, self.ok, self._memo)
        if self.holding:
            return tuple([s for s in steps if not self._holds(s)])
        return steps

    def hidden(self) -> frozenset[str]:
        """The entries held for this client: no step brings them along as its checklist."""
        return frozenset(t for kind, t in self.holding if kind == "communication")

    def paced_targets(self) -> set[Target]:
        """What the pacing holds cover for this client (``paced`` looks only at those)."""
        return {t for _, scope in self.pacing for t in self.covered(scope)}

    def paced(self, offers: Sequence[Offer]) -> list[tuple[str, str]]:
        """The plan keys of the offers a pacing hold leaves out: of the offers it covers, in the
        documented order, the first ``at_most`` are kept, each with whatever else its rules
        propose that the hold covers; the rest are held by the pacing rule."""
        out: list[tuple[str, str]] = []
        for rule, scope in self.pacing:
            assert scope.at_most is not None
            covered = set(self.covered(scope))
            kept_rules: set[str] = set()
            kept = 0
            for offer in offers:
                if offer.target not in covered or rule.id in offer.rules or offer.key in out:
                    continue
                if kept_rules.intersection(offer.rules):
                    continue  # what a kept offer's rule brings along with it
                if kept < scope.at_most:
                    kept += 1
                    kept_rules.update(offer.rules)
                    continue
                out.append(offer.key)
                self.held.setdefault(offer.target, (rule,))
                for proposer in offer.rules:
                    self.dropped[proposer, offer.target[1]] = Dropped(
                        proposer, offer.target[1], "paced", by=rule.id)
        return out

    def _holds(self, step: str, rule: CompiledRule | None = None) -> bool:
        """Whether ``step`` is held; if so it is recorded, and ``rule``'s ask dropped."""
        holders = self.holding.get(("step", step))
        if not holders:
            return False
        self.held.setdefault(("step", step), tuple(holders))
        if rule is not None:
            self.drop(rule, step, "held")
        return True
