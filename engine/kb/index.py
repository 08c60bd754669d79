"""The runtime index: what recommend() needs of a knowledge base, prepared once.

Each rule's actions are prepared as far as the knowledge base alone decides them, as
``Proposal``s: recommend() adds only what depends on the client (the reason when it names facts,
and the journey guard's verdict). A proposal whose reason names no fact also carries its whole
``Action``, built once and shared between recommendations (actions are immutable).

What depends on a language and a project type is prepared when a recommendation first needs it
(``Index.view``), once per pair, under a lock: a large knowledge base does not pay at load for
the languages and journeys its clients never use. Within a view, each rule's reason and
proposals are made when a recommendation first asks for them (``_Lazy``): a one-client run
binds only the rules that act.

Everything worked out at run time and kept for the next recommendation lives in one object,
the index's ``Memo``: the views, and what the journey guard found for each set of done steps
(engine/runtime/guard.py). The memo is not part of the value: two indexes of the same inputs
are equal, and a pickled index travels without it.
"""

# Annotations are evaluated where written (no `from __future__ import annotations`): as
# text, typing.NamedTuple would compile each field's annotation on every command's start.
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar, cast

from engine.kb.journey import Journey
from engine.kb.rule import CompiledRule
from engine.language import phrases as i18n
from engine.language.fact_types import FactType, Unit
from engine.language.templates import Bound
from engine.models import Action, Details, PlaybookEntry
from engine.vocabulary import LANGUAGES, STEP_KINDS, ActionKind, Language

Titles = dict[str, dict[str, str]]  # language -> id -> title
# (language, project type) -> (action kind, id) -> the details; project type "" has no journey
DetailsTable = dict[tuple[str, str], dict[tuple[str, str], Details]]


class Proposal(NamedTuple):
    """One action of one rule, as far as the knowledge base decides it."""

    kind: ActionKind
    id: str
    title: str
    priority: int
    rule: str  # the rule that proposes it
    sources: frozenset[str]
    ordered: tuple[str, ...]  # the same sources, sorted once
    action: Action | None  # the whole action when its reason names no fact, else None


# A rule's proposals, in the order its actions are written; None: a step the journey lacks.
Proposals = tuple[Proposal | None, ...]


V = TypeVar("V")


class _Lazy(dict[str, V]):
    """Values by rule id, each made on first use (made twice at worst, by two threads at once:
    the same value)."""

    def __init__(self, make: Callable[[str], V]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, rule_id: str) -> V:
        value = self[rule_id] = self._make(rule_id)
        return value


HeldKind = Literal["step", "communication"]
Target = tuple[HeldKind, str]  # a journey step or a playbook entry


class HoldScope(NamedTuple):
    """What one rule's hold covers on one journey (engine/runtime/guard.py applies it), each
    part sorted by id, as (kind, id) targets: "step" or "communication"."""

    named: tuple[Target, ...]  # steps named by id: always held
    # steps of a held category or phase, each with the service it starts: spared when bought
    by_kind: tuple[tuple[Target, str | None], ...]
    entries: tuple[Target, ...]  # playbook entries of a held category
    at_most: int | None  # a pacing hold: at most this many offers of what it covers


class PlanItem(NamedTuple):
    """One action of a rule as the planner walks it: kind, target, its proposal (None: a step
    the journey lacks) and whether it is a journey step (next step or upsell)."""

    kind: ActionKind
    target: str
    proposal: Proposal | None
    step: bool
    part: Target | None  # what a hold may stop: ("step" | "communication", id)


@dataclass(frozen=True, kw_only=True)
class View:
    """What recommend() needs for one language and one project type ("" for none)."""

    reasons: dict[str, Bound]  # rule id -> its bound reason template
    proposals: dict[str, Proposals]  # rule id -> its proposals
    frontier: dict[str, Action]  # step -> the journey's own proposal of it, with its details
    plans: dict[str, tuple[PlanItem, ...]]  # rule id -> its actions as the planner walks them
    titles: dict[str, str] = field(default_factory=dict)  # step -> its title
    needed_before: dict[str, str] = field(default_factory=dict)  # step -> "Do this first: ..."
    quoted: dict[str, str] = field(default_factory=dict)  # step -> its title in quotes
    lang: Language = "en"
    _not_yet: dict[tuple[Any, ...], str] = field(default_factory=dict)

    def not_yet(self, missing: tuple[str, ...], one_of: tuple[tuple[str, ...], ...]) -> str:
        """"Not yet: first ...", naming the missing steps and any-of groups (made once)."""
        key = (missing, one_of)
        found = self._not_yet.get(key)
        if found is None:
            q = self.quoted
            found = i18n.say("not_yet", self.lang, missing=i18n.listing(
                [q[s] for s in missing], [[q[s] for s in g] for g in one_of], self.lang))
            if len(self._not_yet) >= MEMO_SIZE:
                self._not_yet.clear()
            self._not_yet[key] = found
        return found


