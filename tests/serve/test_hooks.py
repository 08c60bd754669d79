"""amoCRM and Bitrix24 webhooks, posted as the CRMs post them, end as journal records: the event
stored before the answer, the record fetched from the (stand-in) CRM, mapped with the mapping
file, recommended and recorded as a one-client run; the same event three times recorded once;
failed fetches retried with back-off and listed; wrong secrets refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import engine
from engine.journal import Journal, Policy
from engine.serve.app import create_app
from engine.serve.settings import Settings
from engine.serve.worker import WORKER_NICE
from tests.serve.standin import StandIn, amo_lead, bitrix_deal, running
from tests.serve.support import AMO_SECRET as SECRET
from tests.serve.support import (
    AS_OF,
    FORM,
    amocrm_form,
    amocrm_lead,
    bitrix_form,
    hook_settings,
    settled,
)

MODIFIED = dt.datetime(2026, 12, 8, 10, 36, 19, tzinfo=dt.UTC)


@pytest.fixture
def crm() -> Iterator[StandIn]:
    with running() as crm:
        crm.leads["31001"] = amo_lead(31001, name="Лидогенерация: ИП «Стиль Эко»",
                                      updated_at=1765190000, fields={
                                          512001: "Лидогенерация", 512002: ["SEO", "Контекст"],
                                          512003: ["Квалификация", "Бриф"], 512005: "4",
                                          512006: dt.date(2026, 11, 30)})
        crm.deals["759"] = bitrix_deal(759, title="Маркетплейс: ООО «Вектор»", modified=MODIFIED,
                                       fields={"UF_CRM_PROJECT_TYPE": "Маркетплейс",
                                               "UF_CRM_SERVICES": ["SEO"],
                                               "UF_CRM_STEPS": ["Квалификация"],
                                               "UF_CRM_NPS": "9"}, assigned="7")
        yield crm


def app_for(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))


def journal_of(client: TestClient) -> Journal:
    found = client.app.state.service.journal  # type: ignore[attr-defined]
    assert isinstance(found, Journal)
    return found


def test_an_amocrm_lead_and_a_bitrix24_deal_end_as_journal_records(
        crm: StandIn, target: str) -> None:
    with app_for(hook_settings(crm, target)) as client:
        amo = client.post(f"/hooks/amocrm/{SECRET}", content=amocrm_form(
            [amocrm_lead(31001, 1765190000)]), headers=FORM)
        bitrix = client.post("/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
        assert (amo.status_code, bitrix.status_code) == (200, 200)
        assert amo.json()["accepted"] == bitrix.json()["accepted"] == 1
        journal = journal_of(client)
        assert settled(journal)["done"] == 2
        facts = {c["id"]: c for c in journal.clients(1) + journal.clients(2)}
    assert sorted(crm.requests) == ["/api/v4/leads/31001",
                                    "/rest/1/bx0123456789abcd/crm.deal.get.json"]
    lead = facts["31001"]
    assert lead["name"] == "Лидогенерация: ИП «Стиль Эко»" and lead["owner"] == "Иванова Анна"
    assert lead["project_type"] == "lead_gen" and lead["services"] == ["seo", "context_ads"]
    assert lead["completed_steps"] == ["qualification", "briefing"] and lead["nps"] == 4
    assert lead["last_contact_on"] == "2026-11-30" and lead["crm_id"] == "31001"
    assert lead["crm_url"] == f"{crm.amo_url}/leads/detail/31001"
    deal = facts["759"]
    assert (deal["name"], deal["owner"], deal["project_type"], deal["nps"]) == (
        "Маркетплейс: ООО «Вектор»", "Кузнецов Дмитрий", "marketplace", 9)
    assert deal["crm_url"] == f"{crm.url}/crm/deal/details/759/"
    assert deal["client_since"] == "2026-06-23"
    kb = engine.default_kb()
    for client_id, client_facts in facts.items():
        policy = Policy.of(kb)  # the inbox holds the to-dos
        expected = {(a.kind, a.id) for a in engine.recommend(client_facts, kb=kb,
                                                             as_of=AS_OF).actions
                    if policy.role(a.kind, a.rules) == "todo"}
        with Journal(target) as j:
            assert {(i.kind, i.id) for i in j.inbox(client_id).items} == expected


def test_the_same_event_three_times_is_recorded_once(crm: StandIn, target: str) -> None:
    body = bitrix_form(759)
    with app_for(hook_settings(crm, target)) as client:
        journal = journal_of(client)
        answers = [client.post("/hooks/bitrix24", content=body, headers=FORM)
                   for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        counts = settled(journal)
        again = client.post("/hooks/bitrix24", content=body, headers=FORM)  # after the rest
        assert again.status_code == 200
        counts = settled(journal)
    assert counts["done"] == 1 and counts["done"] + counts["duplicate"] + counts[
        "coalesced"] == 4
    with Journal(target) as j, j.db.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT count(*) FROM runs")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM run_clients")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM hook_records")).scalar() == 1


def test_an_edit_in_the_crm_is_recorded_as_a_new_run(crm: StandIn, target: str) -> None:
    with app_for(hook_settings(crm, target)) as client:
        journal = journal_of(client)
        client.post("/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
        settled(journal)
        crm.deals["759"] = {**crm.deals["759"], "UF_CRM_NPS": "3",
                            "DATE_MODIFY": "2026-12-08T15:00:00+03:00"}
        client.post("/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
        settled(journal)
        changes = journal.changes()
    assert ("warning", "new") in {(c.kind, c.change) for c in changes}  # a detractor now


def test_rate_limits_are_retried_with_back_off_and_a_missing_record_is_given_up(
        crm: StandIn, target: str) -> None:
    crm.limit(2, retry_after="0")  # the first two fetches hit the limit
    with app_for(hook_settings(crm, target)) as client:
        journal = journal_of(client)
        client.post("/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
        client.post("/hooks/bitrix24", content=bitrix_form(404404), headers=FORM)
        counts = settled(journal, failed=1)
        failed = client.get("/v1/hooks/failed").json()["records"]
        assert counts["done"] == 1 and counts["failed"] == 1
        assert [(f["record_id"], f["status"], f["last_error"]["code"]) for f in failed] == [
            ("404404", "failed", "crm-not-found")]
        retried = client.post(f"/v1/hooks/{failed[0]['id']}/retry")
        assert retried.status_code == 200
        settled(journal, failed=1)
    limited = [r for r in crm.requests if r.endswith("crm.deal.get.json")]
    assert len(limited) >= 4  # two limited, then the deal, and the missing one (twice)
    with Journal(target) as j:
        assert [e.record_id for e in j.hooks.failed()] == ["404404"]


def test_a_crm_that_keeps_failing_is_given_up_after_the_last_attempt(
        crm: StandIn, target: str) -> None:
    crm.limit(100, retry_after="0")
    with app_for(hook_settings(crm, target, max_attempts=3)) as client:
        journal = journal_of(client)
        client.post("/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
        settled(journal, failed=1)
        failed = client.get("/v1/hooks/failed").json()["records"]
    assert [(f["attempts"], f["last_error"]["code"]) for f in failed] == [
        (3, "crm-rate-limited")]
    assert "503" in failed[0]["last_error"]["message"]


def test_webhooks_with_a_wrong_secret_or_token_are_refused(crm: StandIn, target: str) -> None:
    with app_for(hook_settings(crm, target)) as client:
        wrong_secret = client.post("/hooks/amocrm/not-the-secret", content=amocrm_form(
            [amocrm_lead(31001, 1)]), headers=FORM)
        other_account = client.post(f"/hooks/amocrm/{SECRET}", content=amocrm_form(
            [amocrm_lead(31001, 1)], account="1"), headers=FORM)
        wrong_token = client.post("/hooks/bitrix24", content=bitrix_form(759, token="nope"),
                                  headers=FORM)
        not_a_form = client.post("/hooks/bitrix24", content=b"\xff\xfe", headers=FORM)
        counts = journal_of(client).hooks.counts()
    assert [r.status_code for r in (wrong_secret, other_account, wrong_token, not_a_form)] == [
        403, 403, 403, 400]
    assert [r.json()["errors"][0]["code"] for r in (wrong_secret, other_account, wrong_token)
            ] == ["bad-secret", "bad-account", "bad-token"]
    assert "not-the-secret" not in wrong_secret.text
    assert sum(counts.values()) == 0


def test_amocrm_without_a_rest_token_maps_the_webhooks_own_fields(target: str,
                                                                  tmp_path: Path) -> None:
    lead = amocrm_lead(31002, 1765190500, custom_fields={
        512001: "Монобренд", 512003: ["Квалификация"], 512006: "01.12.2026"})
    with app_for(hook_settings(None, target)) as client:
        answer = client.post(f"/hooks/amocrm/{SECRET}", content=amocrm_form(
            [lead], action="update"), headers=FORM)
        assert answer.status_code == 200
        journal = journal_of(client)
        assert settled(journal)["done"] == 1
        (facts,) = journal.clients()
    assert (facts["id"], facts["project_type"], facts["last_contact_on"], facts["owner"]) == (
        "31002", "monobrand", "2026-12-01", "Иванова Анна")
    assert "crm_url" not in facts  # no address configured


def test_wrong_facts_in_the_crm_are_given_up_with_the_field_named(crm: StandIn,
                                                                 target: str) -> None:
    crm.deals["760"] = bitrix_deal(760, title="x", modified=MODIFIED,
                                   fields={"UF_CRM_NPS": "11"})
    with app_for(hook_settings(crm, target)) as client:
        client.post("/hooks/bitrix24", content=bitrix_form(760), headers=FORM)
        settled(journal_of(client), failed=1)
        (failed,) = client.get("/v1/hooks/failed").json()["records"]
    assert failed["attempts"] == 1 and "nps" in failed["last_error"]["message"]
    assert json.dumps(failed).count("bx0123456789abcd") == 0


def test_a_webhook_is_answered_while_the_journal_is_being_written(crm: StandIn,
                                                                  tmp_path: Path) -> None:
    """The answer waits for nothing but the event's own store: another connection holds the
    SQLite journal's write lock (as the worker does while it records a run), the CRM still gets
    its 200 and the event is kept; recorded once the lock is let go."""
    path = tmp_path / "journal.db"
    with app_for(hook_settings(crm, str(path))) as client:
        journal = journal_of(client)
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            answer = client.post("/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
            assert answer.status_code == 200 and answer.json()["accepted"] == 1
            assert writer.in_transaction and journal.hooks.counts()["done"] == 0
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert settled(journal)["done"] == 1


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own nice value is Linux's")
def test_the_worker_thread_gives_way_to_the_answers(crm: StandIn, target: str) -> None:
    """The worker runs at a lower CPU priority than the threads that answer."""
    with app_for(hook_settings(crm, target)) as client:
        client.post("/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
        settled(journal_of(client))
        worker = client.app.state.service.worker  # type: ignore[attr-defined]
        mine = os.getpriority(os.PRIO_PROCESS, 0)  # this thread's
        assert os.getpriority(os.PRIO_PROCESS, worker.thread.native_id) == min(
            19, mine + WORKER_NICE)
        assert os.getpriority(os.PRIO_PROCESS, 0) == mine
