"""The daily loop over two real mornings: the shared Bitrix24 sample (200 deals, five account
managers; on day 2, 20 rows moved and 180 are byte for byte the same) run through
`playbook run --journal`, then each manager's inbox, the head's view, a digest per owner, what
changed, people acting on their to-dos, and which rules they act on."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, playbook

SAMPLE = DATA / "daily_loop"
DAY1, DAY2 = (SAMPLE / f"bitrix24_deals_2026-12-0{d}_utf8bom.csv" for d in (7, 8))
CRM = "https://agency.bitrix24.ru/crm/deal/details/{crm_id}/"
pytestmark = pytest.mark.slow  # two runs of 200 clients through the command, then every view

OWNERS = ("Иванова Анна", "Кузнецов Дмитрий", "Петров Сергей", "Сидорова Мария",
          "Смирнова Ольга")


def ok(*args: str) -> str:
    done = playbook(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def doc(*args: str) -> Any:
    return json.loads(ok(*args, "--format", "json"))


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {r["ID"]: r for r in csv.DictReader(handle, delimiter=";")}


def raw_lines(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    return {line.split(";", 1)[0]: line for line in lines}


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Both mornings recorded, in Russian, as a nightly job would."""
    path = str(tmp_path_factory.mktemp("daily") / "journal.sqlite")
    for day, export in (("2026-12-07", DAY1), ("2026-12-08", DAY2)):
        out = tmp_path_factory.mktemp("out") / "advice.jsonl"
        ok("run", str(export), "--map", str(SAMPLE / "mapping.yaml"), "--as-of", day,
           "--out", str(out), "--journal", path, "--lang", "ru", "--format", "json")
    return path


def test_changes_are_only_the_rows_that_moved_shown_before_and_after(journal: str) -> None:
    moved = {k for k, line in raw_lines(DAY2).items() if raw_lines(DAY1)[k] != line}
    assert len(moved) == 20
    changes = doc("changes", "--journal", journal)["records"]
    quiet = [c for c in changes if c["client_id"] not in moved]
    # a byte-identical row gets no changed or resolved advice: a day count inside a reason or a
    # priority moving within its band is no change. The one allowed exception is a decision
    # that really changed because a day passed: client 1109's last extended meeting was 92 days
    # old on day 1 (within the 92 of settings.yaml's meeting_max_age_days) and is 93 on day 2,
    # so the rule asking for a quarterly meeting now matches: new advice, not noise
    met = dt.datetime.strptime(rows(DAY2)["1109"]["Последняя встреча"].split()[0], "%d.%m.%Y")
    assert (dt.date(2026, 12, 7) - met.date()).days == 92
    assert [(c["client_id"], c["change"], c["kind"], c["id"]) for c in quiet] == [
        ("1109", "new", "blocked", "quarterly_meeting")]
    assert "93\xa0дня назад" in quiet[0]["reason"]
    assert {c["client_id"] for c in changes} - {"1109"} <= moved
    assert moved <= {c["client_id"] for c in changes}
    changed = [c for c in changes if c["change"] == "changed"]
    assert changed and all(c["before"] and c["after"] and c["before"] != c["after"]
                           for c in changed)
    step = next(c for c in changed if (c["client_id"], c["id"]) == ("1041", "quarterly_meeting"))
    assert step["before"]["missing"] == "contract_signed,payment_received,handoff,kickoff_call"
    assert step["after"]["missing"] == "payment_received,handoff,kickoff_call"
    assert all(c["client_name"] and c["owner"] in OWNERS for c in changes)
    text = ok("changes", "--journal", journal, "--lang", "ru")
    assert "1041 · ООО «Снаб Лес» (Сидорова Мария)" in text
    assert ("ждёт: contract_signed, payment_received, handoff, kickoff_call → payment_received, "
            "handoff, kickoff_call") in text
    assert re.search(r"^итого: \+\d+ нов(ая|ые|ых) ~\d+ изменен[аоы] -\d+ снят[аоы]$", text, re.M)