MEMO_SIZE = 4096  # entries of one kind kept by the memo; more, and it starts again


class Memo:
    """What recommend() works out once and keeps for the next recommendation: the views per
    (language, project type), per journey what the guard found for each set of done steps, and
    whether a custom fact's value is of its type (both bounded). Beside the knowledge base,
    not part of its value."""

    def __init__(self) -> None:
        self.views: dict[tuple[str, str], View] = {}
        self.lock = threading.RLock()
        self._guard: dict[str, dict[Any, Any]] = {}
        # (custom fact, type, value) -> whether the value is of the fact's declared type
        self.facts: dict[tuple[str, type, Any], bool] = {}

    def guard(self, project_type: str) -> dict[Any, Any]:
        """The guard's memo for one journey (engine/runtime/guard.py keeps it bounded)."""
        found = self._guard.get(project_type)
        if found is None:
            with self.lock:
                found = self._guard.setdefault(project_type, {})
        return found


@dataclass(frozen=True, kw_only=True)
class Index:
    rules: tuple[CompiledRule, ...]
    journeys: Mapping[str, Journey]
    titles: dict[str, Titles]  # "warning" (by rule id) / "communication" (by entry id)
    thresholds: dict[str, float]
    facts: Mapping[str, FactType]
    rules_by_id: dict[str, CompiledRule]
    all_steps: frozenset[str]  # of every journey
    holds: dict[str, dict[str, HoldScope]]  # project type ("" none) -> rule id -> its hold
    units: dict[str, Unit | None]  # threshold -> its unit, for the reasons
    details: DetailsTable  # the playbook content actions bring along (``build_details``)
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "memo"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, memo=Memo())

    def reasons(self, lang: Language) -> dict[str, Bound]:
        """Each rule's reason bound to this knowledge base and ``lang``."""
        return self.view(lang, "").reasons

    def view(self, lang: Language, project_type: str) -> View:
        """The prepared proposals and reasons for ``lang`` and ``project_type``."""
        views = self.memo.views
        found = views.get((lang, project_type))
        if found is None:
            with self.memo.lock:
                found = views.get((lang, project_type))
                if found is None:
                    found = views[lang, project_type] = self._build(lang, project_type)
        return found

    def _build(self, lang: Language, project_type: str) -> View:
        rules = self.rules_by_id
        if project_type:  # the other actions are the same as without a journey: shared
            base = self.view(lang, "")
            journey, details = self.journeys[project_type], self.details[lang, project_type]
            quoted = {s: i18n.say("quoted", lang, text=t)
                      for s, t in journey.titles[lang].items()}
            proposals: _Lazy[Proposals] = _Lazy(lambda rid: _with_steps(
                rules[rid], base.proposals[rid], journey, lang, base.reasons[rid].text, details))
            return View(
                reasons=base.reasons, proposals=proposals,
                frontier=_frontier(journey, lang, details),
                plans=_Lazy(lambda rid: _plan(rules[rid], proposals[rid])),
                titles=journey.titles[lang],
                needed_before={s: i18n.say("needed_before", lang, step=q)
                               for s, q in quoted.items()},
                quoted=quoted, lang=lang)
        reasons: _Lazy[Bound] = _Lazy(lambda rid: rules[rid].reason[lang].bind(
            self.facts, self.thresholds, lang, self.units))
        plain: _Lazy[Proposals] = _Lazy(lambda rid: tuple(
            self._other(rules[rid], kind, target, lang, reasons[rid].text)
            for kind, target in rules[rid].actions))
        return View(reasons=reasons, proposals=plain, frontier={},
                    plans=_Lazy(lambda rid: _plan(rules[rid], plain[rid])), lang=lang)

    def _other(self, rule: CompiledRule, kind: str, target: str, lang: Language,
               reason: str | None) -> Proposal | None:
        """A warning or communication; a step is left for the journey (None)."""
        if kind in STEP_KINDS:
            return None
        title = self.titles[kind][lang][rule.id if kind == "warning" else target]
        return _proposal(rule, kind, target, title, reason,
                         self.details[lang, ""].get((kind, target)))


def _frontier(journey: Journey, lang: Language,
              details: Mapping[tuple[str, str], Details]) -> dict[str, Action]:
    """The journey's own proposal of each step, built once: "Next on the ... journey"."""
    reason = i18n.say("journey_next", lang, journey=journey.spec.title.get(lang))
    return {s: Action.trusted({
        "kind": "next_step", "id": s, "title": journey.titles[lang][s], "reason": reason,
        "priority": journey.priorities[s], "rules": (),
        "sources": tuple(sorted(journey.sources[s])), "missing": (), "missing_one_of": (),
        "details": details.get(("next_step", s))})
        for s in journey.order}


