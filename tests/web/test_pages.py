"""The pages through the app in process: who may sign in and see what, CSRF, the headers, the
escaping of client text, the language, the config's mistakes and the catalogs' completeness."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

import engine
from engine import journal
from engine.errors import DiagnosticsError
from engine.render.pages import HERE, catalog_path
from engine.web import Desk, pages_app, settings_from
from tests.web import demo

ROOT = Path(__file__).resolve().parents[2]

Clients = Callable[..., TestClient]


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "every page's forms carry the CSRF token"
    return found.group(1)


def signed_in(make: Clients, login: str, **headers: str) -> TestClient:
    client = make()
    token = csrf(client.get("/signin", headers=headers).text)
    answer = client.post("/signin", data={"csrf": token, "user": login,
                                          "password": demo.PASSWORDS[login], "back": "/"})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    return client


def test_a_stranger_is_sent_to_sign_in_and_a_wrong_password_is_refused(
        client_at: Clients) -> None:
    client = client_at()
    first = client.get("/team")
    assert first.status_code == 303 and first.headers["location"] == "/signin?back=%2Fteam"
    token = csrf(client.get("/signin").text)
    for login, password in (("anna", "wrong"), ("nobody", "anna-password")):
        answer = client.post("/signin", data={"csrf": token, "user": login,
                                              "password": password})
        assert answer.headers["location"].startswith("/signin")
        assert "The user name or the password is wrong." in client.get("/signin").text
    assert client.get("/").status_code == 303


def test_a_manager_sees_only_her_clients(client_at: Clients) -> None:
    anna = signed_in(client_at, "anna")
    day = anna.get("/").text
    assert "Smile Dental Clinic" in day and "AutoParts Hub" not in day
    assert anna.get("/clients/smile_dental").status_code == 200
    assert anna.get("/clients/autoparts_hub").status_code == 403
    assert anna.get("/team").status_code == 403
    assert anna.get("/?owner=Boris%20Kuznetsov").text.count("AutoParts Hub") == 0
    assert anna.get("/clients/no_such_client").status_code == 404


def test_a_manager_cannot_act_on_another_owner_s_advice(client_at: Clients,
                                                       journal_path: Path) -> None:
    anna = signed_in(client_at, "anna")
    token = csrf(anna.get("/").text)
    with journal.open(journal_path) as j:
        item = j.inbox(client="autoparts_hub").items[0]
        answer = anna.post("/act", data={"csrf": token, "client": item.client_id,
                                         "kind": item.kind, "id": item.id, "what": "done"})
        assert answer.status_code == 403
        assert j.inbox(client="autoparts_hub").items[0] == item


def test_a_form_without_the_session_s_token_changes_nothing(client_at: Clients,
                                                            journal_path: Path) -> None:
    anna = signed_in(client_at, "anna")
    with journal.open(journal_path) as j:
        before = j.inbox(client="smile_dental").items
        item = before[0]
        for token in ("", "forged"):
            answer = anna.post("/act", data={"csrf": token, "client": item.client_id,
                                             "kind": item.kind, "id": item.id, "what": "done",
                                             "back": "/"})
            assert answer.status_code == 303
            assert "The form had expired" in anna.get("/").text
        assert j.inbox(client="smile_dental").items == before


def test_going_back_stays_on_this_site(client_at: Clients) -> None:
    anna = signed_in(client_at, "anna")
    token = csrf(anna.get("/").text)
    for back in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        answer = anna.post("/lang", data={"csrf": token, "lang": "ru", "back": back})
        assert answer.headers["location"] == "/"


def test_the_proxy_s_header_counts_only_from_the_proxy(client_at: Clients) -> None:
    header = {"X-Forwarded-User": "olga"}
    through_proxy = client_at("127.0.0.2")
    page = through_proxy.get("/team", headers=header)
    assert page.status_code == 200 and "Olga" in page.text
    assert "Sign out" not in page.text  # the proxy signs people in and out
    assert through_proxy.get("/team").status_code == 303  # no header, no one
    assert client_at("127.0.0.1").get("/team", headers=header).status_code == 303
    stranger = through_proxy.get("/", headers={"X-Forwarded-User": "Boris Kuznetsov"})
    assert "AutoParts Hub" in stranger.text  # a proxy user not in the config: a manager


def test_every_answer_forbids_scripts_and_client_text_is_escaped(client_at: Clients) -> None:
    olga = signed_in(client_at, "olga")
    for path in ("/", "/?owner=%D0%90%D0%BD%D0%BD%D0%B0%20%D0%A1%D0%BC%D0%B8%D1%80%D0%BD%D0%BE"
                 "%D0%B2%D0%B0", "/clients/evil", "/team", "/signin"):
        answer = olga.get(path)
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert "script-src" not in answer.headers["content-security-policy"]
        assert "<script" not in answer.text and "<img" not in answer.text
    card = olga.get("/clients/evil").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in card
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in card
    assert "javascript:" not in card  # a CRM link that is not http(s) is not a link


def test_the_language_follows_the_browser_then_the_person_s_choice(client_at: Clients) -> None:
    anna = signed_in(client_at, "anna")
    for header in ("ru-RU,ru;q=0.9", "en;q=0.2, ru;q=0.8"):
        assert '<html lang="ru">' in anna.get("/", headers={"Accept-Language": header}).text
    page = anna.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"}).text
    assert '<html lang="en">' in page and "My day" in page
    anna.post("/lang", data={"csrf": csrf(page), "lang": "ru", "back": "/"})
    russian = anna.get("/", headers={"Accept-Language": "en"}).text
    assert "Мой день" in russian and "15 окт. 2026\u202fг." in russian


def test_a_config_mistake_names_the_key() -> None:
    bad = {"secret_key": "short", "users": {"anna": {"password": "plain", "role": "boss"}},
           "proxy": {"addresses": ["not-an-address"]}}
    with pytest.raises(DiagnosticsError) as caught:
        settings_from(bad, "playbook.toml")
    text = str(caught.value)
    for key in ("web.secret_key", "web.users.anna.password", "web.users.anna.role",
                "web.proxy.addresses"):
        assert f"playbook.toml: error[bad-config] {key}" in text
    assert "argon2 hash" in text and "PLAYBOOK_WEB_SECRET" in text


def test_every_word_of_the_templates_has_its_russian() -> None:
    used = {m[2] if isinstance(m[2], str) else m[2][0]
            for m in extract_from_dir(HERE, method_map=[("**/templates/**.html", "jinja2")],
                                      options_map={"**/templates/**.html": {
                                          "extensions": "jinja2.ext.i18n",
                                          "trim_blocks": "true", "lstrip_blocks": "true"}})}
    with catalog_path("ru").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    assert used == set(translated)
    assert [k for k, m in translated.items() if not m.string or m.fuzzy
            or (isinstance(m.string, tuple) and not all(m.string))] == []


@pytest.mark.slow
def test_uvicorn_serves_the_pages_from_the_environment(journal_path: Path,
                                                       tmp_path: Path) -> None:
    config = tmp_path / "playbook.toml"
    config.write_text('[web]\nsecret_key = "' + "k" * 40 + '"\n[web.users.anna]\n'
                      f'password = "{demo.settings().users["anna"].password}"\n', "utf-8")
    port = demo.free_port()
    env = {**os.environ, "PLAYBOOK_WEB_CONFIG": str(config), "PLAYBOOK_JOURNAL": "",
           "PLAYBOOK_KB": ""}
    command = [sys.executable, "-m", "uvicorn", "--factory", "engine.web.run:app",
               "--port", str(port)]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60,
                             check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith(
        "error[bad-config] no journal: PLAYBOOK_JOURNAL is not set, nor 'journal' in the "
        "settings file\n  expected: a SQLite path or a database URL")
    server = subprocess.Popen(command, env={**env, "PLAYBOOK_JOURNAL": str(journal_path),
                                            "PLAYBOOK_KB": str(ROOT)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        answer = None
        for _ in range(200):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/signin", timeout=5)
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert answer is not None and answer.status_code == 200
        assert "Sign in" in answer.text
    finally:
        server.send_signal(signal.SIGTERM)
        _, log = server.communicate(timeout=30)
    assert "Application shutdown complete" in log  # the journal closed by the lifespan


def test_a_late_to_do_comes_first_says_how_late_and_escalates(journal_path: Path) -> None:
    """My day is the journal's inbox of the owner, in its order: due today and overdue first
    (how late; escalated ones marked), then new, then the rest; each with its due date."""
    late = demo.AS_OF + dt.timedelta(days=10)
    with journal.open(journal_path) as j:
        app = pages_app(demo.settings(), Desk(j, engine.default_kb(), today=lambda: late))
        anna = signed_in(lambda: TestClient(app, follow_redirects=False), "anna")
        page = anna.get("/").text
        inbox = j.inbox(owner=demo.ANNA, today=late, kb=engine.default_kb())
    due = page.index("Due today and overdue")
    assert due < page.index("overdue by 7 days") and "escalated" in page
    assert "How to talk: " in page
    titles = [m.group(1) for m in re.finditer(r'<h3 id="todo-[^"]+">([^<]*)</h3>', page)]
    assert titles == [i.title.replace("'", "&#39;").replace('"', "&#34;") for i in inbox.items]
    assert page.count("Due Oct") + page.count("No due date") == len(inbox.items)