def test_my_day_is_due_today_overdue_new_then_the_rest(journal: str) -> None:
    owner = "Иванова Анна"
    box = doc("inbox", "--journal", journal, "--owner", owner, "--as-of", "2026-12-08",
              "--crm-url", CRM, "--lang", "ru")
    clients = rows(DAY2)
    assert {i["owner"] for i in box["items"]} == {owner}
    assert {i["client_id"] for i in box["items"]} <= {
        k for k, r in clients.items() if r["Ответственный"] == owner}
    assert {i["kind"] for i in box["items"]} <= {"next_step", "upsell", "warning"}
    order = ["due_today", "overdue", "new", "later"]
    sections = [i["section"] for i in box["items"]]
    assert sections == sorted(sections, key=order.index) and "due_today" in sections
    for item in box["items"]:
        assert item["client_name"] == clients[item["client_id"]]["Компания"]
        assert item["crm_url"] == CRM.replace("{crm_id}", item["client_id"])
        assert item["due_on"] and item["summary"] and item["reason"].startswith(item["summary"])
    assert any(g for i in box["items"] for g in i["guides"])  # guides go with their to-dos
    assert all(g["kind"] == "communication" or g["kind"] == "warning"
               for c in box["clients"] for g in c["guides"])

    top = ok("inbox", "--journal", journal, "--owner", owner, "--as-of", "2026-12-08",
             "--top", "5", "--crm-url", CRM, "--lang", "ru").splitlines()
    assert top[0] == f"Задачи: {owner} · 8 дек. 2026\u202fг. · 5 из {box['total']}"
    assert top[1] == "Срок сегодня (2)"
    assert top[2] == ("  ИП «Уют Эко» · Без оплаты работы не начинаются — Договор подписан, но "
                      "первая оплата не поступила. · срок 8 дек. 2026\u202fг. · "
                      "https://agency.bitrix24.ru/crm/deal/details/1156/")
    assert len([line for line in top if line.startswith("  ")]) == 5
    # the same to-dos in English: titles and reasons made again from the knowledge base
    english = ok("inbox", "--journal", journal, "--owner", owner, "--as-of", "2026-12-08",
                 "--top", "2")
    assert "Due today (2)" in english and "No work before the payment arrives" in english
    assert not re.search("[а-яё]", english.replace(owner, "").replace("ИП «Уют Эко»", ""))


def test_the_heads_view_adds_up_per_owner(journal: str) -> None:
    team = doc("team", "--journal", journal, "--as-of", "2026-12-11")
    clients = rows(DAY2)
    per_owner = Counter(r["Ответственный"] for r in clients.values())
    assert {o["owner"]: o["clients"] for o in team["owners"]} == dict(per_owner)
    total = team["total"]
    for field in ("clients", "open", "overdue", "escalated"):
        assert total[field] == sum(o[field] for o in team["owners"])
    assert total["escalated"] > 0 and total["overdue"] >= total["escalated"]
    detractors = Counter(r["Ответственный"] for r in clients.values()
                         if r["NPS"] and int(r["NPS"]) <= 6)
    assert {o["owner"]: len(o["detractors"]) for o in team["owners"]} == {
        o: detractors.get(o, 0) for o in per_owner}
    keys = [(-o["escalated"], -o["overdue"]) for o in team["owners"]]
    assert keys == sorted(keys)
    assert all(0 < len(o["risks"]) <= 3 for o in team["owners"])
    text = ok("team", "--journal", journal, "--as-of", "2026-12-11", "--lang", "ru")
    assert text.splitlines()[0] == "Команда · 11 дек. 2026\u202fг."
    assert re.search(r"^команда\s+200\s+\d+", text, re.M)
    assert "Главные риски" in text and "Критики (NPS 0–6)" in text
    markdown = ok("team", "--journal", journal, "--as-of", "2026-12-11", "--format",
                  "markdown")
    assert markdown.count("\n| ") == 7  # the header, five owners and the team
    html = ok("team", "--journal", journal, "--as-of", "2026-12-11", "--format", "html")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html.lower()


