"""A small agency for the pages' tests and screenshots: two account managers and their head,
six clients (one named like an HTML attack), one run recorded in a SQLite journal, and the
pages served by a real uvicorn on loopback."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from argon2 import PasswordHasher

import engine
from engine import journal
from engine.web import Desk, WebSettings, pages_app, settings_from

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 10, 15)
ANNA, BORIS = "Анна Смирнова", "Boris Kuznetsov"
EVIL = "<img src=x onerror=alert(1)>"
PASSWORDS = {"anna": "anna-password", "boris": "boris-password", "olga": "olga-password"}


def _example(file: str, **changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = yaml.safe_load((ROOT / "examples" / file).read_text("utf-8"))
    facts.update(changes)
    return facts


def clients() -> list[dict[str, Any]]:
    crm = "https://agency.example/crm/deal/{}"
    return [
        _example("lead_gen_kpi_off.yaml", owner=ANNA, crm_url=crm.format(101)),
        _example("seasonal_store.yaml", owner=ANNA, crm_url=crm.format(102)),
        _example("lead_gen_kpi_off.yaml", id="evil", name=EVIL, owner=ANNA, nps=3,
                 nps_surveyed_on="2026-10-01", industry="<b>bold</b> & co",
                 crm_url="javascript:alert(3)"),
        _example("passive_key_client.yaml", owner=BORIS, crm_url=crm.format(201)),
        _example("monobrand_brand.yaml", owner=BORIS),
        _example("web_development_portal.yaml", owner=BORIS, nps=5,
                 nps_surveyed_on="2026-09-01"),
    ]


def record(path: Path) -> Path:
    """A journal at ``path`` with one run of the demo clients, as of AS_OF."""
    kb = engine.default_kb()
    portfolio = clients()
    with journal.open(path) as j:
        j.record(((c, engine.recommend(c, kb=kb, as_of=AS_OF)) for c in portfolio),
                 as_of=AS_OF, kb_version=kb.version,
                 input_digest=journal.input_digest(portfolio), policy=kb.journal)
    return path


def settings() -> WebSettings:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)  # fast for tests; real ones: defaults
    users = {
        "anna": {"password": hasher.hash(PASSWORDS["anna"]), "name": "Anna", "owner": ANNA},
        "boris": {"password": hasher.hash(PASSWORDS["boris"]), "owner": BORIS},
        "olga": {"password": hasher.hash(PASSWORDS["olga"]), "name": "Olga", "role": "head"},
    }
    return settings_from({"secret_key": "s" * 40, "users": users,
                          "proxy": {"addresses": ["127.0.0.2"]}}, "demo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(path: Path, today: dt.date = AS_OF) -> Iterator[str]:
    """The pages over a journal, served by uvicorn on loopback, as on the day ``today``;
    yields the base URL."""
    with journal.open(path) as j:
        app = pages_app(settings(), Desk(j, engine.default_kb(), today=lambda: today))
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)


CHROMIUM = Path("/usr/bin/chromium")  # Debian's (apt-get install chromium); never a download
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def sign_in(page: Any, base: str, login: str) -> None:
    """Sign in through the form, as a person does (``page``: a Playwright page)."""
    page.goto(f"{base}/signin")
    page.locator("input[name=user]").fill(login)
    page.locator("input[name=password]").fill(PASSWORDS[login])
    with page.expect_navigation():
        page.locator("form.signin button").click()


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/signout'] button").click()
