"""A real `playbook serve` process on loopback: the dry run's JSON over the wire, API tokens,
size bounds, webhooks ending in the journal, metrics in Prometheus' format, request ids, and
logs that never hold a secret."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from engine.journal import Journal
from engine.serve.settings import Settings
from tests.conftest import ROOT, playbook
from tests.serve.standin import AMO_TOKEN, BITRIX_CODE, StandIn, amo_lead, bitrix_deal, running
from tests.serve.support import (
    AMO_SECRET,
    API_TOKEN,
    BITRIX_TOKEN,
    FORM,
    Server,
    amocrm_form,
    amocrm_lead,
    bitrix_form,
    hook_settings,
    serving,
    settled,
    toml_config,
)

pytestmark = pytest.mark.slow  # real servers (or many drawn requests)
EXAMPLE = ROOT / "examples" / "lead_gen_kpi_off.yaml"
SECRETS = (API_TOKEN, AMO_SECRET, BITRIX_TOKEN, AMO_TOKEN, BITRIX_CODE)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, StandIn, Path]]:
    folder = tmp_path_factory.mktemp("server")
    with running() as crm:
        crm.leads["31001"] = amo_lead(31001, name="Монобренд: ООО «Мастер»", updated_at=17,
                                      fields={512001: "Монобренд"})
        crm.deals["759"] = bitrix_deal(759, title="Маркетплейс: Вектор",
                                       modified=dt.datetime(2026, 12, 1),
                                       fields={"UF_CRM_PROJECT_TYPE": "Маркетплейс"})
        settings = hook_settings(crm, str(folder / "journal.db"))
        settings = Settings.model_validate({**settings.model_dump(), "tokens": [API_TOKEN],
                                            "max_body_bytes": 4096})
        config = toml_config(folder / "playbook.toml", settings)
        with serving(config, folder / "server.log") as server:
            yield server, crm, folder


def auth(token: str = API_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_recommend_over_the_wire_is_the_dry_run(world: tuple[Server, StandIn, Path]) -> None:
    server, _, _ = world
    data = json.dumps(yaml.safe_load(EXAMPLE.read_text()), default=str)
    answer = httpx.post(f"{server.url}/v1/recommend?as_of=2026-10-15", content=data,
                        headers=auth())
    dry = playbook("dry-run", str(EXAMPLE), "--format", "json", "--as-of", "2026-10-15")
    assert answer.status_code == 200 and dry.returncode == 0
    assert answer.content == dry.stdout.encode()


def test_api_tokens(world: tuple[Server, StandIn, Path]) -> None:
    server, _, _ = world
    url = f"{server.url}/v1/recommend"
    missing = httpx.post(url, content=b'{"id": "x"}')
    wrong = httpx.post(url, content=b'{"id": "x"}', headers=auth("not-a-token-at-all"))
    basic = httpx.post(url, content=b'{"id": "x"}', headers={"Authorization": "Basic eDp5"})
    assert [r.status_code for r in (missing, wrong, basic)] == [401, 401, 401]
    assert missing.json()["errors"][0]["code"] == "unauthorised"
    assert missing.headers["www-authenticate"] == "Bearer"
    for path in ("/v1/kb", "/v1/inbox", "/v1/hooks/failed", "/v1/metrics"):
        assert httpx.get(f"{server.url}{path}").status_code == 401, path
        assert httpx.get(f"{server.url}{path}", headers=auth()).status_code == 200, path
    assert httpx.get(f"{server.url}/v1/health").status_code == 200  # open, for probes


def test_size_bounds(world: tuple[Server, StandIn, Path]) -> None:
    server, _, _ = world
    big = b'{"id": "' + b"x" * 5000 + b'"}'
    declared = httpx.post(f"{server.url}/v1/recommend", content=big, headers=auth())

    def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes are counted as they come
        for _ in range(10):
            yield b" " * 1000

    streamed = httpx.post(f"{server.url}/v1/recommend", content=chunks(), headers=auth())
    hook = httpx.post(f"{server.url}/hooks/bitrix24", content=big, headers=FORM)
    assert [r.status_code for r in (declared, streamed, hook)] == [413, 413, 413]
    assert {r.json()["errors"][0]["code"] for r in (declared, streamed, hook)} == {"too-large"}


def test_webhooks_end_in_the_journal(world: tuple[Server, StandIn, Path]) -> None:
    server, _, folder = world
    amo = httpx.post(f"{server.url}/hooks/amocrm/{AMO_SECRET}",
                     content=amocrm_form([amocrm_lead(31001, 17)]), headers=FORM)
    bitrix = httpx.post(f"{server.url}/hooks/bitrix24", content=bitrix_form(759), headers=FORM)
    assert (amo.status_code, bitrix.status_code) == (200, 200)
    with Journal(folder / "journal.db") as journal:
        settled(journal)
        ids = {c["id"] for run in (1, 2) for c in journal.clients(run)}
    assert ids == {"31001", "759"}


def test_metrics_request_ids_and_logs_without_secrets(
        world: tuple[Server, StandIn, Path]) -> None:
    server, _, _ = world
    echoed = httpx.get(f"{server.url}/v1/health", headers={"X-Request-ID": "probe-42"})
    assert echoed.headers["x-request-id"] == "probe-42"
    made = httpx.get(f"{server.url}/v1/health", headers={"X-Request-ID": "bad id; drop"})
    assert len(made.headers["x-request-id"]) == 32  # a new one, not the caller's
    httpx.post(f"{server.url}/hooks/amocrm/{AMO_SECRET}", content=amocrm_form([]),
               headers=FORM)
    text = httpx.get(f"{server.url}/v1/metrics", headers=auth()).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    requests = families["playbook_http_requests"]
    routes = {(s.labels["route"], s.labels["status"]) for s in requests.samples}
    assert ("/v1/health", "200") in routes and ("/v1/recommend", "401") in routes
    assert ("/hooks/amocrm/{secret}", "200") in routes
    assert "playbook_http_request_duration_seconds" in families
    queue = {s.labels["status"]: s.value for s in families["playbook_hook_events"].samples}
    assert set(queue) >= {"pending", "claimed", "done", "failed"}
    log = server.log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "playbook.serve.access"]
    assert {"request_id", "method", "path", "status", "ms"} <= set(access[-1])
    assert "probe-42" in {line["request_id"] for line in access}
    assert "/hooks/amocrm/***" in {line["path"] for line in access}
    for secret in SECRETS:
        assert secret not in log


def test_no_tokens_no_listening_beyond_loopback(tmp_path: Path) -> None:
    done = playbook("serve", "--host", "0.0.0.0", "--port", "1")
    assert done.returncode == 1
    assert "error[no-tokens] refusing to listen on 0.0.0.0 without API tokens" in done.stderr
    missing = playbook("serve", "--config", str(tmp_path / "none.toml"))
    assert missing.returncode == 1
    assert "error[bad-config] no such settings file" in missing.stderr
    (tmp_path / "bad.toml").write_text("[serve]\nworkers = 0\nport = 'x'\n")
    bad = playbook("serve", "--config", str(tmp_path / "bad.toml"))
    assert bad.returncode == 1
    assert f"{tmp_path / 'bad.toml'}:2:1: error[bad-value] workers:" in bad.stderr
    assert f"{tmp_path / 'bad.toml'}:3:1: error[bad-value] port:" in bad.stderr
    assert "Traceback" not in bad.stderr
