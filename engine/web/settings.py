"""Who may sign in to the pages, and how: the ``[web]`` table of ``playbook.toml`` (the one
settings file, read by ``engine.config``; ``playbook config`` shows it, secrets masked).

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
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from engine.config import Config, in_effect
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


def settings_from(data: Mapping[str, Any], where: str,
                  config: Config | None = None) -> WebSettings:
    """The ``[web]`` table validated; the secret may come from ``PLAYBOOK_WEB_SECRET``;
    ``config``: the settings file it was read from, to name the line of a mistake."""
    table = dict(data)
    if "secret_key" not in table and os.environ.get(SECRET_ENV):
        table["secret_key"] = os.environ[SECRET_ENV]
    try:
        return WebSettings.model_validate(table)
    except ValidationError as exc:
        raise DiagnosticsError(_diagnostic(err, where, config) for err in exc.errors(
            include_url=False)) from None


def _diagnostic(err: Any, where: str, config: Config | None) -> Diagnostic:
    loc = tuple(str(part) for part in err["loc"])
    key = ".".join(("web", *loc))
    message = str(err["msg"]).removeprefix("Value error, ")
    expected = f"at least 32 characters, or {SECRET_ENV} set" \
        if err["loc"] == ("secret_key",) else None
    line = config.line("web", *loc) if config is not None and loc else 0
    return Diagnostic("bad-config", f"{key}: {message}", Location(where, line, 1 if line else 0),
                      expected, field=key)


def load_settings(path: str | Path | None = None) -> WebSettings:
    """The ``[web]`` table of the settings file, read by the one settings reader
    (``engine.config``): ``path``, else playbook.toml found from the current folder upward."""
    config = in_effect(file=Path(path) if path is not None else None)
    return settings_from(config.table("web"), str(config.file or "playbook.toml"), config)


def settings_json(settings: WebSettings) -> dict[str, Any]:
    """The pages' settings with the secret key and password hashes replaced by '***'."""
    data: dict[str, Any] = settings.model_dump(mode="json")
    data["secret_key"] = "***"
    for user in data["users"].values():
        if user.get("password"):
            user["password"] = "***"
    return data
