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

    missing: tuple[str, ...]  # every step it waits for (transitively), in journey order
    ready: tuple[str, ...]  # those of them that can start now
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
        graph.add_edges_from((p, s.id) for s in spec.steps for p in s.after)
        self.order: tuple[str, ...] = tuple(
            nx.lexicographical_topological_sort(graph, key=position.__getitem__))
        rank = {step: i for i, step in enumerate(self.order)}
        self.prerequisites = {s.id: frozenset(s.after) for s in spec.steps}
        self.on_demand = frozenset(s.id for s in spec.steps if s.on_demand)
        self.sources = {s.id: frozenset(s.sources) for s in spec.steps}
        self.priorities = {s.id: spec.default_priority if s.priority is None else s.priority
                           for s in spec.steps}
        self.titles = {lang: {s.id: s.title.get(lang) for s in spec.steps} for lang in LANGUAGES}
        self.ancestors = {step: tuple(sorted(nx.ancestors(graph, step), key=rank.__getitem__))
                          for step in self.order}
        self._proposable = tuple((s, self.prerequisites[s]) for s in self.order
                                 if s not in self.on_demand)
        self._texts()
        self._memo: dict[tuple[str, frozenset[str]], Any] = {}

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
            "missing": ()}) for s in self.order} for lang, reason in self.next_reason.items()}

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
        return self.prerequisites[step] <= frozenset(done)

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
        return tuple([s for s, after in self._proposable if s not in done and after <= done])

    def _waits_for(self, step: str, done: frozenset[str]) -> Waiting:
        missing = tuple([s for s in self.ancestors[step] if s not in done])
        return Waiting(missing, tuple([s for s in missing if self.prerequisites[s] <= done]),
                       {lang: i18n.say("not_yet", lang, missing=", ".join([q[s] for s in missing]))
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
    edges = [(p, s.id) for s in first.values() for p in s.after if p in first]
    graph: nx.DiGraph[str] = nx.DiGraph(edges)
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [edges[0][0], *(v for _, v in edges)]
