"""The run journal over HTTP answers the same JSON as the CLI's journal commands, and a
person's done / dismiss / snooze through it is the CLI's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import jsonschema
import pytest
from fastapi.testclient import TestClient

import engine
from engine import journal
from engine.cli import main
from engine.render.journal import one_json, records_json
from engine.serve.app import create_app
from engine.serve.settings import ApiToken, Settings
from engine.tools.schemas import schema
from tests.journal.support import AS_OF, portfolio, record

OWNERS = ("Анна Смирнова", "Boris <b>")
DAY = AS_OF + dt.timedelta(days=5)  # what is overdue by then


@pytest.fixture
def served(target: str, kb: engine.KnowledgeBase) -> Iterator[tuple[TestClient, str]]:
    clients = [{**c, "owner": OWNERS[i % 2]} for i, c in enumerate(portfolio(kb, 12))]
    with journal.open(target) as j:
        record(j, kb, clients, AS_OF)
        record(j, kb, [{**c, "nps": 3} for c in clients[:4]] + clients[4:],
               AS_OF + dt.timedelta(days=1))
    with TestClient(create_app(Settings(journal=target))) as client:
        yield client, target


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_the_views_are_the_commands_json(served: tuple[TestClient, str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    client, target = served
    with journal.open(target) as j:
        someone = j.inbox().items[0].client_id
    pairs = [
        ("/v1/inbox", ["inbox"]),
        (f"/v1/inbox?client={someone}&kind=next_step",
         ["inbox", "--client", someone, "--kind", "next_step"]),
        ("/v1/inbox?new=true", ["inbox", "--new"]),
        ("/v1/changes", ["changes"]),
        ("/v1/changes?since=1", ["changes", "--since", "1"]),
        ("/v1/changes?since=2026-10-15", ["changes", "--since", "2026-10-15"]),
        (f"/v1/clients/{someone}/history", ["history", someone]),
        (f"/v1/clients/{someone}/history?lang=ru", ["history", someone, "--lang", "ru"]),
        (f"/v1/inbox?owner={OWNERS[0]}", ["inbox", "--owner", OWNERS[0]]),
        (f"/v1/inbox?owner={OWNERS[1]}&top=3&as_of={DAY}&lang=ru",
         ["inbox", "--owner", OWNERS[1], "--top", "3", "--as-of", str(DAY), "--lang", "ru"]),
        (f"/v1/changes?owner={OWNERS[0]}", ["changes", "--owner", OWNERS[0]]),
        ("/v1/team", ["team"]),
        (f"/v1/team?as_of={DAY}&lang=ru", ["team", "--as-of", str(DAY), "--lang", "ru"]),
        (f"/v1/digest?owner={OWNERS[1]}&as_of={DAY}",
         ["digest", "--owner", OWNERS[1], "--as-of", str(DAY)]),
        ("/v1/digest", ["digest"]),
        ("/v1/stats?by=owner", ["stats", "--by", "owner"]),
    ]
    for url, command in pairs:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.text)
        assert answer.text == cli(capsys, *command, "--journal", target, "--format", "json"), url
    assert len(client.get("/v1/inbox").json()["items"]) > 12


def test_the_views_are_the_librarys(served: tuple[TestClient, str],
                                    kb: engine.KnowledgeBase) -> None:
    """The JSON of the journal's library views (what the CLI renders): an owner's day, in
    urgency order, top N; the head's view, with overdue and escalated counts."""
    client, target = served
    with journal.open(target) as j:
        mine = j.inbox(owner=OWNERS[0], top=4, today=DAY, kb=kb)
        team = j.team(today=DAY, kb=kb)
        changes = j.changes(owner=OWNERS[0], kb=kb)
    answer = client.get("/v1/inbox", params={"owner": OWNERS[0], "top": 4, "as_of": str(DAY)})
    assert answer.text == one_json(mine)
    got = answer.json()["items"]
    assert len(got) == 4 and {i["owner"] for i in got} == {OWNERS[0]}
    assert any(i["overdue_days"] for i in got), "five days on, something is overdue"
    assert client.get("/v1/team", params={"as_of": str(DAY)}).text == one_json(team)
    by_owner = {o["owner"]: o for o in client.get("/v1/team", params={
        "as_of": str(DAY)}).json()["owners"]}
    assert set(by_owner) == set(OWNERS) and all(o["overdue"] for o in by_owner.values())
    answer = client.get("/v1/changes", params={"owner": OWNERS[0]})
    assert answer.text == records_json(changes)
    changed = [c for c in answer.json()["records"] if c["change"] == "changed"]
    assert changed and all(c["owner"] == OWNERS[0] for c in changed)
    assert all(c["before"] and c["before"] != c["after"] for c in changed)


