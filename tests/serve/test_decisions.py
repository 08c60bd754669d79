"""Decisions through the ASGI app: POST /v1/recommend is byte for byte the dry run's JSON, a
batch answers every client in its place, errors are the product's error document, and the
OpenAPI document carries the very schemas of `playbook schema`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml
from fastapi.testclient import TestClient

import engine
from engine.cli import main
from engine.serve.app import create_app
from engine.serve.settings import Settings
from engine.tools.schemas import schema
from tests.conftest import ROOT

EXAMPLES = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("examples/*.json")])
AS_OF = "2026-10-15"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings(kb=str(ROOT), map=str(ROOT / "examples" / "crm" / "mapping.yaml"))
    with TestClient(create_app(settings)) as client:
        yield client


def body(path: Path) -> bytes:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.dumps(data, ensure_ascii=False, default=str).encode()


def dry_run(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["dry-run", str(path), "--format", "json", "--kb", str(ROOT), *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_recommend_is_byte_for_byte_the_dry_run(client: TestClient, path: Path, lang: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    answer = client.post(f"/v1/recommend?as_of={AS_OF}&lang={lang}", content=body(path))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.content.decode() == dry_run(path, capsys, "--as-of", AS_OF, "--lang", lang)


def test_as_of_defaults_to_today_as_the_dry_run_does(client: TestClient,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "examples" / "seasonal_store.yaml"
    assert client.post("/v1/recommend", content=body(path)).text == dry_run(path, capsys)


def test_a_crm_record_is_mapped_as_playbook_run_maps_a_row(client: TestClient) -> None:
    row = {"ID клиента": "c-17", "Компания": "Вектор", "Тип проекта": "Лидогенерация",
           "Пройденные этапы": "qualification", "NPS": "4", "Менеджер": "ignored"}
    answer = client.post(f"/v1/recommend/record?as_of={AS_OF}",
                         content=json.dumps(row, ensure_ascii=False).encode())
    assert answer.status_code == 200, answer.text
    expected = engine.recommend({"id": "c-17", "name": "Вектор", "project_type": "lead_gen",
                                 "completed_steps": ["qualification"], "nps": 4},
                                as_of=dt.date.fromisoformat(AS_OF))
    (rec,) = answer.json()["recommendations"]
    assert [(a["kind"], a["id"]) for a in rec["actions"]] == [
        (a.kind, a.id) for a in expected.actions]


def test_a_batch_answers_each_client_in_its_place(client: TestClient) -> None:
    clients = [yaml.safe_load((ROOT / "examples" / "seasonal_store.yaml").read_text()),
               {"id": "bad", "nps": 11, "temperament": "calm"},
               {"id": "acme", "project_type": "lead_gen"}]
    answer = client.post(f"/v1/recommend/batch?as_of={AS_OF}",
                         content=json.dumps(clients, default=str).encode())
    assert answer.status_code == 200, answer.text
    document = answer.json()
    jsonschema.validate(document, schema("batch"))
    results = document["results"]
    assert [(r["index"], r["client_id"], r["recommendation"] is None) for r in results] == [
        (0, clients[0]["id"], False), (1, "bad", True), (2, "acme", False)]
    bad = results[1]["errors"]
    assert {e["code"] for e in bad} == {"bad-value"}
    assert [e["line"] for e in bad] == [1, 1] and all(e["path"] == "request" for e in bad)
    assert "nps" in bad[0]["message"] + bad[1]["message"]
    one = client.post(f"/v1/recommend?as_of={AS_OF}",
                      content=json.dumps(clients[2]).encode()).json()
    assert results[2]["recommendation"] == one["recommendations"][0]


@pytest.mark.parametrize(("content", "status", "code", "field"), [
    (b'{"id": "x", "nps": 11}', 422, "bad-value", "nps"),
    (b'{"id": "x", "npss": 1}', 422, "unknown-key", "npss"),
    (b'{"id": "x",\n "nps": }', 400, "json-syntax", None),
    (b'[{"id": "x"}]', 400, "bad-client", None),
    (b"\xff", 400, "not-utf8", None),
])
def test_errors_are_the_products_error_document(client: TestClient, content: bytes,
                                                status: int, code: str,
                                                field: str | None) -> None:
    """code, message, field (its own key, not folded into the message or the location),
    where (path, line, col), expected and hint: `playbook schema errors`."""
    answer = client.post("/v1/recommend", content=content)
    assert answer.status_code == status
    document = answer.json()
    jsonschema.validate(document, schema("errors"))
    error = document["errors"][0]
    assert (error["code"], error["field"]) == (code, field)
    assert list(error) == ["severity", "code", "message", "field", "path", "line", "col",
                           "expected", "hint"]
    assert "detail" not in document  # never FastAPI's own shape


def test_a_bad_parameter_is_the_error_document_too(client: TestClient) -> None:
    for query, field, expected in [("as_of=15.10.2026", "as_of", "a day, YYYY-MM-DD"),
                                   ("lang=de", "lang", "'en' or 'ru'"),
                                   ("as_of=2026-02-30", "as_of", "a day, YYYY-MM-DD")]:
        answer = client.post(f"/v1/recommend?{query}", content=b'{"id": "x"}')
        assert answer.status_code == 400
        jsonschema.validate(answer.json(), schema("errors"))
        error = answer.json()["errors"][0]
        assert (error["code"], error["field"], error["expected"], error["path"]) == (
            "bad-parameter", field, expected, f"query.{field}")
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "not-found"
    wrong = client.get("/v1/recommend")
    assert wrong.status_code == 405 and wrong.json()["errors"][0]["code"] == \
        "method-not-allowed"


def test_health_and_the_knowledge_base(client: TestClient) -> None:
    kb = engine.load(ROOT)
    health = client.get("/v1/health").json()
    assert (health["status"], health["kb_version"]) == ("ready", kb.version)
    about = client.get("/v1/kb").json()
    assert about["kb_version"] == kb.version
    assert about["project_types"] == sorted(kb.journeys) and about["rules"] == len(kb.rules)


def test_health_is_not_ready_before_the_knowledge_base_is_loaded() -> None:
    client = TestClient(create_app(Settings(kb=str(ROOT))))  # its start is not run
    assert client.get("/v1/health").status_code == 503
    assert client.get("/v1/health").json()["status"] == "loading"
    refused = client.post("/v1/recommend", content=b'{"id": "x"}')
    assert refused.status_code == 503 and refused.headers["retry-after"] == "1"


def test_the_openapi_document_uses_the_schemas_of_playbook_schema(client: TestClient) -> None:
    document = client.get("/v1/openapi.json").json()
    components = document["components"]["schemas"]
    kb = engine.load(ROOT)
    for kind, name in (("recommendation", "RecommendationDocument"), ("batch", "BatchDocument"),
                       ("errors", "ErrorDocument")):
        published = schema(kind, kb)
        assert components[name]["properties"].keys() == published["properties"].keys()
        for key, definition in published["$defs"].items():
            assert json.dumps(components[key]) == json.dumps(definition).replace(
                "#/$defs/", "#/components/schemas/")
    client_schema = schema("client", kb)["$defs"]["Client"]
    assert components["Client"]["properties"]["project_type"] == \
        client_schema["properties"]["project_type"]
    assert "HTTPValidationError" not in json.dumps(document)
    recommend = document["paths"]["/v1/recommend"]["post"]
    assert recommend["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Client"}
    assert recommend["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorDocument"}
    error = components["DiagnosticOut"]
    assert list(error["properties"]) == ["severity", "code", "message", "field", "path", "line",
                                         "col", "expected", "hint"]
    assert "field" in error["required"]
    team = document["paths"]["/v1/team"]["get"]
    assert {p["name"] for p in team["parameters"]} == {"as_of", "lang"}
    inbox = document["paths"]["/v1/inbox"]["get"]
    assert {"owner", "top", "as_of", "lang"} <= {p["name"] for p in inbox["parameters"]}


def test_a_batch_longer_than_the_bound_is_refused() -> None:
    with TestClient(create_app(Settings(kb=str(ROOT), max_batch=2))) as client:
        answer = client.post("/v1/recommend/batch", content=b'[{"id": "a"}, {"id": "b"}, '
                             b'{"id": "c"}]')
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["code"] == "batch-too-long"


def test_cors_is_off_unless_origins_are_named() -> None:
    preflight = {"Origin": "https://crm.example", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(Settings(kb=str(ROOT)))) as client:
        closed = client.options("/v1/recommend", headers=preflight)
        plain = client.get("/v1/health", headers={"Origin": "https://crm.example"})
    assert "access-control-allow-origin" not in closed.headers
    assert "access-control-allow-origin" not in plain.headers
    with TestClient(create_app(Settings(kb=str(ROOT), cors_origins=["https://crm.example"]))
                    ) as client:
        opened = client.options("/v1/recommend", headers=preflight)
    assert opened.headers["access-control-allow-origin"] == "https://crm.example"
