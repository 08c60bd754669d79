"""Who may sign in to the pages, and how: the ``[web]`` table of ``playbook.toml``.

    [web]
    secret_key = "..."            # signs the session cookies; or PLAYBOOK_WEB_SECRET
    https_only = true             # cookies only over HTTPS (behind a TLS-terminating proxy)

    [web.proxy]                   # sign-in by the agency's reverse proxy
    header = "X-Forwarded-User"   # the header naming the signed-in user
    addresses = ["127.0.0.1", "10.0.0.0/8"]   # the proxy's addresses: trusted from these only

    [web.users.anna]              # sign-in with a password (and the role of proxy users)
    password = "$argon2id$v=19$m=65536,t=3,p=4$..."
    name = "Anna Smirnova"        # shown at the top of each page (default: the user name)
    owner = "Анна Смирнова"       # the owner's name in the CRM data (default: the user name)
    role = "manager"              # or "head": sees every owner's day and the team
    lang = "ru"                   # default: the browser's Accept-Language
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from engine.errors import Diagnostic, DiagnosticsError, Location
from engine.model_base import Model
from engine.vocabulary import Language

SECRET_ENV = "PLAYBOOK_WEB_SECRET"
HASH_PREFIX = "$argon2"


class User(Model):
    password: str | None = None  # an argon2 hash; none: the user signs in only by the proxy
    name: str | None = None
    owner: str | None = None
    role: Literal["manager", "head"] = "manager"
    lang: Language | None = None

    @field_validator("password")
    @classmethod
    def _hashed(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(HASH_PREFIX):
            raise ValueError("a password is stored as an argon2 hash ('$argon2id$...'), never "
                             "as itself")
        return value


class Proxy(Model):
    header: Annotated[str, Field(min_length=1)] = "X-Forwarded-User"
    addresses: Annotated[list[str], Field(min_length=1)]

    @field_validator("addresses")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for address in value:
            ipaddress.ip_network(address, strict=False)  # a ValueError names the bad one
        return value

    def trusts(self, host: str | None) -> bool:
        """Whether a request from ``host`` (the peer's address) came through the proxy."""
        try:
            peer = ipaddress.ip_address(host or "")
        except ValueError:
            return False
        return any(peer in ipaddress.ip_network(a, strict=False) for a in self.addresses)


class WebSettings(Model):
    secret_key: Annotated[str, Field(min_length=32)]
    users: dict[str, User] = Field(default_factory=dict)
    proxy: Proxy | None = None
    https_only: Annotated[bool, Field(strict=True)] = False
    session_hours: Annotated[int, Field(strict=True, ge=1, le=24 * 30)] = 12


def settings_from(data: Mapping[str, Any], where: str) -> WebSettings:
    """The ``[web]`` table validated; the secret may come from ``PLAYBOOK_WEB_SECRET``."""
    table = dict(data)
    if "secret_key" not in table and os.environ.get(SECRET_ENV):
        table["secret_key"] = os.environ[SECRET_ENV]
    try:
        return WebSettings.model_validate(table)
    except ValidationError as exc:
        raise DiagnosticsError(_diagnostic(err, where) for err in exc.errors(
            include_url=False)) from None


def _diagnostic(err: Any, where: str) -> Diagnostic:
    key = ".".join(str(part) for part in ("web", *err["loc"]))
    message = str(err["msg"]).removeprefix("Value error, ")
    expected = f"at least 32 characters, or {SECRET_ENV} set" \
        if err["loc"] == ("secret_key",) else None
    return Diagnostic("bad-config", f"{key}: {message}", Location(where), expected)


def load_settings(path: str | Path) -> WebSettings:
    """The ``[web]`` table of a TOML file (``playbook.toml``)."""
    where = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise DiagnosticsError([Diagnostic("bad-config", f"cannot read it: {exc.strerror}",
                                           Location(where))]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DiagnosticsError([Diagnostic("bad-config", f"not TOML: {exc}",
                                           Location(where))]) from None
    return settings_from(data.get("web", {}), where)
