"""A project journey: steps and their prerequisites, as a networkx graph.

Journey order is a topological order of the graph, ties broken by the order in which the steps
are written in the map file. The frontier is what the journey alone proposes next.

What a set of done steps leaves open (the frontier, what a step waits for) is computed once per
distinct set and kept in a bounded cache: clients at the same stage of a journey share it.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property, lru_cache
from typing import NamedTuple

import networkx as nx

from engine import i18n
from engine.models import LANGUAGES, Action, JourneyMapFile, Step

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
        position = {s.id: i for i, s in enumerate(spec.steps)}
        self.graph: nx.DiGraph[str] = nx.DiGraph()
        self.graph.add_nodes_from(self.steps)
        self.graph.add_edges_from((p, s.id) for s in spec.steps for p in s.after)
        self.order: tuple[str, ...] = tuple(
            nx.lexicographical_topological_sort(self.graph, key=position.__getitem__))
        rank = {step: i for i, step in enumerate(self.order)}
        self.prerequisites = {s.id: frozenset(s.after) for s in spec.steps}
        self.on_demand = frozenset(s.id for s in spec.steps if s.on_demand)
        self.sources = {s.id: frozenset(s.sources) for s in spec.steps}
        self.priorities = {s.id: spec.default_priority if s.priority is None else s.priority
                           for s in spec.steps}
        self.titles = {lang: {s.id: s.title.get(lang) for s in spec.steps} for lang in LANGUAGES}
        self.ancestors = {step: tuple(sorted(nx.ancestors(self.graph, step), key=rank.__getitem__))
                          for step in self.order}
        self._proposable = tuple((s, self.prerequisites[s]) for s in self.order
                                 if s not in self.on_demand)
        self._frontier = lru_cache(maxsize=CACHE_SIZE)(self._open_steps)
        self._waiting = lru_cache(maxsize=CACHE_SIZE)(self._waits_for)

    # Texts recommend() writes for this journey, per language: they depend on nothing else.

    @cached_property
    def quoted(self) -> dict[str, dict[str, str]]:
        """Language -> step -> its title in quotes."""
        return {lang: {s: i18n.say("quoted", lang, text=t) for s, t in titles.items()}
                for lang, titles in self.titles.items()}

    @cached_property
    def needed_before(self) -> dict[str, dict[str, str]]:
        """Language -> step -> the reason to do its missing prerequisites first."""
        return {lang: {s: i18n.say("needed_before", lang, step=q) for s, q in quoted.items()}
                for lang, quoted in self.quoted.items()}

    @cached_property
    def next_reason(self) -> dict[str, str]:
        """Language -> the reason for the steps of the frontier."""
        return {lang: i18n.say("journey_next", lang, journey=self.spec.title.get(lang))
                for lang in LANGUAGES}

    @cached_property
    def next_actions(self) -> dict[str, dict[str, Action]]:
        """Language -> step -> the journey's own proposal of it (no rule involved), built once."""
        return {lang: {s: Action.trusted({
            "kind": "next_step", "id": s, "title": self.titles[lang][s], "reason": reason,
            "priority": self.priorities[s], "rules": (), "sources": tuple(sorted(self.sources[s])),
            "missing": ()}) for s in self.order} for lang, reason in self.next_reason.items()}

    @property
    def project_type(self) -> str:
        return self.spec.project_type

    def is_ready(self, step: str, done: Collection[str]) -> bool:
        return self.prerequisites[step] <= frozenset(done)

    def frontier(self, done: Collection[str]) -> tuple[str, ...]:
        """Steps not done whose prerequisites are all done, in journey order; on-demand steps
        are left to the rules."""
        return self._frontier(_frozen(done))

    def missing(self, step: str, done: Collection[str]) -> tuple[str, ...]:
        """Every step ``step`` waits for (transitively) that is not done, in journey order."""
        return self._waiting(step, _frozen(done)).missing

    def waiting(self, step: str, done: Collection[str]) -> Waiting:
        """What ``step`` waits for, which of those are ready to start, and how to say so."""
        return self._waiting(step, _frozen(done))

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
    """A cycle among known steps as ``[a, b, a]``, or None."""
    known = {s.id for s in spec.steps}
    edges = [(p, s.id) for s in spec.steps for p in s.after if p in known]
    graph: nx.DiGraph[str] = nx.DiGraph(edges)
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [edges[0][0], *(v for _, v in edges)]
