"""What every request passes through first: a request id, the body's size bound, the metrics
and one structured log line.

- The request id is the caller's ``X-Request-ID`` when it is a short plain token, else a new one;
  it is sent back in ``X-Request-ID`` and written in every log line of the request.
- A body larger than ``max_body_bytes`` is refused with 413 (by its Content-Length before it is
  read, or as soon as the bytes read pass the bound).
- The log is one JSON object per line on standard error. Secrets never reach it: the query
  string is not logged, the amoCRM secret in a webhook's path is written as ``***``, and
  headers (Authorization) and bodies (Bitrix24's application token) are never logged.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from engine.errors import Diagnostic, Location
from engine.render.json import errors
from engine.serve.metrics import LATENCY, REQUESTS
from engine.serve.problems import logged_path, problem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

access = logging.getLogger("playbook.serve.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
class Edge:
    def __init__(self, app: App, max_body_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope["playbook.request_id"] = rid
        started = time.perf_counter()
        status = [500]

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", rid.encode())]
            await send(message)

        try:
            if self._too_long(headers):
                await self._refuse(scope, answer)
            else:
                await self.app(scope, self._bounded(receive), answer)
        finally:
            self._account(scope, status[0], time.perf_counter() - started, rid)

    def _too_long(self, headers: dict[bytes, bytes]) -> bool:
        length = headers.get(b"content-length", b"")
        return length.isdigit() and int(length) > self.max_body

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = errors([_too_large(self.max_body, scope)]).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def _bounded(self, receive: Receive) -> Receive:
        seen = [0]

        async def bounded() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > self.max_body:
                    raise problem(413, "too-large", f"the body is larger than "
                                  f"{self.max_body} bytes", "request",
                                  expected=f"at most {self.max_body} bytes")
            return message

        return bounded

    def _account(self, scope: Scope, status: int, seconds: float, rid: str) -> None:
        route = scope.get("route")
        name = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "")
        REQUESTS.labels(method=method, route=name, status=str(status)).inc()
        LATENCY.labels(method=method, route=name).observe(seconds)
        client = scope.get("client") or ("", 0)
        access.info("request", extra={"request_id": rid, "method": method,
                                      "path": logged_path(scope.get("path", "")),
                                      "route": name, "status": status,
                                      "ms": round(seconds * 1000, 2), "peer": client[0]})


def _too_large(limit: int, scope: Scope) -> Diagnostic:
    return Diagnostic("too-large", f"the body is larger than {limit} bytes",
                      Location(logged_path(scope.get("path", ""))),
                      expected=f"at most {limit} bytes")


class JsonLogFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message and the fields given."""

    _PLAIN = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
        "message", "asctime", "taskName"}

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()}
        data.update({k: v for k, v in record.__dict__.items() if k not in self._PLAIN})
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    """Structured logs of the service (and uvicorn's own) on standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    for name in ("playbook", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(level.upper())
