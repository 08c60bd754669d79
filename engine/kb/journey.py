"""A project journey as plain graph data: its steps, their all-of (``after``) and any-of
(``after_any``) prerequisites, and the journey order (a topological order of the graph, ties
broken by the order in which the steps are written in the map file), built once through networkx.

What a client's done steps leave open (ready, waits for, the frontier, held) is the journey
guard's: engine/runtime/guard.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.models import JourneyMapFile, Step
from engine.vocabulary import LANGUAGES

if TYPE_CHECKING:
    import networkx as nx


class Journey:
    """One journey map's steps and prerequisites, ready for the guard: each step's all-of
    prerequisites (``prerequisites``), its any-of group (``any_of``, journey order), the
    all-of ancestors it needs whatever path is taken (``required``), every ancestor
    (``ancestors``), and per step its category, the service it starts, sources, priority and
    titles."""

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
        self.rank = rank  # step -> its place in the journey order
        self.prerequisites = {s.id: frozenset(s.after) for s in spec.steps}  # all of these
        self.any_of = {s.id: tuple(sorted(s.after_any, key=rank.__getitem__)) for s in spec.steps}
        self.categories = {s.id: s.category for s in spec.steps}
        self.services = {s.id: s.service for s in spec.steps}  # the service a step starts
        self.on_demand = frozenset(s.id for s in spec.steps if s.on_demand)
        self.sources = {s.id: frozenset(s.sources) for s in spec.steps}
        self.priorities = {s.id: spec.default_priority if s.priority is None else s.priority
                           for s in spec.steps}
        self.titles = {lang: {s.id: s.title.get(lang) for s in spec.steps} for lang in LANGUAGES}
        self.ancestors = {step: tuple(sorted(nx.ancestors(graph, step), key=rank.__getitem__))
                          for step in self.order}  # through all-of and any-of links
        self.required = {step: self._required(step) for step in self.order}
        # per step, the any-of groups met following it back through all-of links: (step, group)
        self.groups_back = {step: tuple([(s, self.any_of[s]) for s in (step, *self.required[step])
                                         if self.any_of[s]]) for step in self.order}
        # the steps the frontier may propose, journey order: (step, all-of, any-of)
        self.proposable = tuple((s, self.prerequisites[s], frozenset(self.any_of[s]))
                                for s in self.order if s not in self.on_demand)

    def _required(self, step: str) -> tuple[str, ...]:
        """The steps ``step`` needs whatever path is taken: its all-of ancestors."""
        seen: set[str] = set()
        todo = list(self.prerequisites[step])
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.prerequisites[p])
        return tuple(sorted(seen, key=self.rank.__getitem__))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Journey) and self.spec == other.spec

    def __hash__(self) -> int:
        return hash(self.spec.project_type)

    @property
    def project_type(self) -> str:
        return self.spec.project_type

    def phases(self) -> dict[str, list[str]]:
        """Steps per phase, phases in order of first appearance in journey order."""
        out: dict[str, list[str]] = {}
        for step in self.order:
            out.setdefault(self.steps[step].phase, []).append(step)
        return out


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
