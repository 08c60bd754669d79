"""A project journey: steps and their prerequisites, as a networkx graph.

Journey order is a topological order of the graph, ties broken by the order in which the steps
are written in the map file. The frontier is what the journey alone proposes next.
"""

from __future__ import annotations

from collections.abc import Collection

import networkx as nx

from engine.models import LANGUAGES, JourneyMapFile, Step


class Journey:
    def __init__(self, spec: JourneyMapFile) -> None:
        self.spec = spec
        self.steps: dict[str, Step] = {s.id: s for s in spec.steps}
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

    @property
    def project_type(self) -> str:
        return self.spec.project_type

    def priority(self, step: str) -> int:
        return self.priorities[step]

    def is_ready(self, step: str, done: Collection[str]) -> bool:
        return self.prerequisites[step] <= frozenset(done)

    def frontier(self, done: Collection[str]) -> list[str]:
        """Steps not done whose prerequisites are all done, in journey order; on-demand steps
        are left to the rules."""
        done = frozenset(done)
        return [s for s in self.order if s not in done and s not in self.on_demand
                and self.prerequisites[s] <= done]

    def missing(self, step: str, done: Collection[str]) -> list[str]:
        """Every step ``step`` waits for (transitively) that is not done, in journey order."""
        return [s for s in self.ancestors[step] if s not in done]

    def phases(self) -> dict[str, list[str]]:
        """Steps per phase, phases in order of first appearance in journey order."""
        out: dict[str, list[str]] = {}
        for step in self.order:
            out.setdefault(self.steps[step].phase, []).append(step)
        return out


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
