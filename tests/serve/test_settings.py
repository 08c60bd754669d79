"""Settings once: `playbook serve` and the pages read the one settings file (engine/config.py:
playbook.toml found from the current folder upward, or --config FILE), its shared settings and
its [serve] and [web] tables, PLAYBOOK_* over the file, flags over both; `playbook config` shows
every value with where it came from, and no secret."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from engine.config import in_effect
from engine.errors import DiagnosticsError, Location
from engine.serve.settings import effective
from engine.web.settings import load_settings
from tests.conftest import playbook
from tests.serve.support import free_port

SECRETS = ("file-token-7c1d9e2a", "anna-token-55e0b1f3", "env-token-0a9b8c7d",
           "bx-app-token-4e8d21", "bitrix-code-3f2e1d", "web-secret-" + "k" * 30)
TOML = f'''journal = "data/journal.db"
crm_url = "https://agency.bitrix24.ru/crm/deal/details/{{crm_id}}/"
lang = "ru"

[serve]
port = 8100
max_batch = 50
tokens = ["{SECRETS[0]}", {{token = "{SECRETS[1]}", user = "Анна Смирнова"}}]

[serve.bitrix24]
application_token = "{SECRETS[3]}"
url = "https://agency.bitrix24.ru/rest/1"

[web]
secret_key = "{SECRETS[5]}"

[web.users.anna]
owner = "Анна Смирнова"
role = "head"
'''
ENV = {"PLAYBOOK_API_TOKENS": SECRETS[2], "PLAYBOOK_BITRIX24_TOKEN": SECRETS[4],
       "PLAYBOOK_SERVE_WORKERS": "2"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "playbook.toml").write_text(TOML, encoding="utf-8")
    (tmp_path / "deep").mkdir()
    return tmp_path


def test_the_server_reads_the_settings_file_found_upward(folder: Path) -> None:
    config = in_effect(folder / "deep", env=ENV)
    settings, sources = effective(config, ENV, {"port": 9000, "host": None})
    file = folder / "playbook.toml"
    assert settings.journal == str(folder / "data" / "journal.db")  # the shared setting
    assert (settings.crm_url, settings.lang) == (
        "https://agency.bitrix24.ru/crm/deal/details/{crm_id}/", "ru")
    assert (settings.max_batch, sources["max_batch"]) == (50, f"{file}:7")
    assert (settings.workers, sources["workers"]) == (2, "PLAYBOOK_SERVE_WORKERS")
    assert (settings.port, sources["port"]) == (9000, "--port")  # a flag over the file
    assert [t.user for t in settings.api_tokens()] == [None, "Анна Смирнова", None]
    assert sources["tokens"] == f"{file}:8 + PLAYBOOK_API_TOKENS"
    assert settings.bitrix24 is not None and settings.bitrix24.token == SECRETS[4]
    assert settings.config == str(file)  # its [web] table configures the pages
    web = load_settings(settings.config)
    assert web.users["anna"].role == "head" and web.secret_key == SECRETS[5]


def test_the_environment_journal_wins_over_the_file(folder: Path) -> None:
    (folder / "playbook.toml").write_text(TOML.replace(
        "[serve]\n", '[serve]\njournal = "served.db"\n'), encoding="utf-8")
    env = {"PLAYBOOK_JOURNAL": "postgresql://db.internal/journal"}
    written, _ = effective(in_effect(folder, env={}), {}, {})
    assert written.journal == str(folder / "served.db")  # [serve] over the shared one
    given, sources = effective(in_effect(folder, env=env), env, {})
    assert (given.journal, sources["journal"]) == ("postgresql://db.internal/journal",
                                                    "PLAYBOOK_JOURNAL")


def test_a_mistake_names_the_file_line_and_field(folder: Path) -> None:
    (folder / "playbook.toml").write_text(TOML.replace("max_batch = 50", "max_batch = 0")
                                          .replace("[web]\n", "[web]\nhttps_only = 'yes'\n"),
                                          encoding="utf-8")
    config = in_effect(folder, env={})
    with pytest.raises(DiagnosticsError) as error:
        effective(config, {}, {})
    found = error.value.diagnostics[0]
    assert (found.location, found.field) == (
        Location(str(folder / "playbook.toml"), 7, 1), "serve.max_batch")
    with pytest.raises(DiagnosticsError) as web_error:
        load_settings(folder / "playbook.toml")
    assert web_error.value.diagnostics[0].location.line == 15  # type: ignore[union-attr]


def test_playbook_config_shows_serve_and_web_with_sources_and_no_secret(folder: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), **ENV}
    done = playbook("config", "--format", "json", cwd=folder / "deep", env=env)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    file = folder / "playbook.toml"
    assert doc["serve"]["max_batch"] == {"value": "50", "source": f"{file}:7"}
    assert doc["serve"]["workers"] == {"value": "2", "source": "PLAYBOOK_SERVE_WORKERS"}
    assert doc["serve"]["host"] == {"value": "127.0.0.1", "source": "default"}
    assert doc["serve"]["bitrix24.token"] == {"value": "***", "source":
                                              "PLAYBOOK_BITRIX24_TOKEN"}
    assert doc["web"]["users.anna.role"] == {"value": "head", "source": f"{file}:19"}
    assert doc["web"]["secret_key"]["value"] == "***"
    text = playbook("config", cwd=folder, env=env).stdout
    assert "[serve]" in text and "[web]" in text
    assert f"port                       = 8100  ({file}:6)" in text
    for secret in SECRETS:
        assert secret not in done.stdout + done.stderr + text
    named = playbook("config", "--config", str(file), "--format", "json",
                     cwd=folder.parent, env=env)
    assert json.loads(named.stdout)["serve"]["max_batch"]["value"] == "50"


@pytest.mark.slow
def test_a_real_server_started_where_the_settings_file_is(folder: Path) -> None:
    """No --config: `playbook serve` standing in a subfolder finds playbook.toml, listens on
    the port PLAYBOOK_SERVE_PORT names, and asks for the file's tokens."""
    port = free_port()
    exe = shutil.which("playbook", path=str(Path(sys.executable).parent))
    assert exe
    env = {**os.environ, "PLAYBOOK_SERVE_PORT": str(port), "PLAYBOOK_SERVE_WORKERS": "1"}
    server = subprocess.Popen([exe, "serve"], cwd=folder / "deep", env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        refused = httpx.get(f"{url}/v1/team")
        anna = httpx.get(f"{url}/v1/team", headers={"Authorization": f"Bearer {SECRETS[1]}"})
        assert refused.status_code == 401
        assert anna.status_code == 200 and anna.json()["owners"] == []
        assert (folder / "data" / "journal.db").exists()  # the shared journal setting
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_a_mistake_from_a_variable_or_a_shared_setting_is_located_there(
        folder: Path) -> None:
    (folder / "playbook.toml").write_text(TOML.replace('lang = "ru"', 'map = "none.yaml"'),
                                          encoding="utf-8")
    env = {"PLAYBOOK_SERVE_PORT": "eighty", "PLAYBOOK_API_TOKENS": "short"}
    with pytest.raises(DiagnosticsError) as error:
        effective(in_effect(folder, env={}), env, {"workers": 0})
    where = {d.field: (str(d.location), d.message) for d in error.value.diagnostics}
    assert where["serve.port"][0] == "PLAYBOOK_SERVE_PORT"
    assert where["serve.workers"][0] == "--workers"
    assert where["serve.tokens"][0] == f"{folder / 'playbook.toml'}:8 + PLAYBOOK_API_TOKENS"
    assert "short" not in str(where)  # a token is never shown
