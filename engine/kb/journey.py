"""A project journey: steps and their prerequisites, ordered through a networkx graph.

Journey order is a topological order of the graph, ties broken by the order in which the steps
are written in the map file. The frontier is what the journey alone proposes next.

What a set of done steps leaves open (the frontier, what a step waits for) is computed once per
distinct set and kept in a bounded memo: clients at the same stage of a journey share it. The
memo is not part of the value: two journeys of the same map are equal, and a pickled journey
travels without it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, NamedTuple

from engine.language import phrases as i18n
from engine.models import Action, JourneyMapFile, Step
from engine.vocabulary import LANGUAGES

if TYPE_CHECKING:
    import networkx as nx

CACHE_SIZE = 4096  # distinct sets of done steps remembered per journey


class Waiting(NamedTuple):
    """What a step waits for, for one set of done steps."""

    missing: tuple[str, ...]  # every step it needs (transitively, through all-of), journey order
    one_of: tuple[tuple[str, ...], ...]  # any-of groups none of whose steps is done
    ready: tuple[str, ...]  # the missing steps and group members that can start now
    not_yet: dict[str, str]  # language -> "Not yet: first ..." with the missing steps' titles


class Journey:
    def __init__(self, spec: JourneyMapFile) -> None:
        self.spec = spec
        self.steps: dict[str, Step] = {s.id: s for s in spec.steps}
        self.step_ids = frozenset(self.steps)
        import networkx as nx  # only when a journey is built: a cached knowledge base skips it

        position = {s.id: i for i, s in enumerate(spec.steps)}
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(self.steps)
        graph.add_edges_from((p, s.id) for s in spec.steps for p in (*s.after, *s.after_any))
        self.order: tuple[str, ...] = tuple(
            nx.lexicographical_topological_sort(graph, key=position.__getitem__))
        rank: dict[str, int] = {step: i for i, step in enumerate(self.order)}
        self._rank = rank
        self.prerequisites = {s.id: frozenset(s.after) for s in spec.steps}  # all of these
        self.any_of = {s.id: tuple(sorted(s.after_any, key=rank.__getitem__)) for s in spec.steps}
        self.categories = {s.id: s.category for s in spec.steps}
        self.on_demand = frozenset(s.id for s in spec.steps if s.on_demand)
        self.sources = {s.id: frozenset(s.sources) for s in spec.steps}
        self.priorities = {s.id: spec.default_priority if s.priority is None else s.priority
                           for s in spec.steps}
        self.titles = {lang: {s.id: s.title.get(lang) for s in spec.steps} for lang in LANGUAGES}
        self.ancestors = {step: tuple(sorted(nx.ancestors(graph, step), key=rank.__getitem__))
                          for step in self.order}  # through all-of and any-of links
        self.required = {step: self._required(step, rank) for step in self.order}
        self._proposable = tuple((s, self.prerequisites[s], frozenset(self.any_of[s]))
                                 for s in self.order if s not in self.on_demand)
        self._texts()
        self._memo: dict[tuple[str, frozenset[str]], Any] = {}

    def _required(self, step: str, rank: dict[str, int]) -> tuple[str, ...]:
        """The steps ``step`` needs whatever path is taken: its all-of ancestors."""
        seen: set[str] = set()
        todo = list(self.prerequisites[step])
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.prerequisites[p])
        return tuple(sorted(seen, key=rank.__getitem__))

    def _texts(self) -> None:
        """Texts recommend() writes for this journey, per language: they depend on nothing else."""
        self.quoted = {lang: {s: i18n.say("quoted", lang, text=t) for s, t in titles.items()}
                       for lang, titles in self.titles.items()}  # step -> title in quotes
        self.needed_before = {  # step -> the reason to do its missing prerequisites first
            lang: {s: i18n.say("needed_before", lang, step=q) for s, q in quoted.items()}
            for lang, quoted in self.quoted.items()}
        self.next_reason = {lang: i18n.say("journey_next", lang, journey=self.spec.title.get(lang))
                            for lang in LANGUAGES}  # the reason for the frontier's steps
        self.next_actions = {lang: {s: Action.trusted({  # the journey's own proposals, built once
            "kind": "next_step", "id": s, "title": self.titles[lang][s], "reason": reason,
            "priority": self.priorities[s], "rules": (), "sources": tuple(sorted(self.sources[s])),
            "missing": (), "missing_one_of": ()}) for s in self.order}
            for lang, reason in self.next_reason.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Journey) and self.spec == other.spec

    def __hash__(self) -> int:
        return hash(self.spec.project_type)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_memo": {}}

    def _remembered(self, key: tuple[str, frozenset[str]], compute: Any) -> Any:
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= CACHE_SIZE:
                self._memo.clear()
            found = self._memo[key] = compute()
        return found

    @property
    def project_type(self) -> str:
        return self.spec.project_type

    def is_ready(self, step: str, done: Collection[str]) -> bool:
        """Every all-of prerequisite done, and one of the any-of ones (if it has any)."""
        done = _frozen(done)
        any_of = self.any_of[step]
        return self.prerequisites[step] <= done and (not any_of or not done.isdisjoint(any_of))

    def frontier(self, done: Collection[str]) -> tuple[str, ...]:
        """Steps not done whose prerequisites are all done, in journey order; on-demand steps
        are left to the rules."""
        done = _frozen(done)
        return self._remembered(("", done), lambda: self._open_steps(done))  # type: ignore[no-any-return]

    def missing(self, step: str, done: Collection[str]) -> tuple[str, ...]:
        """Every step ``step`` waits for (transitively) that is not done, in journey order."""
        return self.waiting(step, done).missing

    def waiting(self, step: str, done: Collection[str]) -> Waiting:
        """What ``step`` waits for, which of those are ready to start, and how to say so."""
        done = _frozen(done)
        return self._remembered((step, done), lambda: self._waits_for(step, done))  # type: ignore[no-any-return]

    def _open_steps(self, done: frozenset[str]) -> tuple[str, ...]:
        return tuple([s for s, after, any_of in self._proposable if s not in done
                      and after <= done and (not any_of or not done.isdisjoint(any_of))])

    def _waits_for(self, step: str, done: frozenset[str]) -> Waiting:
        """All-of prerequisites are followed back transitively; an any-of group none of whose
        steps is done is reported as a group (which of its steps to do is the team's choice)."""
        groups: list[tuple[str, ...]] = []
        for s in (step, *self.required[step]):
            group = self.any_of[s]
            if ((s not in done or s == step) and group and done.isdisjoint(group)
                    and group not in groups):
                groups.append(group)
        rank = self._rank
        missing = tuple([s for s in self.required[step] if s not in done])
        one_of = tuple(sorted(groups, key=lambda g: rank[g[0]]))
        candidates = {*missing, *(m for g in one_of for m in g if m not in done)}
        ready = tuple(sorted((s for s in candidates if self.is_ready(s, done)),
                             key=rank.__getitem__))
        return Waiting(missing, one_of, ready, {
            lang: i18n.say("not_yet", lang, missing=i18n.listing(
                [q[s] for s in missing], [[q[s] for s in g] for g in one_of], lang))
            for lang, q in self.quoted.items()})

    def phases(self) -> dict[str, list[str]]:
        """Steps per phase, phases in order of first appearance in journey order."""
        out: dict[str, list[str]] = {}
        for step in self.order:
            out.setdefault(self.steps[step].phase, []).append(step)
        return out


def _frozen(done: Collection[str]) -> frozenset[str]:
    return done if isinstance(done, frozenset) else frozenset(done)


def find_cycle(spec: JourneyMapFile) -> list[str] | None:
    """A cycle among known steps as ``[a, b, a]``, or None. A step id written twice counts
    once, as first written: the duplicate is its own mistake, not a loop."""
    import networkx as nx

    first: dict[str, Step] = {}
    for step in spec.steps:
        first.setdefault(step.id, step)
    edges = [(p, s.id) for s in first.values() for p in (*s.after, *s.after_any) if p in first]
    graph: nx.DiGraph[str] = nx.DiGraph(edges)
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [edges[0][0], *(v for _, v in edges)]
