"""The application: ``create_app(settings)`` builds the ASGI app of one server process.

uvicorn runs it as ``engine.serve.app:from_environment`` (a factory), once per worker process,
with the settings ``playbook serve`` put in ``PLAYBOOK_SERVE_SETTINGS``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from engine.errors import Diagnostic, Location
from engine.serve import decisions, hooks_api, journal_api, openapi, problems
from engine.serve.edge import Edge, configure_logging
from engine.serve.metrics import CONTENT_TYPE, exposition
from engine.serve.security import authorised
from engine.serve.service import Service
from engine.serve.settings import Settings
from engine.version import __version__

DESCRIPTION = ("The playbook engine as an HTTP service: decisions as the dry run's JSON, the "
               "run journal, and amoCRM and Bitrix24 webhooks that keep the journal current. "
               "Errors are the error document of `playbook schema errors`.")


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    """The app; ``service``: one already started (``playbook serve`` with one worker starts it
    before it listens, so a mistake is reported before anything is served)."""
    svc = service or Service(settings or Settings())
    app = FastAPI(title="playbook-engine", version=__version__, description=DESCRIPTION,
                  lifespan=_lifespan(svc), docs_url=None, redoc_url=None,
                  openapi_url="/v1/openapi.json")
    app.state.service = svc
    problems.install(app)
    for router in (decisions.router, journal_api.router, hooks_api.router):
        app.include_router(router)
    app.add_api_route("/v1/metrics", _metrics, methods=["GET"],
                      dependencies=[Depends(authorised)], response_class=Response,
                      responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}},
                                       "description": "Prometheus' text format"}})
    if svc.settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=svc.settings.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "X-Request-ID"])
    routes = [r for router in (decisions.router, journal_api.router, hooks_api.router)
              for r in router.routes]
    app.mount("/", Pages(svc, [*routes, *app.router.routes]))
    app.add_middleware(Edge, max_body_bytes=svc.settings.max_body_bytes)
    _openapi(app, svc)
    return app


class Pages:
    """Everything that is no route of the service goes to the pages (engine/web), when the
    config has a [web] table; without them, and for /v1 and /hooks, it is not found (or, for
    a route of the service asked with another method, not allowed)."""

    def __init__(self, svc: Service, routes: list[BaseRoute]) -> None:
        self.svc = svc
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        pages = self.svc.pages
        if scope["type"] == "http" and (pages is None or path.startswith(("/v1/", "/hooks/"))):
            allowed = self._allowed(scope)
            status, code = (405, "method-not-allowed") if allowed else (404, "not-found")
            message = f"{scope['method']} is not allowed here" if allowed else "no such route"
            answer = problems.error_response(status, [Diagnostic(
                code, message, Location(problems.logged_path(path)))],
                {"Allow": ", ".join(allowed)} if allowed else None)
            await answer(scope, receive, send)
        elif pages is not None:
            await pages(scope, receive, send)

    def _allowed(self, scope: Scope) -> list[str]:
        """The methods of the service's route at this path, if one is there."""
        found: set[str] = set()
        for route in self.routes:
            if isinstance(route, APIRoute) and route.matches(scope)[0] == Match.PARTIAL:
                found |= route.methods or set()
        return sorted(found)


def _lifespan(svc: Service) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        """The server takes requests once the knowledge base is loaded: a worker that uvicorn
        restarts (SIGHUP) is brought into service only then, and one that cannot load it
        never is (the old one keeps serving)."""
        if svc.kb is None:
            await run_in_threadpool(svc.start)
        if svc.problems:
            raise RuntimeError("cannot start: " + "; ".join(d.render() for d in svc.problems))
        try:
            yield
        finally:
            await run_in_threadpool(svc.stop)

    return lifespan


def _openapi(app: FastAPI, svc: Service) -> None:
    made: dict[str, Any] = {}

    def document() -> dict[str, Any]:
        if "doc" not in made or (made["kb"] is None and svc.kb is not None):
            made.update(doc=openapi.document(app, svc.kb), kb=svc.kb)
        found: dict[str, Any] = made["doc"]
        return found

    app.openapi = document  # type: ignore[method-assign]


async def _metrics(request: Request) -> Response:
    """Requests, latencies, webhook events; the queue's depth from the journal."""
    svc: Service = request.app.state.service
    queue = await run_in_threadpool(svc.journal.hooks.counts) if svc.journal else None
    return Response(exposition(queue), media_type=CONTENT_TYPE)


def from_environment() -> FastAPI:
    """The app of a uvicorn worker process: settings from ``PLAYBOOK_SERVE_SETTINGS``."""
    settings = Settings.from_environment()
    configure_logging(settings.log_level)
    return create_app(settings)
