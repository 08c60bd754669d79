"""What ``playbook serve`` runs with, read by the one settings reader (``engine.config``): the
settings file (``playbook.toml`` found from the current folder upward, or ``--config FILE``),
its shared settings (journal, map, lang, crm_url) and its ``[serve]`` table, then ``PLAYBOOK_*``
environment variables, then the command's flags. ``playbook config`` shows each one and where
it came from, secrets masked.

    journal = "journal.db"                 # or postgresql://...; PLAYBOOK_JOURNAL
    crm_url = "https://agency.bitrix24.ru/crm/deal/details/{crm_id}/"

    [serve]
    host = "127.0.0.1"                     # PLAYBOOK_SERVE_HOST (and _PORT, _WORKERS, ...)
    tokens = ["a-long-random-token",       # or PLAYBOOK_API_TOKENS="t1,t2"
              {token = "another-long-token", user = "Анна Смирнова"}]  # acts as Anna
    max_body_bytes = 1048576
    max_batch = 1000
    cors_origins = []                      # CORS is off unless origins are named

    [serve.amocrm]                         # POST /hooks/amocrm/{secret}
    secret = "..."                         # PLAYBOOK_AMOCRM_SECRET
    account_id = "29512345"
    url = "https://agency.amocrm.ru"
    token = "..."                          # a long-lived token; PLAYBOOK_AMOCRM_TOKEN
    map = "amocrm-map.yaml"

    [serve.bitrix24]                       # POST /hooks/bitrix24
    application_token = "..."              # PLAYBOOK_BITRIX24_APPLICATION_TOKEN
    url = "https://agency.bitrix24.ru/rest/1"
    token = "..."                          # the inbound webhook's code; PLAYBOOK_BITRIX24_TOKEN
    map = "bitrix24-map.yaml"

The settings travel to uvicorn's worker processes as JSON in ``PLAYBOOK_SERVE_SETTINGS``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError

from engine.config import Config
from engine.errors import Diagnostic, DiagnosticsError, Location, shown
from engine.matchers import NAMES
from engine.model_base import Model
from engine.vocabulary import Language

ENVIRONMENT = "PLAYBOOK_SERVE_SETTINGS"
SECRET_KEYS = frozenset({"tokens", "secret", "token", "application_token"})
Secret = Annotated[str, Field(min_length=8, max_length=512)]


class AmoCRM(Model):
    """amoCRM (Kommo): its webhook posts to /hooks/amocrm/{secret}; the full lead is read from
    ``{url}/api/v4/leads/{id}?with=contacts`` with a long-lived token."""

    secret: Secret = Field(description="the secret in the webhook's URL")
    account_id: str | None = Field(default=None, description="the account id the webhook "
                                   "must name (account[id]); any when not set")
    url: str | None = Field(default=None, description="the account's address, "
                            "https://SUBDOMAIN.amocrm.ru (or .kommo.com)")
    token: str | None = Field(default=None, description="a long-lived access token of the "
                              "integration: without it leads are mapped from the webhook's "
                              "own fields")
    map: str | None = Field(default=None, description="the mapping file (as `playbook run "
                            "--map`): custom fields are columns named by their id")


class Bitrix24(Model):
    """Bitrix24: its outbound webhook posts to /hooks/bitrix24; the deal is read with
    ``crm.deal.get`` through an inbound webhook (``{url}/{token}/crm.deal.get.json``)."""

    application_token: Secret = Field(description="auth[application_token] of the outbound "
                                      "webhook")
    member_id: str | None = Field(default=None, description="auth[member_id] the event must "
                                  "name; any when not set")
    url: str | None = Field(default=None, description="the portal's REST address, "
                            "https://PORTAL.bitrix24.ru/rest/USER_ID")
    token: str | None = Field(default=None, description="the inbound webhook's code")
    map: str | None = Field(default=None, description="the mapping file (as `playbook run "
                            "--map`): columns are the deal's fields (TITLE, UF_CRM_...)")


class ApiToken(Model):
    """An API token given to one person: what they do through it (done, dismiss, snooze) is
    recorded as theirs."""

    token: Secret
    user: str | None = Field(default=None, min_length=1, max_length=200,
                             description="who acts with this token (the journal's actor)")


class HookSettings(Model):
    """How the webhook worker claims, retries and gives up."""

    worker: bool = Field(default=True, description="run the worker in this server")
    lease_seconds: float = Field(default=120.0, gt=0, description="a claim lasts this long; "
                                 "a dead worker's events are claimed again after it")
    poll_seconds: float = Field(default=1.0, gt=0, description="how often an idle worker "
                                "looks for events other servers stored")
    max_attempts: int = Field(default=8, ge=1, description="attempts before an event is "
                              "given up (listed at /v1/hooks/failed)")
    backoff_seconds: float = Field(default=5.0, ge=0, description="the first retry's delay, "
                                   "doubled at each attempt")
    backoff_max_seconds: float = Field(default=3600.0, ge=0, description="the longest delay")
    timeout_seconds: float = Field(default=10.0, gt=0, description="a CRM request's timeout")


class Settings(Model):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    kb: str | None = Field(default=None, description="the knowledge base folder")
    matcher: str = "python"
    journal: str | None = Field(default=None, description="the run journal: a SQLite path "
                                "or a PostgreSQL URL; needed by the journal's endpoints and "
                                "the webhooks")
    map: str | None = Field(default=None, description="the mapping file (as `playbook run "
                            "--map`) of CRM records posted to /v1/recommend?input=record, and "
                            "of the CRMs that name none of their own")
    tokens: list[Secret | ApiToken] = Field(
        default=[], description="API tokens: Authorization: Bearer TOKEN on every /v1 request "
        "but /v1/health; a token given as {token, user} acts as that user")
    crm_url: str | None = Field(default=None, description="a client's CRM link in the journal's "
                                "views, {crm_id} standing for its CRM id")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)
    max_batch: int = Field(default=1000, ge=1, le=100_000)
    cors_origins: list[str] = Field(default=[], description="origins allowed by CORS; none: "
                                    "CORS is off")
    as_of: dt.date | None = Field(default=None, description="the day the webhooks' runs "
                                  "recommend for (default: today)")
    lang: Language = Field(default="en", description="the language of the webhooks' runs")
    log_level: str = "info"
    config: str | None = Field(default=None, description="the TOML file the settings were "
                               "read from: its [web] table, when it has one, configures the "
                               "pages the service mounts (docs/web.md)")
    amocrm: AmoCRM | None = None
    bitrix24: Bitrix24 | None = None
    hooks: HookSettings = HookSettings()

    def api_tokens(self) -> list[ApiToken]:
        return [t if isinstance(t, ApiToken) else ApiToken(token=t) for t in self.tokens]

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def to_environment(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        text = (environ or os.environ).get(ENVIRONMENT)
        return cls.model_validate_json(text) if text else cls()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_FROM_ENV = {  # variable -> (table, key): a secret need not be written in the file
    "PLAYBOOK_AMOCRM_SECRET": ("amocrm", "secret"),
    "PLAYBOOK_AMOCRM_TOKEN": ("amocrm", "token"),
    "PLAYBOOK_BITRIX24_APPLICATION_TOKEN": ("bitrix24", "application_token"),
    "PLAYBOOK_BITRIX24_TOKEN": ("bitrix24", "token"),
}
# PLAYBOOK_SERVE_HOST, ...: the server's own settings from the environment
_SERVE_ENV = ("host", "port", "workers", "kb", "max_body_bytes", "max_batch", "log_level")
SHARED = ("journal", "map", "lang", "crm_url")  # the settings every command reads (playbook.toml)


def env_name(key: str) -> str:
    return f"PLAYBOOK_SERVE_{key.upper()}"


def read_settings(config: Config, environ: Mapping[str, str],
                  flags: Mapping[str, Any]) -> Settings:
    """The server's settings: see ``effective``."""
    return effective(config, environ, flags)[0]


