"""The morning digest's HTML as a mail client would show it: rendered by a real headless browser
(Debian's chromium, driven by Playwright; never `playwright install`) to a PNG, with no request
leaving the page. Skips, saying why, when chromium is not installed outside CI (in CI it fails).

    PLAYBOOK_DIGEST_PNG=digest.png python -m pytest tests/render/test_digest_png.py

keeps the picture to look at."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
from pathlib import Path
from typing import Any

import pytest

import engine
from engine import journal
from engine.render.digest import digest_html

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DAY = dt.date(2026, 12, 8)
CLIENTS: list[dict[str, Any]] = [
    {"id": "1156", "name": "ИП «Уют Эко»", "owner": "Иванова Анна", "project_type": "lead_gen",
     "completed_steps": ["qualification", "briefing", "proposal", "contract_signed"],
     "crm_url": "https://agency.bitrix24.ru/crm/deal/details/1156/", "nps": 3,
     "nps_surveyed_on": "2026-11-20", "last_contact_on": "2026-11-01"},
    {"id": "1094", "name": "ООО «Сервис Уют» <b>&amp;</b>", "owner": "Иванова Анна",
     "project_type": "monobrand", "completed_steps": ["qualification", "briefing"],
     "crm_url": "javascript:alert(1)", "last_contact_on": "2026-12-01"},
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@pytest.fixture
def html(tmp_path: Path) -> str:
    kb = engine.default_kb()
    with journal.open(tmp_path / "j.sqlite") as j:
        for day in (DAY - dt.timedelta(days=3), DAY):
            j.record(((c, engine.recommend(c, kb=kb, as_of=day, lang="ru")) for c in CLIENTS),
                     as_of=day, kb_version=kb.version, input_digest=journal.input_digest(CLIENTS),
                     policy=journal.Policy.of(kb), lang="ru")
        digest = j.digest(owner="Иванова Анна", today=DAY, kb=kb, lang="ru")
    return digest_html(digest, "ru")


@pytest.mark.slow
def test_the_digest_renders_in_a_real_browser(html: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Debian's chromium at {CHROMIUM}")
        pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "digest.html"
    page_file.write_text(html, encoding="utf-8")
    shot = Path(os.environ.get("PLAYBOOK_DIGEST_PNG") or tmp_path / "digest.png")
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 720, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            text = page.inner_text("body")
            links = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
            scripts = page.eval_on_selector_all("script", "els => els.length")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert requests == [page_file.as_uri()]  # nothing fetched but the page itself
    assert scripts == 0
    assert "Утренняя сводка: Иванова Анна" in text and "Срок сегодня" in text
    assert "ООО «Сервис Уют» <b>&amp;</b>" in text  # the client's own text, shown as text
    assert links == ["https://agency.bitrix24.ru/crm/deal/details/1156/"] * links.count(
        "https://agency.bitrix24.ru/crm/deal/details/1156/") and links  # no javascript: link
    width, height = png_size(shot.read_bytes())
    assert width == 720 and height > 300
