"""Errors over HTTP: the product's own error document (``playbook schema errors``), never the
framework's default shape. A refused request, a bad parameter, a client with wrong facts, a
route that does not exist and an internal error all answer with it."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from engine.errors import Diagnostic, DiagnosticsError, Location
from engine.render.json import errors

JSON = "application/json"
log = logging.getLogger("playbook.serve")


class ApiError(Exception):
    """A request answered with the error document and an HTTP status."""

    def __init__(self, status: int, problems: Sequence[Diagnostic],
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(problems[0].message if problems else str(status))
        self.status = status
        self.problems = list(problems)
        self.headers = headers or {}


_SECRET_PATH = re.compile(r"^(/hooks/amocrm/)[^/]+")


def logged_path(path: str) -> str:
    """A request's path as it may be logged or echoed: the webhook's secret hidden."""
    return _SECRET_PATH.sub(r"\1***", path)


def problem(status: int, code: str, message: str, where: str, expected: str | None = None,
            hint: str | None = None, headers: dict[str, str] | None = None,
            field: str | None = None) -> ApiError:
    return ApiError(status, [Diagnostic(code, message, Location(where), expected, hint,
                                        field=field)], headers)


def error_response(status: int, problems: Sequence[Diagnostic],
                   headers: dict[str, str] | None = None) -> Response:
    return Response(errors(problems), status_code=status, media_type=JSON, headers=headers)


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.problems, exc.headers)


_NOT_FOUND = frozenset({"unknown-advice", "unknown-client", "unknown-owner", "unknown-run"})


async def _diagnostics(_: Request, exc: Exception) -> Response:
    """The engine's own errors (the journal's): 404 for what does not exist, else 400."""
    assert isinstance(exc, DiagnosticsError)
    missing = exc.diagnostics and all(d.code in _NOT_FOUND for d in exc.diagnostics)
    return error_response(404 if missing else 400, exc.diagnostics)


async def _validation(_: Request, exc: Exception) -> Response:
    """FastAPI's own checks of parameters and bodies, in the product's words: the parameter or
    body field in ``field``, what it should be in ``expected``."""
    assert isinstance(exc, RequestValidationError)
    found = []
    for err in exc.errors():
        loc = tuple(str(p) for p in err.get("loc", ()))
        where = ".".join(loc)
        field = ".".join(loc[1:]) or None  # the place (query, path, body) goes in the location
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        found.append(Diagnostic("bad-parameter", f"{where}: {message}",
                                Location(where or "request"), _expected(err), field=field))
    return error_response(400, found or [Diagnostic("bad-parameter", "invalid request",
                                                    Location("request"))])


def _expected(err: Any) -> str | None:
    """What pydantic says it expected, when it says it (a choice, a bound, a type)."""
    context = err.get("ctx") or {}
    if "expected" in context:
        return str(context["expected"])
    for bound, words in (("ge", "at least"), ("gt", "more than"), ("le", "at most"),
                         ("lt", "less than"), ("max_length", "at most"),
                         ("min_length", "at least")):
        if bound in context:
            unit = " characters" if "length" in bound and err.get("type", "").startswith(
                "string") else (" items" if "length" in bound else "")
            return f"{words} {context[bound]}{unit}"
    kind = str(err.get("type", ""))
    return {"missing": "a value", "date_from_datetime_parsing": "a day, YYYY-MM-DD",
            "date_parsing": "a day, YYYY-MM-DD", "date_from_datetime_inexact": "a day, "
            "YYYY-MM-DD", "int_parsing": "a whole number", "bool_parsing": "true or false",
            "extra_forbidden": "no such field", "json_invalid": "a JSON document",
            "model_attributes_type": "a JSON object", "dict_type": "a JSON object",
            "string_type": "a text"}.get(kind)


_HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    message = {404: "no such route", 405: f"{request.method} is not allowed here"}.get(
        exc.status_code, str(exc.detail))
    headers = dict(exc.headers or {})
    where = Location(logged_path(request.url.path))
    return error_response(exc.status_code, [Diagnostic(code, message, where)], headers)


async def _internal(request: Request, exc: Exception) -> Response:
    log.error("internal error", exc_info=exc,
              extra={"request_id": request.scope.get("playbook.request_id")})
    return error_response(500, [Diagnostic(
        "internal-error", "the server failed to answer this request: it is logged with the "
        "request id", Location(logged_path(request.url.path)))])


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(DiagnosticsError, _diagnostics)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _internal)
