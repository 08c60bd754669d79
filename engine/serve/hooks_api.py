"""Webhooks in: amoCRM at ``POST /hooks/amocrm/{secret}``, Bitrix24 at ``POST /hooks/bitrix24``.

The form is read and checked (the URL's secret and the account id; the application token),
each record change stored in one transaction (beside a SQLite journal, in a file of its own
whose write lock the worker's runs never hold: engine/journal/hooks.py), and the CRM answered
200 at once: the worker does the rest. ``GET /v1/hooks/failed`` lists the events that failed
(waiting to be tried again, or given up); ``POST /v1/hooks/{id}/retry`` tries a given-up event
again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from engine.journal.hooks import NewEvent
from engine.render.json import versioned
from engine.serve.crm import amocrm, bitrix24
from engine.serve.crm.common import Refused
from engine.serve.decisions import service
from engine.serve.forms import FormError, parse_form
from engine.serve.metrics import HOOKS_RECEIVED
from engine.serve.openapi import answers
from engine.serve.problems import JSON, ApiError, problem
from engine.serve.security import authorised
from engine.serve.service import Service

router = APIRouter()
FORM = {"requestBody": {"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}}
HOOK_ERRORS = (400, 403, 404, 413, 503)
EVENT = Path(ge=1, le=2**31 - 1, description="an event's id, as /v1/hooks/failed lists it")


@router.post("/hooks/amocrm/{secret}", openapi_extra=FORM,
             responses=answers(None, *HOOK_ERRORS))
async def amocrm_hook(request: Request, secret: str) -> Response:
    """amoCRM's webhook (leads added, updated, moved between stages)."""
    svc = service(request)
    if svc.settings.amocrm is None:
        raise problem(404, "not-configured", "this server takes no amoCRM webhooks",
                      "/hooks/amocrm", hint="configure [serve.amocrm]")
    data = _form(await request.body())
    try:
        events = amocrm.events(data, secret, svc.settings.amocrm)
    except Refused as exc:
        raise ApiError(403, [exc.diagnostic]) from None
    return await _store(svc, events)


@router.post("/hooks/bitrix24", openapi_extra=FORM, responses=answers(None, *HOOK_ERRORS))
async def bitrix24_hook(request: Request) -> Response:
    """Bitrix24's outbound webhook (ONCRMDEALADD, ONCRMDEALUPDATE)."""
    svc = service(request)
    if svc.settings.bitrix24 is None:
        raise problem(404, "not-configured", "this server takes no Bitrix24 webhooks",
                      "/hooks/bitrix24", hint="configure [serve.bitrix24]")
    data = _form(await request.body())
    try:
        events = bitrix24.events(data, svc.settings.bitrix24)
    except Refused as exc:
        raise ApiError(403, [exc.diagnostic]) from None
    return await _store(svc, events)


def _form(raw: bytes) -> dict[str, Any]:
    try:
        return parse_form(raw)
    except FormError as exc:
        raise problem(400, "bad-form", f"the body is not a webhook's form: {exc}", "request",
                      expected="application/x-www-form-urlencoded") from None


async def _store(svc: Service, events: list[NewEvent]) -> Response:
    """Store the events durably, then answer: the CRM is told 200 only once they are kept."""
    journal = svc.open_journal()
    ids = await run_in_threadpool(journal.hooks.add, events)
    for event in events:
        HOOKS_RECEIVED.labels(crm=event.crm).inc()
    if svc.worker is not None and ids:
        svc.worker.wake.set()
    return Response(versioned({"accepted": len(ids), "events": ids}), media_type=JSON)


@router.get("/v1/hooks/failed", dependencies=[Depends(authorised)],
            responses=answers(None, 401, 404, 503))
def get_failed(request: Request, limit: int = Query(100, ge=1, le=1000)) -> Response:
    """Events that failed: waiting to be tried again (``pending`` with an error) or given up
    (``failed``), newest first, each with its attempts and last error."""
    events = service(request).open_journal().hooks.failed(limit)
    return Response(versioned({"records": [e.as_dict() for e in events]}), media_type=JSON)


@router.post("/v1/hooks/{event_id}/retry", dependencies=[Depends(authorised)],
             responses=answers(None, 401, 404, 503))
def post_retry(request: Request, event_id: int = EVENT) -> Response:
    """Try a given-up event again from its first attempt."""
    svc = service(request)
    if not svc.open_journal().hooks.requeue([event_id]):
        raise problem(404, "unknown-event", f"no given-up webhook event {event_id}",
                      "/v1/hooks", expected="an id listed by GET /v1/hooks/failed")
    if svc.worker is not None:
        svc.worker.wake.set()
    return Response(versioned({"requeued": [event_id]}), media_type=JSON)