@pytest.mark.parametrize("owner", OWNERS)
def test_a_morning_digest_per_owner(journal: str, owner: str) -> None:
    digest = doc("digest", "--journal", journal, "--owner", owner, "--as-of", "2026-12-08",
                 "--crm-url", CRM)
    assert digest["owner"] == owner and digest["since"] == "2026-12-07"
    assert [s["name"] for s in digest["sections"]] == ["overdue", "due_today", "new", "top"]
    listed = [i for s in digest["sections"] for i in s["items"]]
    assert listed and {i["owner"] for i in listed} == {owner}
    assert len({(i["client_id"], i["kind"], i["id"]) for i in listed}) == len(listed)
    new = next(s for s in digest["sections"] if s["name"] == "new")
    assert all(i["since_on"] == "2026-12-08" for i in new["items"])
    markdown = ok("digest", "--journal", journal, "--owner", owner, "--as-of", "2026-12-08",
                  "--crm-url", CRM, "--format", "markdown", "--lang", "ru")
    assert markdown.startswith(f"*Утренняя сводка: {owner}*\n8 дек. 2026\u202fг. · ")
    assert "](https://agency.bitrix24.ru/crm/deal/details/" in markdown
    html = ok("digest", "--journal", journal, "--owner", owner, "--as-of", "2026-12-08",
              "--crm-url", CRM, "--format", "html", "--lang", "ru")
    assert "<script" not in html.lower() and 'style="' in html and "<link" not in html
    assert owner in html and 'href="https://agency.bitrix24.ru/crm/deal/details/' in html


def test_the_teams_digest_names_each_to_dos_owner(journal: str) -> None:
    text = ok("digest", "--journal", journal, "--as-of", "2026-12-09", "--lang", "ru")
    assert text.startswith("Сводка по команде\n9 дек. 2026\u202fг. · ")
    assert re.search(r"^Просрочено \(\d+\)$", text, re.M)
    assert re.search(rf"^  ({'|'.join(OWNERS)}): ", text, re.M)


def test_people_act_and_the_views_say_who(journal: str, tmp_path: Path) -> None:
    path = tmp_path / "copy.sqlite"
    path.write_bytes(Path(journal).read_bytes())
    db = str(path)
    box = doc("inbox", "--journal", db, "--owner", "Петров Сергей", "--as-of", "2026-12-08")
    first, second, third = box["items"][:3]
    ok("done", first["client_id"], first["kind"], first["id"], "--journal", db, "--by",
       "Петров Сергей", "--comment", "созвонились")
    ok("dismiss", second["client_id"], second["kind"], second["id"], "--journal", db,
       "--reason", "неактуально", "--by", "Петров Сергей")
    ok("snooze", third["client_id"], third["kind"], third["id"], "--journal", db, "--until",
       "20.12.2026", "--by", "Петров Сергей")
    team = doc("team", "--journal", db, "--as-of", "2026-12-09")
    petrov = next(o for o in team["owners"] if o["owner"] == "Петров Сергей")
    assert (petrov["done_7"], petrov["dismissed_7"], petrov["done_30"]) == (1, 1, 1)
    assert petrov["open"] == box["total"] - 3
    history = ok("history", first["client_id"], "--journal", db, "--lang", "ru")
    assert re.search(r"^8 дек\. 2026\u202fг\. · Петров Сергей: выполнен[аоы]? .*— созвонились$",
                     history, re.M)
    stats = doc("stats", "--journal", db, "--by", "owner")
    row = next(r for r in stats["rows"] if r["key"] == "Петров Сергей")
    assert (row["done"], row["dismissed"], row["snoozed"]) == (1, 1, 1)
    assert row["reasons"] == {"not_relevant": 1} and row["median_days_to_done"] is not None
    by_rule = ok("stats", "--journal", db, "--lang", "ru")
    assert "неактуально 1" in by_rule
