"""Who is signed in: a trusted header set by the agency's reverse proxy (only from its
configured addresses), or a user of the config with an argon2-hashed password; and the CSRF
token each session's forms carry."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.web.settings import WebSettings

HASHER = PasswordHasher()


@dataclass(frozen=True)
class Person:
    login: str
    name: str  # shown at the top of each page
    owner: str  # the owner's name in the clients' data: whose day is theirs
    head: bool  # sees every owner's day and the team
    lang: str | None
    by_proxy: bool  # signed in by the reverse proxy (no sign-out here)


def person(settings: WebSettings, login: str, by_proxy: bool) -> Person:
    """The person a login names; a proxy's user missing from the config is a manager whose
    owner name is the login."""
    user = settings.users.get(login)
    if user is None:
        return Person(login, login, login, False, None, by_proxy)
    return Person(login, user.name or login, user.owner or login, user.role == "head",
                  user.lang, by_proxy)


@functools.cache
def _stand_in() -> str:
    """A hash to check a password against when the user is unknown, so an unknown user costs
    as much time as a wrong password and the answer's delay names no user."""
    return HASHER.hash(secrets.token_urlsafe(16))


def by_password(settings: WebSettings, login: str, password: str) -> Person | None:
    user = settings.users.get(login)
    hashed = user.password if user is not None else None
    try:
        HASHER.verify(hashed or _stand_in(), password)
    except (VerificationError, InvalidHashError):
        return None
    return person(settings, login, by_proxy=False) if hashed else None


def by_proxy(settings: WebSettings, host: str | None,
             headers: Mapping[str, str]) -> Person | None:
    """The user the proxy's header names, when the request came from the proxy's address."""
    proxy = settings.proxy
    if proxy is None or not proxy.trusts(host):
        return None
    login = headers.get(proxy.header, "").strip()
    return person(settings, login, by_proxy=True) if login else None


def signed_in(settings: WebSettings, session: Mapping[str, Any], host: str | None,
              headers: Mapping[str, str]) -> Person | None:
    found = by_proxy(settings, host, headers)
    if found is not None:
        return found
    login = session.get("user")
    if isinstance(login, str) and login in settings.users:
        return person(settings, login, by_proxy=False)
    return None


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's token, made on first use; every form posts it back."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: Mapping[str, Any], sent: object) -> bool:
    token = session.get("csrf")
    return isinstance(token, str) and isinstance(sent, str) and \
        secrets.compare_digest(token.encode(), sent.encode())