def effective(config: Config, environ: Mapping[str, str], flags: Mapping[str, Any]
              ) -> tuple[Settings, dict[str, str]]:
    """The settings and where each one given came from (``FILE:LINE``, a variable, a flag):
    the settings file's (``engine.config``: playbook.toml found from the current folder up,
    or ``--config FILE``) shared settings (journal, map, lang, crm_url: as every command reads
    them, PLAYBOOK_JOURNAL and the others over the file) and its ``[serve]`` table over them,
    then ``PLAYBOOK_*`` variables, then the flags given (None: not given). Every mistake at
    once, located in the file."""
    base = config.file.parent if config.file else Path.cwd()
    data = _relative(config.table("serve"), base)
    sources = {key: config.source("serve", *key.split(".")) for key in _keys(data)}
    for name in SHARED:
        setting = config.settings[name]
        from_env = setting.source.startswith("PLAYBOOK_")
        if setting.value is not None and (name not in data or from_env):
            data[name], sources[name] = setting.value, setting.source
    if config.file is not None:
        data["config"], sources["config"] = str(config.file), "the settings file"
    tokens = [t.strip() for t in environ.get("PLAYBOOK_API_TOKENS", "").split(",") if t.strip()]
    if tokens:
        data["tokens"] = [*data.get("tokens", []), *tokens]
        sources["tokens"] = " + ".join(filter(None, (sources.get("tokens"),
                                                     "PLAYBOOK_API_TOKENS")))
    for variable, (table_name, key) in _FROM_ENV.items():
        if environ.get(variable):
            table = data.setdefault(table_name, {})
            if isinstance(table, dict):
                table[key] = environ[variable]
                sources[f"{table_name}.{key}"] = variable
    for key in _SERVE_ENV:
        if environ.get(env_name(key)):
            data[key], sources[key] = environ[env_name(key)], env_name(key)
    for key, value in flags.items():
        if value is not None:
            data[key], sources[key] = value, "--" + key.replace("_", "-")
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise DiagnosticsError(_mistakes(exc, config, sources)) from None
    if settings.matcher not in NAMES:
        raise _error("bad-value", f"matcher: unknown matcher '{settings.matcher}'",
                     sources.get("matcher", "settings"), ", ".join(NAMES))
    return settings, sources


