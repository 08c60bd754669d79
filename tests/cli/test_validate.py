"""`playbook validate`: warnings are printed and pass; with --strict they fail."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.cli import main

from ..conftest import DATA, SMALL_KB, overlay

LINT_KB = DATA / "lint_kb"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_warnings_are_printed_and_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--kb", str(LINT_KB))
    assert code == 0
    assert out.startswith("ok: 14 rules, 1 journey maps, 2 playbook entries (kb ")
    assert out.endswith("; 12 warning(s)\n")
    assert err.count(": warning[") == 12 and "error[" not in err


def test_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--kb", str(LINT_KB), "--strict")
    assert code == 1
    assert out.startswith("failed (--strict): 12 warning(s) in 14 rules, 1 journey maps")
    assert "warning[band-overlap] rule 'optimise' overlaps 'urgent'" in err


def test_strict_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--kb", str(LINT_KB), "--strict", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert (data["errors"], data["warnings"]) == (0, 12)
    assert {d["severity"] for d in data["diagnostics"]} == {"warning"}


def test_json_without_strict_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--kb", str(LINT_KB), "--format", "json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_strict_passes_a_clean_kb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb_dir = shutil.copytree(SMALL_KB, tmp_path / "kb")
    rules = kb_dir / "rules" / "main.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("        - completed_steps: {excludes: landing_pages}\n",
                                  "        - monthly_budget: {exists: true}\n"),
                     encoding="utf-8")
    code, out, err = run(capsys, "--kb", str(kb_dir), "--strict")
    assert (code, err) == (0, "")
    assert out.startswith("ok: 4 rules") and "warning" not in out


def test_strict_with_errors_still_exits_1(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    kb_dir = overlay(SMALL_KB, DATA / "errors" / "unknown_fact", tmp_path / "kb")
    code, out, err = run(capsys, "--kb", str(kb_dir), "--strict")
    assert code == 1 and "error[unknown-fact] unknown fact 'npss'" in err
    assert out == "1 error(s)\n"


def test_small_kb_strict(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--kb", str(SMALL_KB), "--strict")
    assert code == 1 and "warning[always-blocked]" in err


def test_validate_ok_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--kb", str(SMALL_KB)]) == 0
    assert capsys.readouterr().out.startswith("ok: 4 rules, 1 journey maps, 1 playbook entries")
    assert main(["validate", "--kb", str(tmp_path)]) == 1
    assert "error[not-a-knowledge-base]" in capsys.readouterr().err


def test_validate_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    kb_dir = overlay(SMALL_KB, DATA / "errors" / "unknown_fact", tmp_path / "kb")
    assert main(["validate", "--kb", str(kb_dir), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["errors"] == 1
    assert [(d["code"], d["path"].endswith("extra.yaml"), d["line"], d["hint"])
            for d in data["diagnostics"] if d["severity"] == "error"] == [
        ("unknown-fact", True, 9, "did you mean 'nps'?")]
