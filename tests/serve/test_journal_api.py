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
from engine.serve.app import create_app
from engine.serve.settings import Settings
from engine.tools.schemas import schema
from tests.journal.support import AS_OF, portfolio, record


@pytest.fixture
def served(target: str, kb: engine.KnowledgeBase) -> Iterator[tuple[TestClient, str]]:
    clients = portfolio(kb, 12)
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
    ]
    for url, command in pairs:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.text)
        assert answer.text == cli(capsys, *command, "--journal", target, "--format", "json"), url
    assert len(client.get("/v1/inbox").json()["items"]) > 12


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
    ("/v1/advice/{c}/{k}/{i}/done", {"comment": "x", "by": "me"}, 400, "bad-parameter"),
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
