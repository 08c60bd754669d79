"""The run journal over HTTP: the same data as ``playbook inbox``, ``team``, ``digest``,
``stats``, ``changes``, ``history``, ``done``, ``dismiss`` and ``snooze`` with ``--format json``,
as the same JSON documents (the same library views, rendered by the same writer).

Each view takes what the command's flags give: ``as_of`` (``--as-of``: the day the view is for),
``lang`` (``--lang``; default: the server's ``lang``), ``owner`` (``--owner``); the CRM link
template is the server's ``crm_url`` (playbook.toml, PLAYBOOK_CRM_URL). A person's act records
who acted: the user the API token is given to (``[[serve.tokens]]`` with ``user``), else the
body's ``by``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from engine.render import journal as render
from engine.serve.decisions import service
from engine.serve.openapi import answers
from engine.serve.problems import JSON, problem
from engine.serve.security import authorised
from engine.serve.service import Service
from engine.vocabulary import ActionKind, DismissReason, Language

router = APIRouter(prefix="/v1", dependencies=[Depends(authorised)])
ERRORS = (400, 401, 404, 503)
ACT_ERRORS = (400, 401, 403, 404, 503)
Comment = Annotated[str | None, Field(default=None, max_length=2000,
                                      description="a note kept in the journal's log")]
By = Annotated[str | None, Field(default=None, min_length=1, max_length=200,
                                 description="who acts (as `--by`): needed only when the API "
                                 "token is given to no user; with a user's token, that user")]
CLIENT = Path(description="the client's id", max_length=200)
ACTION = Path(description="the action's id, as the inbox lists it", max_length=200)
RunOrDay = Annotated[int, Field(ge=1, le=2**31 - 1)] | dt.date
SINCE = Query(None, description="a run id or a day, YYYY-MM-DD (default: what the latest run "
              "changed)")
OWNER = Query(None, max_length=200, description="only this account manager's clients "
              "(`--owner`)")
AS_OF = Query(None, description="the day the view is for: what is due, overdue, new "
              "(`--as-of`, YYYY-MM-DD; default: today)")
NEW_SINCE = Query(None, description="new: to-dos that became new after this day (default: "
                  "yesterday)")
ACTED_SINCE = Query(None, description="only what happened on or after this day")
LANG = Query(None, description="the language of titles and words (`--lang`; default: the "
             "server's lang)")


class Act(BaseModel):
    """A person's act's body (pydantic's own base: FastAPI builds request bodies from it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Done(Act):
    comment: Comment = None
    by: By = None


class Dismissal(Act):
    reason: DismissReason
    comment: Comment = None
    by: By = None


class Snooze(Act):
    until: dt.date = Field(description="the day the advice comes back, after the latest run's")
    comment: Comment = None
    by: By = None


def _records(text: str) -> Response:
    return Response(text, media_type=JSON)


def _lang(svc: Service, lang: Language | None) -> str:
    return lang or svc.settings.lang


@router.get("/inbox", responses=answers(None, *ERRORS))
def get_inbox(request: Request, client: str | None = Query(None, max_length=200),
              kind: ActionKind | None = None, new: bool = False, owner: str | None = OWNER,
              top: int | None = Query(None, ge=1, le=100_000, description="the N most "
                                      "urgent to-dos (`--top`)"),
              as_of: dt.date | None = AS_OF, lang: Language | None = LANG) -> Response:
    """Open to-dos by urgency (due today, overdue, new, the rest), one owner's with ``owner``:
    `playbook inbox --format json`."""
    svc = service(request)
    box = svc.open_journal().inbox(client, kind, new, owner=owner, top=top, today=as_of,
                                   kb=svc.knowledge(), lang=_lang(svc, lang),
                                   crm_url=svc.settings.crm_url)
    return _records(render.one_json(box))


@router.get("/team", responses=answers(None, *ERRORS))
def get_team(request: Request, as_of: dt.date | None = AS_OF,
             lang: Language | None = LANG) -> Response:
    """The head's view: per owner, clients, open, overdue and escalated to-dos, done and
    dismissed in the last 7 and 30 days, detractors and top risks: `playbook team --format
    json`."""
    svc = service(request)
    view = svc.open_journal().team(today=as_of, kb=svc.knowledge(), lang=_lang(svc, lang),
                                   crm_url=svc.settings.crm_url)
    return _records(render.one_json(view))


@router.get("/digest", responses=answers(None, *ERRORS))
def get_digest(request: Request, owner: str | None = OWNER,
               since: dt.date | None = NEW_SINCE,
               as_of: dt.date | None = AS_OF, lang: Language | None = LANG) -> Response:
    """The morning digest of an owner, or of the whole team: `playbook digest --format
    json`."""
    svc = service(request)
    view = svc.open_journal().digest(owner=owner, since=since, today=as_of, kb=svc.knowledge(),
                                     lang=_lang(svc, lang), crm_url=svc.settings.crm_url)
    return _records(render.one_json(view))


@router.get("/stats", responses=answers(None, *ERRORS))
def get_stats(request: Request, by: Literal["rule", "owner", "kind"] = "rule",
              since: dt.date | None = ACTED_SINCE) -> Response:
    """Which rules' advice people act on: `playbook stats --format json`."""
    return _records(render.one_json(service(request).open_journal().stats(by=by,
                                                                          since=since)))


@router.get("/changes", responses=answers(None, *ERRORS))
def get_changes(request: Request, since: RunOrDay | None = SINCE, owner: str | None = OWNER,
                lang: Language | None = LANG) -> Response:
    """What the runs changed, before -> after: `playbook changes --format json`."""
    svc = service(request)
    return _records(render.records_json(svc.open_journal().changes(
        since, owner=owner, kb=svc.knowledge(), lang=_lang(svc, lang))))


@router.get("/clients/{client_id}/history", responses=answers(None, *ERRORS))
def get_history(request: Request, client_id: str = CLIENT,
                lang: Language | None = LANG) -> Response:
    """Everything that happened to a client's advice, oldest first, with who acted:
    `playbook history --format json`."""
    svc = service(request)
    return _records(render.records_json(svc.open_journal().history(
        client_id, kb=svc.knowledge(), lang=_lang(svc, lang))))


def actor(request: Request, by: str | None) -> str | None:
    """Who acts: the user the request's API token is given to; else the body's ``by``."""
    user: str | None = getattr(request.state, "user", None)
    if user is not None and by is not None and by != user:
        raise problem(403, "not-yours", "this API token acts for another user", "by",
                      expected="no 'by', or the token's own user", field="by")
    return user or by


@router.post("/advice/{client_id}/{kind}/{action_id}/done",
             responses=answers(None, *ACT_ERRORS))
def post_done(request: Request, act: Done, kind: ActionKind, client_id: str = CLIENT,
              action_id: str = ACTION) -> Response:
    """Mark a piece of advice done: `playbook done --by`."""
    advice = service(request).open_journal().done(client_id, kind, action_id, act.comment,
                                                  actor=actor(request, act.by))
    return _records(render.one_json(advice))


@router.post("/advice/{client_id}/{kind}/{action_id}/dismiss",
             responses=answers(None, *ACT_ERRORS))
def post_dismiss(request: Request, act: Dismissal, kind: ActionKind, client_id: str = CLIENT,
                 action_id: str = ACTION) -> Response:
    """Dismiss a piece of advice with a reason: `playbook dismiss --by`."""
    advice = service(request).open_journal().dismiss(client_id, kind, action_id, act.reason,
                                                     act.comment, actor=actor(request, act.by))
    return _records(render.one_json(advice))


@router.post("/advice/{client_id}/{kind}/{action_id}/snooze",
             responses=answers(None, *ACT_ERRORS))
def post_snooze(request: Request, act: Snooze, kind: ActionKind, client_id: str = CLIENT,
                action_id: str = ACTION) -> Response:
    """Snooze a piece of advice until a day: `playbook snooze --by`."""
    advice = service(request).open_journal().snooze(client_id, kind, action_id, act.until,
                                                    act.comment, actor=actor(request, act.by))
    return _records(render.one_json(advice))
