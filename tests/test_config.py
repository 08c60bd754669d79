"""Settings written once (engine/config.py): playbook.toml found from the current folder upward,
PLAYBOOK_* over it, a command's flags over both; `playbook config` says where each came from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine.config import in_effect
from engine.errors import DiagnosticsError
from tests.conftest import playbook

TOML = '''# the agency's settings
journal = "data/journal.sqlite"
owner = "Иванова Анна"
lang = "ru"
crm_url = "https://agency.bitrix24.ru/crm/deal/details/{crm_id}/"

[web]                      # read by the pages (playbook config shows it too)
secret_key = "a-secret-key-of-the-pages-0123456789"
'''


def test_found_from_a_subfolder_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "playbook.toml").write_text(TOML, encoding="utf-8")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    config = in_effect(tmp_path / "deep" / "er", env={})
    assert config.file == tmp_path / "playbook.toml"
    assert config.get("journal") == str(tmp_path / "data" / "journal.sqlite")
    assert config.get("owner") == "Иванова Анна" and config.get("lang") == "ru"
    assert config.settings["lang"].source == f"{tmp_path / 'playbook.toml'}:4"
    assert config.get("map") is None and config.settings["map"].source == "default"


def test_the_environment_overrides_the_file_and_flags_override_both(tmp_path: Path) -> None:
    (tmp_path / "playbook.toml").write_text(TOML, encoding="utf-8")
    config = in_effect(tmp_path, env={"PLAYBOOK_LANG": "en",
                                      "PLAYBOOK_JOURNAL": "postgresql://x/y"})
    assert (config.get("lang"), config.settings["lang"].source) == ("en", "PLAYBOOK_LANG")
    assert config.get("journal") == "postgresql://x/y"
    flagged = config.given("owner", "Boris", "--owner")
    assert (flagged.get("owner"), flagged.settings["owner"].source) == ("Boris", "--owner")


@pytest.mark.parametrize(("text", "message", "line"), [
    ('jurnal = "j.db"\n', "unknown setting 'jurnal'", 1),
    ('lang = "de"\n', "'de' is not a language of playbook", 1),
    ('\nowner = 3\n', "setting 'owner' must be a text in quotes", 2),
    ('owner = "a\n', "not valid TOML", 1),
])
def test_a_mistake_names_the_file_and_line(tmp_path: Path, text: str, message: str,
                                           line: int) -> None:
    (tmp_path / "playbook.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DiagnosticsError) as error:
        in_effect(tmp_path, env={})
    found = error.value.diagnostics[0]
    assert found.message.startswith(message)
    assert found.location is not None and found.location.line == line
    assert found.location.path == str(tmp_path / "playbook.toml")


def test_a_hint_for_a_misspelt_setting(tmp_path: Path) -> None:
    (tmp_path / "playbook.toml").write_text('jurnal = "j.db"\n', encoding="utf-8")
    with pytest.raises(DiagnosticsError) as error:
        in_effect(tmp_path, env={})
    assert error.value.diagnostics[0].hint == "did you mean 'journal'?"


def test_playbook_config_shows_each_value_and_where_it_came_from(tmp_path: Path) -> None:
    (tmp_path / "playbook.toml").write_text(TOML, encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "PLAYBOOK_OWNER": "Петров Сергей"}
    done = playbook("config", "--format", "json", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["file"] == str(tmp_path / "playbook.toml")
    assert doc["settings"]["owner"] == {"value": "Петров Сергей", "source": "PLAYBOOK_OWNER"}
    assert doc["settings"]["lang"]["source"].endswith("playbook.toml:4")
    text = playbook("config", cwd=tmp_path, env=env).stdout
    assert "owner   = Петров Сергей  (PLAYBOOK_OWNER)" in text
    assert "map     = -  (default)" in text
