"""API tokens: ``Authorization: Bearer TOKEN`` on every /v1 request but /v1/health and the
OpenAPI document, when the server has tokens (a server without tokens listens on loopback
only: ``playbook serve`` refuses another address). Secrets are compared in constant time."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from engine.serve.problems import problem

bearer = HTTPBearer(auto_error=False, description="an API token from the server's settings "
                    "(tokens, or PLAYBOOK_API_TOKENS)")


def same(given: str | None, expected: str) -> bool:
    """A constant-time comparison of a secret."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def authorised(request: Request, credentials: Credentials) -> None:
    """Refuse a request without one of the server's tokens; keep the user the token is given
    to (``request.state.user``: who acts)."""
    tokens = request.app.state.service.settings.api_tokens()
    if not tokens:
        return
    given = credentials.credentials if credentials is not None else None
    matches = [same(given, t.token) for t in tokens]  # every token compared, always
    if any(matches):
        request.state.user = tokens[matches.index(True)].user
    else:
        raise problem(401, "unauthorised", "this request needs one of the server's API tokens",
                      "request", expected="Authorization: Bearer TOKEN",
                      headers={"WWW-Authenticate": "Bearer"})
