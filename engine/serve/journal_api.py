"""The run journal over HTTP: the same data as ``playbook inbox``, ``changes``, ``history``,
``done``, ``dismiss`` and ``snooze`` with ``--format json``, as the same JSON documents."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from engine.render import journal as render
from engine.serve.decisions import service
from engine.serve.openapi import answers
from engine.serve.problems import JSON
from engine.serve.security import authorised
from engine.vocabulary import ActionKind, DismissReason

router = APIRouter(prefix="/v1", dependencies=[Depends(authorised)])
ERRORS = (400, 401, 404, 503)
Comment = Annotated[str | None, Field(default=None, max_length=2000,
                                      description="a note kept in the journal's log")]
CLIENT = Path(description="the client's id", max_length=200)
ACTION = Path(description="the action's id, as the inbox lists it", max_length=200)
RunOrDay = Annotated[int, Field(ge=1, le=2**31 - 1)] | dt.date
SINCE = Query(None, description="a run id or a day, YYYY-MM-DD (default: what the latest run "
              "changed)")


class Act(BaseModel):
    """A person's act's body (pydantic's own base: FastAPI builds request bodies from it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Done(Act):
    comment: Comment = None


class Dismissal(Act):
    reason: DismissReason
    comment: Comment = None


class Snooze(Act):
    until: dt.date = Field(description="the day the advice comes back, after the latest run's")
    comment: Comment = None


def _records(text: str) -> Response:
    return Response(text, media_type=JSON)


@router.get("/inbox", responses=answers(None, *ERRORS))
def get_inbox(request: Request, client: str | None = Query(None, max_length=200),
          kind: ActionKind | None = None, new: bool = False,
          owner: str | None = Query(None, max_length=200)) -> Response:
    """Open to-dos by urgency (due today, overdue, new, the rest), one owner's with ``owner``:
    `playbook inbox`."""
    svc = service(request)
    box = svc.open_journal().inbox(client, kind, new, owner=owner, kb=svc.knowledge())
    return _records(render.one_json(box))


@router.get("/changes", responses=answers(None, *ERRORS))
def get_changes(request: Request, since: RunOrDay | None = SINCE) -> Response:
    """What the runs changed: `playbook changes`."""
    svc = service(request)
    return _records(render.records_json(svc.open_journal().changes(since, kb=svc.knowledge())))


@router.get("/clients/{client_id}/history", responses=answers(None, *ERRORS))
def get_history(request: Request, client_id: str = CLIENT) -> Response:
    """Everything that happened to a client's advice, oldest first: `playbook history`."""
    svc = service(request)
    return _records(render.records_json(svc.open_journal().history(client_id,
                                                                   kb=svc.knowledge())))


@router.post("/advice/{client_id}/{kind}/{action_id}/done", responses=answers(None, *ERRORS))
def post_done(request: Request, act: Done, kind: ActionKind, client_id: str = CLIENT,
         action_id: str = ACTION) -> Response:
    """Mark a piece of advice done: `playbook done`."""
    advice = service(request).open_journal().done(client_id, kind, action_id, act.comment)
    return _records(render.one_json(advice))


@router.post("/advice/{client_id}/{kind}/{action_id}/dismiss",
             responses=answers(None, *ERRORS))
def post_dismiss(request: Request, act: Dismissal, kind: ActionKind, client_id: str = CLIENT,
            action_id: str = ACTION) -> Response:
    """Dismiss a piece of advice with a reason: `playbook dismiss`."""
    advice = service(request).open_journal().dismiss(client_id, kind, action_id, act.reason,
                                                     act.comment)
    return _records(render.one_json(advice))


@router.post("/advice/{client_id}/{kind}/{action_id}/snooze",
             responses=answers(None, *ERRORS))
def post_snooze(request: Request, act: Snooze, kind: ActionKind, client_id: str = CLIENT,
           action_id: str = ACTION) -> Response:
    """Snooze a piece of advice until a day: `playbook snooze`."""
    advice = service(request).open_journal().snooze(client_id, kind, action_id, act.until,
                                                    act.comment)
    return _records(render.one_json(advice))
