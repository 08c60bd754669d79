"""The pages' fixtures: a demo journal, the app in process (httpx), and one headless chromium
for the whole session (Debian's, driven by Playwright; skipped with a reason when it is not
installed, except in CI, where .ci/run installs it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import engine
from engine import journal
from engine.web import Desk, pages_app
from tests.web import demo


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return demo.record(tmp_path / "journal.db")


@pytest.fixture
def client_at(journal_path: Path) -> Iterator[Any]:
    """A function: an httpx client of the app as seen from an address."""
    opened = journal.open(journal_path)
    desk = Desk(lambda: opened, engine.default_kb, today=lambda: demo.AS_OF)  # as a service
    app = pages_app(demo.settings(), desk)  # that opens them when it starts gives them
    clients: list[TestClient] = []

    def make(host: str = "127.0.0.1") -> TestClient:
        found = TestClient(app, base_url="http://pages.test", client=(host, 50000),
                           follow_redirects=False)
        clients.append(found)
        return found

    yield make
    for c in clients:
        c.close()
    opened.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not demo.CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        found = play.chromium.launch(executable_path=str(demo.CHROMIUM),
                                     args=demo.CHROMIUM_ARGS)
        yield found
        found.close()
