"""Screenshots of each page, at 390 px (a phone) and 1280 px, in English and Russian.

    python -m tests.web.screenshots [OUT_DIR]      (default: ./screenshots)

Serves the demo agency of tests/web/demo.py with uvicorn on loopback and drives Debian's
chromium (``apt-get install chromium``) with Playwright; writes LANG-WIDTH-PAGE.png (pages:
signin, day, day-open (a to-do's playbook text and its dismiss form unfolded), card, team), and
day-late and team-late: the same agency ten days on, when its to-dos are overdue and some
escalated. The pictures are for people to look at, not goldens: nothing compares them.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from tests.web import demo

WIDTHS = (390, 1280)
LATE = demo.AS_OF + dt.timedelta(days=10)


def shoot(page: Any, base: str, out: Path, prefix: str) -> None:
    page.goto(f"{base}/signin")
    page.screenshot(path=out / f"{prefix}-signin.png", full_page=True)
    demo.sign_in(page, base, "anna")
    page.screenshot(path=out / f"{prefix}-day.png", full_page=True)
    first = page.locator("article.todo", has=page.locator("details.playbook")).first
    first.locator("details.playbook summary").first.click()
    first.locator("details.act summary").first.click()
    first.screenshot(path=out / f"{prefix}-day-open.png")
    page.goto(f"{base}/clients/smile_dental")
    page.screenshot(path=out / f"{prefix}-card.png", full_page=True)
    demo.sign_out(page)
    demo.sign_in(page, base, "olga")
    page.goto(f"{base}/team")
    page.screenshot(path=out / f"{prefix}-team.png", full_page=True)


def shoot_late(page: Any, base: str, out: Path, prefix: str) -> None:
    demo.sign_in(page, base, "anna")
    page.screenshot(path=out / f"{prefix}-day-late.png", full_page=True)
    demo.sign_out(page)
    demo.sign_in(page, base, "olga")
    page.goto(f"{base}/team")
    page.screenshot(path=out / f"{prefix}-team-late.png", full_page=True)
    demo.sign_out(page)


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as play:
        path = demo.record(Path(folder) / "journal.db")
        browser = play.chromium.launch(executable_path=str(demo.CHROMIUM),
                                       args=demo.CHROMIUM_ARGS)
        with demo.served(path) as base, demo.served(path, today=LATE) as late:
            for lang in ("en", "ru"):
                for width in WIDTHS:
                    for site, pages in ((base, shoot), (late, shoot_late)):
                        context = browser.new_context(
                            viewport={"width": width, "height": 900}, locale=lang)
                        pages(context.new_page(), site, out, f"{lang}-{width}")
                        context.close()
        browser.close()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
