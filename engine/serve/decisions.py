"""Decisions over HTTP: health, the knowledge base, one client, a batch of clients.

``POST /v1/recommend`` answers exactly what ``playbook dry-run --format json`` prints for a file
holding that client: the body is read by the same JSON reader (so mistakes are located by line
and column in the body), checked by the same client check and written by the same reporter.
``POST /v1/recommend/record`` takes a CRM record (column -> cell) instead, mapped by the server's
mapping file as one row of ``playbook run --map`` is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from engine.api import recommend
from engine.errors import ClientError, Diagnostic
from engine.kb.files import shown_path
from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.source import parse_as
from engine.language.document import Document, PathKey
from engine.render import reporter
from engine.render.groups import ALL
from engine.render.json import diagnostics, item, versioned
from engine.runtime.clients import coerce
from engine.serve.openapi import answers, body
from engine.serve.problems import JSON, ApiError, problem
from engine.serve.security import authorised
from engine.serve.service import Service
from engine.tools.contract import json_header
from engine.vocabulary import Language

BODY = "request"  # where a mistake in the body is located: request:LINE:COL
Input = Literal["client", "record"]
router = APIRouter(prefix="/v1")
AS_OF = Query(None, description="the day to recommend for, YYYY-MM-DD (default: today)")
LANG = Query("en", description="the language of titles and reasons")


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


@router.get("/health", responses={200: {"description": "ready"},
                                  503: {"description": "loading, or failed to start"}})
async def health(request: Request) -> Response:
    """Ready (200) once the knowledge base is loaded; 503 while it loads or if it failed."""
    svc = service(request)
    if svc.kb is not None:
        return _json({**json_header(), "status": "ready", "kb_version": svc.kb.version})
    status = "failed" if svc.problems else "loading"
    return _json({**json_header(), "status": status, "errors": diagnostics(svc.problems)}, 503)


@router.get("/kb", dependencies=[Depends(authorised)], responses=answers(None, 401, 503))
async def knowledge_base(request: Request) -> Response:
    """What the server's knowledge base holds."""
    kb = service(request).knowledge()
    return _json({**json_header(), "kb_version": kb.version, "path": shown_path(kb.root),
                  "project_types": sorted(kb.journeys), "services": sorted(kb.services),
                  "rules": len(kb.rules), "journey_steps": len(kb.index.all_steps),
                  "playbook_entries": len(kb.playbook),
                  "facts": sorted(f for f in kb.facts if f.startswith("facts."))})


@router.post("/recommend", dependencies=[Depends(authorised)],
             openapi_extra=body("Client", "one client's facts"),
             responses=answers("RecommendationDocument", 400, 401, 413, 422, 503))
async def recommend_one(request: Request, as_of: dt.date | None = AS_OF,
                        lang: Language = LANG) -> Response:
    """One client: the document of ``playbook dry-run --format json`` for it."""
    raw = await request.body()
    text = await run_in_threadpool(_one, service(request), raw, as_of, lang, "client")
    return Response(text, media_type=JSON)


@router.post("/recommend/record", dependencies=[Depends(authorised)],
             openapi_extra=body("CrmRecord", "one CRM record"),
             responses=answers("RecommendationDocument", 400, 401, 413, 422, 503))
async def recommend_record(request: Request, as_of: dt.date | None = AS_OF,
                           lang: Language = LANG) -> Response:
    """One CRM record (column -> cell, as a row of ``playbook run``'s input), mapped by the
    server's mapping file: the document of ``playbook dry-run --format json`` for it."""
    raw = await request.body()
    text = await run_in_threadpool(_one, service(request), raw, as_of, lang, "record")
    return Response(text, media_type=JSON)


@router.post("/recommend/batch", dependencies=[Depends(authorised)],
             openapi_extra=body("Client", "a list of clients", many=True),
             responses=answers("BatchDocument", 400, 401, 413, 503))
async def recommend_batch(request: Request, as_of: dt.date | None = AS_OF,
                          lang: Language = LANG) -> Response:
    """Many clients, each answered in its place: its recommendation, or its errors."""
    raw = await request.body()
    text = await run_in_threadpool(_batch, service(request), raw, as_of, lang)
    return Response(text, media_type=JSON)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(versioned(data), status_code=status, media_type=JSON)


def read_body(raw: bytes) -> Document:
    """The body as JSON, read like a client file (bounded, every key located)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise problem(400, "not-utf8", "the body is not UTF-8 text", BODY,
                      expected="a JSON document in UTF-8") from None
    doc, problems = parse_as(text, BODY, ".json")
    if problems:
        raise ApiError(400, problems)
    return doc


def _client(svc: Service, kb: KnowledgeBase, doc: Document, key: PathKey, data: Any,
            source: Input) -> Any:
    if source == "record" and isinstance(data, dict):
        mapped = svc.cells("record").client(data.items())
        return coerce(mapped, kb, Document(doc.path, mapped))
    return coerce(data, kb, doc, key)


def _one(svc: Service, raw: bytes, as_of: dt.date | None, lang: Language,
         source: Input) -> str:
    kb = svc.knowledge()
    doc = read_body(raw)
    if not isinstance(doc.data, dict):
        raise ApiError(400, [Diagnostic(
            "bad-client", "expected one client: a JSON object of its facts", doc.loc(()),
            hint="POST a list of clients to /v1/recommend/batch")])
    try:
        client = _client(svc, kb, doc, (), doc.data, source)
    except ClientError as exc:
        raise ApiError(422, exc.diagnostics) from None
    rec = recommend(client, kb=kb, as_of=as_of, lang=lang)
    return reporter("json").recommendations([(rec, client.name)], kb, lang).out


def _batch(svc: Service, raw: bytes, as_of: dt.date | None, lang: Language) -> str:
    kb = svc.knowledge()
    doc = read_body(raw)
    if not isinstance(doc.data, list):
        raise ApiError(400, [Diagnostic("bad-batch", "expected a JSON array of clients",
                                        doc.loc(()))])
    limit = svc.settings.max_batch
    if len(doc.data) > limit:
        raise problem(413, "batch-too-long", f"the batch has {len(doc.data)} clients, more "
                      f"than {limit}", BODY, expected=f"at most {limit} clients per request")
    results: list[dict[str, Any]] = []
    for i, data in enumerate(doc.data):
        written = data.get("id") if isinstance(data, dict) else None
        try:
            client = coerce(data, kb, doc, (i,))
        except ClientError as exc:
            results.append({"index": i, "client_id": written if isinstance(written, str)
                            else None, "recommendation": None,
                            "errors": diagnostics(exc.diagnostics)})
            continue
        rec = recommend(client, kb=kb, as_of=as_of, lang=lang)
        results.append({"index": i, "client_id": rec.client_id,
                        "recommendation": item(rec, kb, ALL, None), "errors": []})
    return versioned({"results": results})

