"""Shared by the service's tests: the CRMs' webhook payloads in their real shapes, the settings of
a server wired to the stand-in CRM, a real ``playbook serve`` process on loopback, and waiting
for the webhook worker."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from engine.journal import Journal
from engine.serve.settings import AmoCRM, Bitrix24, HookSettings, Settings
from tests.serve.standin import AMO_TOKEN, BITRIX_CODE, StandIn

ROOT = Path(__file__).resolve().parents[2]
AMO_MAP = ROOT / "examples" / "crm" / "amocrm-map.yaml"
BITRIX_MAP = ROOT / "examples" / "crm" / "bitrix24-map.yaml"
AS_OF = dt.date(2026, 12, 8)
AMO_SECRET = "amo-hook-secret-7f3a9c"
AMO_ACCOUNT = "29512345"
BITRIX_TOKEN = "bx-app-token-4e8d21"
MEMBER = "a223c6b3710f85df22e9377d6c4f7553"
API_TOKEN = "api-token-5b8c0e1d"


def amocrm_form(leads: list[dict[str, Any]], action: str = "status",
                account: str = AMO_ACCOUNT) -> bytes:
    """What amoCRM posts: ``leads[ACTION][N][field]=...`` with custom fields by id, then the
    account; form-encoded, brackets escaped as the CRM sends them."""
    pairs: list[tuple[str, str]] = []
    for i, lead in enumerate(leads):
        at = f"leads[{action}][{i}]"
        pairs += [(f"{at}[{k}]", str(v)) for k, v in lead.items() if k != "custom_fields"]
        for j, (field_id, value) in enumerate(lead.get("custom_fields", {}).items()):
            pairs += [(f"{at}[custom_fields][{j}][id]", str(field_id)),
                      (f"{at}[custom_fields][{j}][name]", f"field {field_id}")]
            values = value if isinstance(value, list) else [value]
            pairs += [(f"{at}[custom_fields][{j}][values][{k}][value]", str(v))
                      for k, v in enumerate(values)]
    pairs += [("account[subdomain]", "agency"), ("account[id]", account)]
    return urlencode(pairs).encode()


def amocrm_lead(lead_id: int, modified: int, **fields: Any) -> dict[str, Any]:
    """A lead of amoCRM's webhook, as its ``leads[status][N]`` fields name it."""
    return {"id": lead_id, "name": fields.pop("name", f"Лидогенерация: клиент {lead_id}"),
            "status_id": 142, "old_status_id": 141, "price": 150000,
            "responsible_user_id": 7001, "last_modified": modified, "modified_user_id": 7001,
            "created_user_id": 7001, "date_create": 1750000000, "pipeline_id": 3300,
            "account_id": AMO_ACCOUNT, "custom_fields": fields.pop("custom_fields", {})}


def bitrix_form(deal_id: int | str, token: str = BITRIX_TOKEN,
                event: str = "ONCRMDEALUPDATE") -> bytes:
    """What Bitrix24's outbound webhook posts: only the deal's id, and the auth block."""
    return urlencode([
        ("event", event), ("event_handler_id", "17"), ("data[FIELDS][ID]", str(deal_id)),
        ("ts", "1765180800"), ("auth[domain]", "agency.bitrix24.ru"),
        ("auth[client_endpoint]", "https://agency.bitrix24.ru/rest/"),
        ("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
        ("auth[member_id]", MEMBER), ("auth[application_token]", token)]).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def hook_settings(crm: StandIn | None, journal: str, **hooks: Any) -> Settings:
    """A server taking both CRMs' webhooks, fetching from the stand-in (when given)."""
    quick = {"poll_seconds": 0.05, "backoff_seconds": 0.05, "backoff_max_seconds": 0.2,
             "lease_seconds": 5.0, **hooks}
    return Settings(
        journal=journal, as_of=AS_OF, hooks=HookSettings(**quick),
        amocrm=AmoCRM(secret=AMO_SECRET, account_id=AMO_ACCOUNT, map=str(AMO_MAP),
                      url=crm.amo_url if crm else None, token=AMO_TOKEN if crm else None),
        bitrix24=Bitrix24(application_token=BITRIX_TOKEN, member_id=MEMBER,
                          map=str(BITRIX_MAP), url=crm.bitrix_url if crm else None,
                          token=BITRIX_CODE if crm else None))


def settled(journal: Journal, timeout: float = 20.0, failed: int = 0) -> dict[str, int]:
    """Wait until no event waits for the worker (``failed``: how many may be given up)."""
    deadline = time.monotonic() + timeout
    while True:
        counts = journal.hooks.counts()
        if counts["pending"] == counts["claimed"] == 0 and counts["failed"] >= failed:
            return counts
        assert time.monotonic() < deadline, f"the worker did not finish: {counts}"
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A real ``playbook serve`` process on loopback; its log (standard error) in a file."""

    def __init__(self, config: Path, log: Path, *args: str,
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        exe = shutil.which("playbook", path=str(Path(sys.executable).parent))
        assert exe, "the playbook console script is installed with the package"
        with log.open("ab") as err:
            self.process = subprocess.Popen(
                [exe, "serve", "--config", str(config), "--port", str(self.port), *args],
                stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT,
                env={**os.environ, **(env or {})})

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(encoding="utf-8")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"the server did not start: {self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, nothing flushed."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def serving(config: Path, log: Path, *args: str, env: dict[str, str] | None = None
            ) -> Iterator[Server]:
    server = Server(config, log, *args, env=env)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def toml_config(path: Path, settings: Settings) -> Path:
    """Settings written as the [serve] table of a TOML file (what an operator writes)."""
    lines = ["[serve]"]
    data = settings.model_dump(mode="json", exclude_none=True)
    tables = {k: data.pop(k) for k in ("amocrm", "bitrix24", "hooks") if k in data}
    lines += [f"{k} = {_toml(v)}" for k, v in data.items()]
    for name, table in tables.items():
        lines.append(f"[serve.{name}]")
        lines += [f"{k} = {_toml(v)}" for k, v in table.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
