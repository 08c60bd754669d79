"""`playbook serve` mounts the pages of engine/web when its config has a [web] table: one
server for the service and the pages; without the table there are no pages."""

from __future__ import annotations

import os
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from engine.config import in_effect
from engine.serve.app import create_app
from engine.serve.settings import read_settings
from tests.web import demo


def config(folder: Path, web: bool) -> Path:
    journal = demo.record(folder / "journal.db")
    text = f'[serve]\njournal = "{journal}"\n'
    if web:
        hashed = PasswordHasher(time_cost=1, memory_cost=1024).hash(demo.PASSWORDS["anna"])
        text += (f'[web]\nsecret_key = "{"s" * 40}"\n[web.users.anna]\n'
                 f'password = "{hashed}"\nowner = "{demo.ANNA}"\n')
    path = folder / "playbook.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_service_serves_the_pages(tmp_path: Path) -> None:
    settings = read_settings(in_effect(file=config(tmp_path, web=True)), os.environ, {})
    with TestClient(create_app(settings), follow_redirects=False) as client:
        stranger = client.get("/")
        signin = client.get("/signin")
        health = client.get("/v1/health")
        missing = client.get("/v1/nothing")
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/signin")
    assert signin.status_code == 200 and "<form" in signin.text
    assert "default-src 'none'" in signin.headers["content-security-policy"]
    assert signin.headers["x-request-id"]  # the service's edge runs for the pages too
    assert health.json()["status"] == "ready"
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "not-found"


def test_without_a_web_table_there_are_no_pages(tmp_path: Path) -> None:
    settings = read_settings(in_effect(file=config(tmp_path, web=False)), os.environ, {})
    with TestClient(create_app(settings)) as client:
        answer = client.get("/")
    assert answer.status_code == 404 and answer.json()["errors"][0]["code"] == "not-found"
