"""The pages in a real headless browser (Debian's chromium through Playwright) served by a real
uvicorn on loopback: a manager's morning from sign-in to the head's counts, and axe-core's
accessibility check of every page in both languages (English at 1280 px, Russian at 390 px)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from engine import journal
from tests.web import demo

pytestmark = pytest.mark.slow  # a real headless chromium: seconds per test

SERIOUS = ("serious", "critical")
pytestmark = pytest.mark.slow  # a browser and a server: seconds each


@pytest.fixture
def site(journal_path: Path) -> Iterator[str]:
    with demo.served(journal_path) as base:
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    found = context.new_page()
    found.on("dialog", lambda d: pytest.fail(f"a script ran: {d.message}"))
    yield found
    context.close()


def total(page: Any) -> int:
    found = re.search(r"(\d+) to-dos?", page.locator("main p.sub").first.inner_text())
    assert found
    return int(found.group(1))


def anna_row(page: Any, base: str) -> list[str]:
    page.goto(f"{base}/team")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=demo.ANNA))
    return [cell.inner_text() for cell in row.locator("td").all()]


def test_a_manager_s_morning_and_the_head_s_counts(page: Any, site: str,
                                                   journal_path: Path) -> None:
    demo.sign_in(page, site, "olga")
    clients, open_before, *_ = anna_row(page, site)
    demo.sign_out(page)

    demo.sign_in(page, site, "anna")
    assert page.get_by_role("heading", level=1).inner_text() == "My day"
    count = total(page)
    assert int(open_before) == count > 3
    done = page.locator("article.todo").first
    done_title = done.get_by_role("heading").inner_text()
    with page.expect_navigation():
        done.get_by_role("button", name=re.compile("^Done")).click()
    assert page.get_by_role("status").inner_text() == f"Marked done: {done_title}"
    assert total(page) == count - 1

    # dismissed with the keyboard only: open the form, pick a reason, write why, send
    dismissed = page.locator("article.todo").first
    dismissed.locator("details.act summary").first.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # Not relevant -> The client declined
    page.keyboard.press("Tab")
    page.keyboard.type("budget frozen till spring")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("status").inner_text().startswith("Dismissed: ")
    assert total(page) == count - 2

    snoozed = page.locator("article.todo").first
    snoozed.locator("summary", has_text="Snooze").click()
    snoozed.get_by_label("Until").fill("2026-10-22")
    with page.expect_navigation():
        snoozed.get_by_role("button", name="Snooze", exact=True).click()
    assert page.get_by_role("status").inner_text().startswith("Snoozed until Oct 22, 2026: ")
    assert total(page) == count - 3

    with journal.open(journal_path) as j:
        acts = [e for c in ("smile_dental", "toyland", "evil") for e in j.history(c)
                if e.run_id is None]
    assert sorted((e.event, e.dismiss_reason, e.note, e.until, e.actor) for e in acts) == [
        ("dismissed", "client_declined", "budget frozen till spring", None, "Anna"),
        ("done", None, None, None, "Anna"),
        ("snoozed", None, None, dt.date(2026, 10, 22), "Anna")]

    dismissed_client = next(e.client_id for e in acts if e.event == "dismissed")
    page.goto(f"{site}/clients/{dismissed_client}")
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    assert "The client declined" in history.inner_text()
    assert "budget frozen till spring" in history.inner_text()
    assert page.get_by_role("heading", name="Recommendation").is_visible()

    page.goto(f"{site}/clients/evil")  # a client named like an attack is shown as its name
    assert page.get_by_role("heading", level=1).inner_text() == demo.EVIL
    assert page.locator("main img").count() == 0
    demo.sign_out(page)

    demo.sign_in(page, site, "olga")
    with journal.open(journal_path) as j:  # the journal's own head's view, as the page shows it
        mine = next(o for o in j.team(today=demo.AS_OF).owners if o.owner == demo.ANNA)
    assert anna_row(page, site) == [clients, str(count - 3), str(mine.overdue),
                                    str(mine.escalated), "1 / 1", "1 / 1"]
    with page.expect_navigation():
        page.get_by_role("link", name=demo.ANNA).click()
    assert page.get_by_role("heading", level=1).inner_text() == f"The day of {demo.ANNA}"
    assert total(page) == count - 3


LATE = demo.AS_OF + dt.timedelta(days=10)  # the demo's to-dos are overdue by then


def numbers(row: list[str]) -> dict[str, int]:
    """A row of the head's table: clients, open, overdue, escalated, done and dismissed in
    the last 30 days (an act counts for the day of the latest run, ten days before)."""
    return {"clients": int(row[0]), "open": int(row[1]), "overdue": int(row[2]),
            "escalated": int(row[3]), "done": int(row[4].split(" / ")[1]),
            "dismissed": int(row[5].split(" / ")[1])}


def test_late_to_dos_come_first_escalate_and_the_head_sees_them_move(
        page: Any, journal_path: Path) -> None:
    """Ten days on: my day opens with the overdue to-dos, each with its due date, how late
    and whether it escalated; acting on them (done, dismiss, snooze) records who acted, and
    the head's counts of open, overdue and escalated to-dos go down by what was acted on."""
    with demo.served(journal_path, today=LATE) as site:
        demo.sign_in(page, site, "olga")
        before = numbers(anna_row(page, site))
        assert before["overdue"] > 0 and before["escalated"] > 0
        risks = page.locator("section", has=page.get_by_role("heading", name="Top risks"))
        assert risks.locator("li").count() > 0
        demo.sign_out(page)

        demo.sign_in(page, site, "anna")
        headings = [h.inner_text() for h in page.locator("main h2").all()]
        assert headings[0].startswith("Due today and overdue")
        first = page.locator("article.todo").first
        when = first.locator("p.when").inner_text()
        assert re.search(r"Due Oct \d+, 2026 overdue by \d+ days?", when), when
        assert first.locator(".badge.escalated").count() == 1
        with journal.open(journal_path) as j:
            inbox = j.inbox(owner=demo.ANNA, today=LATE)
        assert [i.section for i in inbox.items[:1]] == ["overdue"]
        acted = inbox.items[:3]
        escalated = sum(i.escalated for i in acted)
        overdue = sum(i.overdue_days > 0 for i in acted)

        with page.expect_navigation():
            first.get_by_role("button", name=re.compile("^Done")).click()
        second = page.locator("article.todo").first
        second.locator("summary", has_text="Dismiss").click()
        second.get_by_label("Reason").select_option("not_relevant")
        with page.expect_navigation():
            second.get_by_role("button", name="Dismiss", exact=True).click()
        third = page.locator("article.todo").first
        third.locator("summary", has_text="Snooze").click()
        third.get_by_label("Until").fill((LATE + dt.timedelta(days=7)).isoformat())
        with page.expect_navigation():
            third.get_by_role("button", name="Snooze", exact=True).click()
        assert page.get_by_role("status").inner_text().startswith("Snoozed until Nov 1, 2026")
        demo.sign_out(page)

        with journal.open(journal_path) as j:
            acts = {(e.client_id, e.kind, e.id): (e.event, e.actor)
                    for i in acted for e in j.history(i.client_id) if e.run_id is None}
        assert acts == {(i.client_id, i.kind, i.id): (what, "Anna")
                        for i, what in zip(acted, ("done", "dismissed", "snoozed"),
                                           strict=True)}

        demo.sign_in(page, site, "olga")
        after = numbers(anna_row(page, site))
    assert after == {**before, "open": before["open"] - 3,
                     "overdue": before["overdue"] - overdue,
                     "escalated": before["escalated"] - escalated,
                     "done": before["done"] + 1, "dismissed": before["dismissed"] + 1}
    assert escalated > 0


@pytest.mark.parametrize("days_on", [0, 10])
def test_every_page_passes_axe_in_both_languages(browser: Any, journal_path: Path,
                                                 days_on: int) -> None:
    """Every page, on the day of the run and ten days on (overdue and escalated to-dos)."""
    with demo.served(journal_path, today=demo.AS_OF + dt.timedelta(days=days_on)) as site:
        axe_every_page(browser, site)


def axe_every_page(browser: Any, site: str) -> None:
    found: dict[str, list[str]] = {}
    for lang, width in (("en", 1280), ("ru", 390)):
        context = browser.new_context(locale=lang, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{site}/signin")
        pages: dict[str, str | None] = {"signin": None}
        demo.sign_in(page, site, "olga")
        pages.update({"day": "/", "other day": "/?owner=Boris%20Kuznetsov",
                      "card": "/clients/evil", "team": "/team", "not found": "/clients/x"})
        for name, path in pages.items():
            if path is not None:
                page.goto(site + path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            result = Axe().run(page)
            found[f"{lang} {name}"] = [f"{v['id']}: {v['help']}"
                                       for v in result.response["violations"]
                                       if v["impact"] in SERIOUS]
        context.close()
    assert found == {name: [] for name in found}
