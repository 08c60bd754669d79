"""The journey map as a picture: data first (``picture``), then text (engine/render/graph.py).

Steps are laid out left to right by phase, one box per phase in journey order. With a client,
each step has a status: ``done`` (in completed_steps), ``next`` (recommended now as a next step
or upsell), ``blocked`` (asked for by a rule, waiting for prerequisites) or ``todo``; the
statuses come from ``engine.recommend``, so the picture shows what a dry run would say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.api import recommend
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.vocabulary import STEP_KINDS, STEP_STATUSES, StepStatus

Status = StepStatus
STATUSES = STEP_STATUSES
@dataclass(frozen=True)
class StepBox:
    id: str
    title: str
    repeatable: bool
    status: Status


@dataclass(frozen=True)
class Phase:
    id: str
    steps: tuple[StepBox, ...]


@dataclass(frozen=True)
class Picture:
    project_type: str
    title: str
    phases: tuple[Phase, ...]
    edges: tuple[tuple[str, str], ...]  # (prerequisite, step), in journey order
    client_id: str | None = None
    as_of: dt.date | None = None
    any_edges: tuple[tuple[str, str], ...] = ()  # (one of the step's any-of list, step)



def picture(kb: KnowledgeBase, project_type: str, client: Client | None = None,
            as_of: dt.date | None = None, lang: str = "en") -> Picture:
    """The journey of ``project_type``, with the client's statuses if a client is given."""
    journey = kb.journeys[project_type]
    day = (as_of or dt.date.today()) if client is not None else None
    status = statuses(kb, client, day, lang) if client is not None else {}
    phases = tuple(
        Phase(phase, tuple(StepBox(s, journey.steps[s].title.get(lang),
                                   journey.steps[s].repeatable, status.get(s, "todo"))
                           for s in steps))
        for phase, steps in journey.phases().items())
    edges = tuple((p, s) for s in journey.order for p in journey.order
                  if p in journey.prerequisites[s])
    any_edges = tuple((p, s) for s in journey.order for p in journey.any_of[s])
    return Picture(project_type=project_type, title=journey.spec.title.get(lang),
                   phases=phases, edges=edges,
                   client_id=client.id if client is not None else None, as_of=day,
                   any_edges=any_edges)


def statuses(kb: KnowledgeBase, client: Client, as_of: dt.date | None,
             lang: str = "en") -> dict[str, Status]:
    """done / next / blocked per step: what ``recommend`` says for this client today."""
    out: dict[str, Status] = {step: "done" for step in client.completed_steps}
    for action in recommend(client, kb=kb, as_of=as_of, lang=lang).actions:
        if action.kind in STEP_KINDS:
            out[action.id] = "next"
        elif action.kind == "blocked":
            out[action.id] = "blocked"
    return out
