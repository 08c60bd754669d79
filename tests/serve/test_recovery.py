"""Nothing lost, nothing twice, with real processes: a server killed (SIGKILL) after answering
200 and before processing; several servers sharing one PostgreSQL journal."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from engine.journal import Journal
from tests.journal.support import new_database
from tests.serve.standin import StandIn, bitrix_deal, running
from tests.serve.support import (
    FORM,
    Server,
    bitrix_form,
    hook_settings,
    serving,
    settled,
    toml_config,
)

pytestmark = pytest.mark.slow  # real servers (or many drawn requests)
MODIFIED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def deals(crm: StandIn, ids: range) -> None:
    for deal_id in ids:
        crm.deals[str(deal_id)] = bitrix_deal(deal_id, title=f"Сделка {deal_id}",
                                              modified=MODIFIED,
                                              fields={"UF_CRM_PROJECT_TYPE": "Лидогенерация",
                                                      "UF_CRM_NPS": str(deal_id % 11)})


def table(journal: Journal, sql: str) -> int:
    with journal.db.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def wait_for(journal: Journal, status: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while journal.hooks.counts()[status] == 0:
        assert time.monotonic() < deadline, f"no event became {status}"
        time.sleep(0.05)


def test_a_server_killed_after_answering_loses_nothing(tmp_path: Path) -> None:
    with running() as crm:
        deals(crm, range(759, 761))
        crm.hold = 30.0  # the CRM hangs: the worker is in the middle of its fetch
        db = tmp_path / "journal.db"
        config = toml_config(tmp_path / "playbook.toml", hook_settings(
            crm, str(db), lease_seconds=2.0))
        log = tmp_path / "server.log"
        first = Server(config, log)
        first.wait_ready()
        with Journal(db) as journal:
            assert httpx.post(f"{first.url}/hooks/bitrix24", content=bitrix_form(759),
                              headers=FORM).status_code == 200
            wait_for(journal, "claimed")  # taken, being fetched
            assert httpx.post(f"{first.url}/hooks/bitrix24", content=bitrix_form(760),
                              headers=FORM).status_code == 200  # answered, not yet processed
            first.kill()
            assert journal.hooks.counts() | {"done": 0} == journal.hooks.counts()
            assert (journal.hooks.counts()["claimed"], journal.hooks.counts()["pending"]) == (
                1, 1)
            assert table(journal, "SELECT count(*) FROM runs") == 0
            crm.hold = 0
            with serving(config, log):
                counts = settled(journal)
                assert counts["done"] == 2
                assert table(journal, "SELECT count(*) FROM run_clients") == 2
                assert table(journal, "SELECT count(*) FROM hook_records") == 2
                claimed_again = journal.hooks.get(1)
                assert claimed_again is not None and claimed_again.attempts == 2


def test_two_servers_share_one_postgresql_journal(tmp_path: Path, postgres_server: str
                                                  ) -> None:
    url = new_database(postgres_server)
    with running() as crm:
        deals(crm, range(1000, 1040))
        config = toml_config(tmp_path / "playbook.toml", hook_settings(crm, url))
        with serving(config, tmp_path / "a.log") as a, \
                serving(config, tmp_path / "b.log", "--workers", "2") as b:
            with httpx.Client() as http:
                for i, deal_id in enumerate([*range(1000, 1040), *range(1000, 1040)]):
                    server = (a, b)[i % 2]
                    answer = http.post(f"{server.url}/hooks/bitrix24",
                                       content=bitrix_form(deal_id), headers=FORM)
                    assert answer.status_code == 200
            with Journal(url) as journal:
                counts = settled(journal, timeout=60)
                assert counts["done"] == 40 and counts["failed"] == 0
                assert counts["done"] + counts["duplicate"] + counts["coalesced"] == 80
                assert table(journal, "SELECT count(*) FROM run_clients") == 40
                assert table(journal, "SELECT count(DISTINCT client_id) FROM run_clients") == 40
                workers = table(journal, "SELECT count(DISTINCT claimed_by) FROM hook_events")
                assert workers >= 2  # the events were shared out
    fetched = [r for r in crm.requests if r.endswith("crm.deal.get.json")]
    assert 40 <= len(fetched) <= 80