# --- the playbook content actions bring along --------------------------------------------
# A communication action brings its own entry. A journey step brings the entry its
# ``checklist:`` key names (``checklist: optimisation_checklist`` on the step in
# journey_maps/*.yaml; compile checks that the entry exists) when it is proposed as a next step
# or an upsell; a blocked step brings nothing, it cannot be done yet.

def entry_details(entry: PlaybookEntry, lang: str) -> Details:
    return Details.trusted({"entry": entry.id, "title": entry.title.get(lang),
                            "summary": entry.summary.get(lang),
                            "items": tuple([item.get(lang) for item in entry.items])})


def build_details(journeys: Mapping[str, Journey],
                  playbook: Mapping[str, PlaybookEntry]) -> DetailsTable:
    table: DetailsTable = {}
    for lang in LANGUAGES:
        entries = {i: entry_details(e, lang) for i, e in playbook.items()}
        own = {("communication", i): d for i, d in entries.items()}
        table[lang, ""] = own
        for project_type, journey in journeys.items():
            steps = {(kind, step.id): entries[step.checklist] for step in journey.spec.steps
                     if step.checklist in entries for kind in STEP_KINDS}
            table[lang, project_type] = {**own, **steps}
    return table


def build_index(rules: Sequence[CompiledRule], journeys: Mapping[str, Journey],
                playbook: Mapping[str, PlaybookEntry], thresholds: Mapping[str, float],
                facts: Mapping[str, FactType],
                units: Mapping[str, Unit | None] | None = None) -> Index:
    rule_titles = {lang: {r.id: r.spec.title.get(lang) for r in rules} for lang in LANGUAGES}
    playbook_titles = {lang: {i: e.title.get(lang) for i, e in playbook.items()}
                       for lang in LANGUAGES}
    return Index(
        rules=tuple(rules), journeys=dict(journeys),
        titles={"warning": rule_titles, "communication": playbook_titles},
        thresholds=dict(thresholds), facts=dict(facts), rules_by_id={r.id: r for r in rules},
        all_steps=frozenset(s for j in journeys.values() for s in j.steps),
        holds={pt: {r.id: hold_scope(r, j, playbook) for r in rules if r.spec.hold is not None}
               for pt, j in [("", None), *journeys.items()]},
        units=dict(units or {}), details=build_details(journeys, playbook))


def hold_scope(rule: CompiledRule, journey: Journey | None,
               playbook: Mapping[str, PlaybookEntry]) -> HoldScope:
    """What a rule's hold stands for on ``journey`` (None: a client without one): the steps
    it names, the steps of a held category or phase, the entries of a held category."""
    hold = rule.spec.hold
    assert hold is not None
    steps, categories, phases = (set(hold.names(w)) for w in ("step", "category", "phase"))
    on_map = sorted(journey.steps.items()) if journey is not None else []
    return HoldScope(
        tuple(("step", s) for s, _ in on_map if s in steps),
        tuple((("step", s), journey.services[s]) for s, step in on_map if journey is not None
              and s not in steps and (step.category in categories or step.phase in phases)),
        tuple(("communication", i) for i, e in sorted(playbook.items())
              if e.category in categories), hold.at_most)


def _plan(rule: CompiledRule, proposals: Proposals) -> tuple[PlanItem, ...]:
    return tuple(PlanItem(kind=cast(ActionKind, kind), target=target, proposal=p,
                          step=kind in STEP_KINDS,
                          part=None if kind == "warning" else
                          ("step" if kind in STEP_KINDS else "communication", target))
                 for (kind, target), p in zip(rule.actions, proposals, strict=True))


def _with_steps(rule: CompiledRule, base: Proposals, journey: Journey, lang: Language,
                reason: str | None, details: Mapping[tuple[str, str], Details]) -> Proposals:
    """A rule's proposals for one journey: its steps filled in where the journey has them."""
    if all(p is not None for p in base):
        return base
    return tuple(p if p is not None or target not in journey.steps
                 else _proposal(rule, kind, target, journey.titles[lang][target], reason,
                                details.get((kind, target)))
                 for (kind, target), p in zip(rule.actions, base, strict=True))


def _proposal(rule: CompiledRule, kind: str, target: str, title: str,
              reason: str | None, details: Details | None) -> Proposal:
    ordered = tuple(sorted(rule.source_set))
    action = None if reason is None else Action.trusted(
        {"kind": kind, "id": target, "title": title, "reason": reason,
         "priority": rule.priority, "rules": (rule.id,), "sources": ordered, "missing": (),
         "missing_one_of": (), "details": details})
    return Proposal(kind=cast(ActionKind, kind), id=target, title=title,
                    priority=rule.priority, rule=rule.id, sources=rule.source_set,
                    ordered=ordered, action=action)
