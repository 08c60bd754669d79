"""`playbook test`: exit codes, JSON, and the human report (golden files in tests/data/golden/)."""

from __future__ import annotations

import json

import pytest

from engine.cli import main

from ..conftest import DATA, TESTS, golden

GOLDEN = DATA / "golden"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS.parent)


def test_passing_scenarios_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--kb", "tests/data/small_kb"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    golden(GOLDEN / "cli_test_pass.txt", out.out)


def test_a_failing_case_exits_1_with_its_file_line_and_why(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--kb", "tests/data/small_kb", "tests/data/scenarios/failing"]) == 1
    out = capsys.readouterr()
    assert out.err == ""
    assert ("FAIL  tests/data/scenarios/failing/failing.test.yaml:20  wrongly expects no SERM"
            in out.out)
    assert "\nPASS: 1/3\n" in out.out
    golden(GOLDEN / "cli_test_fail.txt", out.out)


def test_bad_scenario_files_exit_1_with_diagnostics_on_stderr(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--kb", "tests/data/small_kb", "tests/data/scenarios/broken"]) == 1
    out = capsys.readouterr()
    assert "8 error(s) in scenario files: those cases did not run" in out.out
    golden(GOLDEN / "cli_test_broken.txt", f"--- stdout\n{out.out}--- stderr\n{out.err}")


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--kb", "tests/data/small_kb", "tests/data/scenarios/failing",
                 "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["ok"], data["passed"], data["total"], data["diagnostics"]) == (False, 1, 3, [])
    case = data["cases"][2]
    assert {k: case[k] for k in ("path", "line", "name", "passed")} == {
        "path": "tests/data/scenarios/failing/failing.test.yaml", "line": 20,
        "name": "wrongly expects no SERM offer when KPIs are met", "passed": False}
    assert case["failures"] == [{
        "expected": "no upsell serm", "problem": "it was recommended",
        "got": "upsell serm, from rule grow_when_met",
        "message": "expected no upsell serm, but it was recommended; got: upsell serm, "
                   "from rule grow_when_met"}]
    assert data["coverage"]["rules_fired"] == {
        "covered": 2, "total": 4, "uncovered": ["optimise_in_band", "talk_to_choleric"]}


def test_json_output_carries_the_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--kb", "tests/data/small_kb", "tests/data/scenarios/broken",
                 "--format", "json"]) == 1
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert out.err == ""
    assert data["ok"] is False and data["passed"] == data["total"] == 1
    assert data["diagnostics"][0] == {
        "severity": "error", "code": "unknown-value",
        "message": "project_type: unknown project type 'lead_gne'",
        "path": "tests/data/scenarios/broken/ids.test.yaml", "line": 5, "col": 21,
        "expected": "one of 'lead_gen'", "hint": "did you mean 'lead_gen'?"}


def test_a_broken_knowledge_base_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--kb", "tests/no_such_kb"]) == 1
    assert "error[not-a-knowledge-base] no such folder" in capsys.readouterr().err
