"""`playbook dry-run`: formats, languages, exit codes, clear errors for bad client files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main

from ..conftest import DATA, SMALL_KB, golden

CLIENT = """\
id: acme
name: Acme Leads
project_type: lead_gen
completed_steps: [briefing]
services: [context_ads]
monthly_budget: 150000
temperament: choleric
facts: {has_crm: true}
kpis:
  - {name: CPL, target: 1000, actual: 1120, higher_is_better: false}
"""


@pytest.fixture
def client_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.yaml"
    path.write_text(CLIENT, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table as a pipe 100 columns wide shows it: no colour, the same width everywhere."""
    monkeypatch.setenv("COLUMNS", "100")
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def dry_run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["dry-run", "--kb", str(SMALL_KB), "--as-of", "2026-11-01", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_table(client_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = dry_run(capsys, str(client_file))
    assert (code, err) == (0, "")
    golden(DATA / "golden" / "dry_run_table.txt", out.replace(str(SMALL_KB), "KB"))


def test_dry_run_markdown_in_russian(client_file: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = dry_run(capsys, str(client_file), "--format", "markdown", "--lang", "ru")
    assert code == 0
    golden(DATA / "golden" / "dry_run_ru.md", out)


def test_dry_run_json_of_a_json_client(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"id": "j", "project_type": "lead_gen"}), encoding="utf-8")
    code, out, _ = dry_run(capsys, str(path), "--format", "json")
    data = json.loads(out)["recommendations"]
    assert code == 0 and data[0]["client_id"] == "j"
    assert data[0]["actions"][0]["id"] == "briefing" and data[0]["as_of"] == "2026-11-01"


def test_a_bad_client_file_names_file_and_field(tmp_path: Path, client_file: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\nnps: 12\n", encoding="utf-8")
    code, out, err = dry_run(capsys, str(bad), str(client_file))
    assert code == 1
    assert err == f"{bad}:2:1: error[bad-value] nps: Input should be less than or equal to 10; " \
                  "got 12\n"
    assert "acme" in out  # the good client is still shown


@pytest.mark.parametrize("content, message", [
    ("id: [\n", "error[yaml-syntax]"),
    ("- 1\n- 2\n", "error[bad-client] expected a mapping of client facts, got int"),
    ("", "error[bad-client] expected a mapping of client facts, got NoneType"),
])
def test_unreadable_clients_never_give_a_traceback(tmp_path: Path, content: str, message: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(content, encoding="utf-8")
    code, _, err = dry_run(capsys, str(path))
    assert code == 1 and message in err and "Traceback" not in err


def test_missing_client_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = dry_run(capsys, str(tmp_path / "nope.yaml"))
    assert code == 1
    assert err == f"{tmp_path / 'nope.yaml'}: error[unreadable-file] No such file or directory\n" \
                  "  expected: a readable UTF-8 text file\n"


def test_bad_date_is_a_usage_error(client_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dry-run", str(client_file), "--as-of", "tomorrow"]) == 1
    assert "'tomorrow' is not a date: expected YYYY-MM-DD" in capsys.readouterr().err


def test_internal_errors_exit_2(client_file: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("engine.cli.dry_run.recommend", boom)
    code, _, err = dry_run(capsys, str(client_file))
    assert code == 2 and "internal error" in err