def _keys(table: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The dotted keys of a table and of its subtables."""
    found = []
    for key, value in table.items():
        if isinstance(value, dict) and key in ("amocrm", "bitrix24", "hooks"):
            found += _keys(value, f"{prefix}{key}.")
        else:
            found.append(prefix + key)
    return found


def _mistakes(exc: ValidationError, config: Config,
              sources: Mapping[str, str]) -> list[Diagnostic]:
    """One diagnostic per mistake, at the line of its key in the settings file when it is
    written there (else at the variable or flag it came from)."""
    found = []
    named: set[str] = set()
    for err in exc.errors(include_url=False):
        # the keys, without list indexes and the union's members (constrained-str, ApiToken)
        loc = tuple(str(p) for p in err["loc"] if not str(p).isdigit()
                    and p not in ("constrained-str", "str", "ApiToken"))
        name = ".".join(loc)
        if name in named:
            continue  # a value that is neither member of a union: said once
        named.add(name)
        source = sources.get(name) or sources.get(loc[0] if loc else "") or str(
            config.file or "settings")  # a key missing from a table: the file
        file, _, line = source.rpartition(":")
        where = Location(file, int(line), 1) if file and line.isdigit() else Location(source)
        message = str(err["msg"]).removeprefix("Value error, ")
        code = "unknown-key" if err["type"] == "extra_forbidden" else "bad-value"
        got = "***" if SECRET_KEYS & set(loc) else shown(err.get("input"))
        found.append(Diagnostic(code, f"{name}: {message}; got {got}"
                                if code == "bad-value" else f"unknown key '{name}'", where,
                                field=f"serve.{name}" if name else "serve"))
    return found


def _relative(table: dict[str, Any], base: Path) -> dict[str, Any]:
    """The [serve] table's paths (mapping files, a SQLite journal, the knowledge base) taken
    from the settings file's folder."""
    for part in (table, table.get("amocrm"), table.get("bitrix24")):
        if isinstance(part, dict) and isinstance(part.get("map"), str):
            part["map"] = str(base / part["map"])
    journal = table.get("journal")
    if isinstance(journal, str) and "://" not in journal:
        table["journal"] = str(base / journal)
    if isinstance(table.get("kb"), str):
        table["kb"] = str(base / table["kb"])
    return table


def _error(code: str, message: str, where: str, expected: str) -> DiagnosticsError:
    return DiagnosticsError([Diagnostic(code, message, Location(where), expected=expected)])


def settings_json(settings: Settings) -> dict[str, Any]:
    """The settings with every secret replaced by '***': what may be shown or logged."""
    data: dict[str, Any] = json.loads(settings.model_dump_json())
    data["tokens"] = [{"token": "***", "user": t.user} if isinstance(t, ApiToken) else "***"
                      for t in settings.tokens]
    for table, keys in (("amocrm", ("secret", "token")),
                        ("bitrix24", ("application_token", "token"))):
        if data.get(table):
            for key in keys:
                if data[table].get(key):
                    data[table][key] = "***"
    if settings.journal and "://" in settings.journal and "@" in settings.journal:
        data["journal"] = settings.journal.split("@")[-1]
    return data