def test_an_act_records_the_tokens_user(target: str, kb: engine.KnowledgeBase) -> None:
    """The actor of done / dismiss / snooze: the user the API token is given to, else the
    body's ``by``; a user's token cannot act for another."""
    clients = [{**c, "owner": OWNERS[0]} for c in portfolio(kb, 3)]
    with journal.open(target) as j:
        record(j, kb, clients, AS_OF)
        first, second, third = j.inbox().items[:3]
    anna, robot = "anna-token-0123456789", "robot-token-0123456789"
    settings = Settings(journal=target, tokens=[ApiToken(token=anna, user=OWNERS[0]), robot])
    base = "/v1/advice/{0.client_id}/{0.kind}/{0.id}"
    with TestClient(create_app(settings)) as client:
        as_anna = {"Authorization": f"Bearer {anna}"}
        as_robot = {"Authorization": f"Bearer {robot}"}
        done = client.post(base.format(first) + "/done", json={}, headers=as_anna)
        refused = client.post(base.format(second) + "/dismiss", headers=as_anna,
                              json={"reason": "not_relevant", "by": "Boris"})
        dismissed = client.post(base.format(second) + "/dismiss", headers=as_robot,
                                json={"reason": "not_relevant", "by": "Boris"})
        snoozed = client.post(base.format(third) + "/snooze", headers=as_anna,
                              json={"until": "2026-11-01", "by": OWNERS[0]})
        history = client.get(f"/v1/clients/{second.client_id}/history", headers=as_robot)
    assert [a.status_code for a in (done, refused, dismissed, snoozed)] == [200, 403, 200, 200]
    assert [a.json()["actor"] for a in (done, dismissed, snoozed)] == [
        OWNERS[0], "Boris", OWNERS[0]]
    error = refused.json()["errors"][0]
    assert (error["code"], error["field"]) == ("not-yours", "by")
    assert ("dismissed", "Boris", "not_relevant") in {
        (h["event"], h["actor"], h["dismiss_reason"]) for h in history.json()["records"]}
    with journal.open(target) as j:
        assert {(h.event, h.actor) for h in j.history(first.client_id)} >= {("done", OWNERS[0])}


def test_done_dismiss_and_snooze(served: tuple[TestClient, str]) -> None:
    client, target = served
    with journal.open(target) as j:
        first, second, third = j.inbox().items[:3]
    base = "/v1/advice/{0.client_id}/{0.kind}/{0.id}"
    done = client.post(base.format(first) + "/done", json={"comment": "called them"})
    dismissed = client.post(base.format(second) + "/dismiss",
                            json={"reason": "client_declined", "comment": "budget frozen"})
    snoozed = client.post(base.format(third) + "/snooze", json={"until": "2026-11-01"})
    assert [a.status_code for a in (done, dismissed, snoozed)] == [200, 200, 200]
    assert [a.json()["status"] for a in (done, dismissed, snoozed)] == [
        "done", "dismissed", "snoozed"]
    assert dismissed.json()["dismiss_reason"] == "client_declined"
    with journal.open(target) as j:
        left = {(i.client_id, i.kind, i.id) for i in j.inbox().items}
        history = j.history(second.client_id)
    assert not left & {(a.client_id, a.kind, a.id) for a in (first, second, third)}
    assert ("dismissed", "budget frozen") in {(h.event, h.note) for h in history}


@pytest.mark.parametrize(("url", "json", "status", "code"), [
    ("/v1/advice/nobody/warning/x/done", {}, 404, "unknown-advice"),
    ("/v1/advice/{c}/{k}/{i}/dismiss", {"reason": "bored"}, 400, "bad-parameter"),
    ("/v1/advice/{c}/{k}/{i}/dismiss", {}, 400, "bad-parameter"),
    ("/v1/advice/{c}/{k}/{i}/snooze", {"until": "2026-10-01"}, 400, "bad-date"),
    ("/v1/advice/{c}/{k}/{i}/done", {"comment": "x", "who": "me"}, 400, "bad-parameter"),
    ("/v1/advice/{c}/kind/{i}/done", {}, 400, "bad-parameter"),
    ("/v1/changes?since=yesterday", None, 400, "bad-parameter"),
    ("/v1/changes?since=99", None, 404, "unknown-run"),
    ("/v1/clients/nobody/history", None, 404, "unknown-client"),
])
def test_mistakes_are_the_error_document(served: tuple[TestClient, str], url: str,
                                         json: dict[str, str] | None, status: int,
                                         code: str) -> None:
    client, target = served
    with journal.open(target) as j:
        item = j.inbox().items[0]
    url = url.format(c=item.client_id, k=item.kind, i=item.id)
    answer = client.get(url) if json is None else client.post(url, json=json)
    assert answer.status_code == status, answer.text
    jsonschema.validate(answer.json(), schema("errors"))
    assert answer.json()["errors"][0]["code"] == code


def test_a_server_without_a_journal_says_so() -> None:
    with TestClient(create_app(Settings())) as client:
        answer = client.get("/v1/inbox")
    assert answer.status_code == 404 and answer.json()["errors"][0]["code"] == "no-journal"


def test_a_bad_body_field_is_named_in_field(served: tuple[TestClient, str]) -> None:
    client, target = served
    with journal.open(target) as j:
        item = j.inbox().items[0]
    answer = client.post(f"/v1/advice/{item.client_id}/{item.kind}/{item.id}/dismiss",
                         json={"reason": "bored"})
    error = answer.json()["errors"][0]
    assert (answer.status_code, error["code"], error["field"], error["path"]) == (
        400, "bad-parameter", "reason", "body.reason")
    assert error["expected"] is not None and "'not_relevant'" in error["expected"]
