"""`playbook test`: exit codes, JSON, and the human report (golden files in tests/data/golden/)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

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
    assert out.out.endswith("\n1 passed, 2 failed\n")
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
        "message": "project_type: unknown project type 'lead_gne'", "field": "project_type",
        "path": "tests/data/scenarios/broken/ids.test.yaml", "line": 5, "col": 21,
        "expected": "one of 'lead_gen'", "hint": "did you mean 'lead_gen'?"}


def test_a_broken_knowledge_base_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--kb", "tests/no_such_kb"]) == 1
    assert "error[not-a-knowledge-base] no such folder" in capsys.readouterr().err


KB = "tests/data/small_kb"
FAILING = ("--kb", KB, "tests/data/scenarios/failing")
BROKEN = "tests/data/scenarios/broken"


def test_k_runs_the_cases_whose_name_holds_the_pattern(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", *FAILING, "-k", "SERM"]) == 1
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines() if line.startswith(("PASS", "FAIL"))] \
        == ["FAIL"]
    assert out.endswith("\n2 deselected by -k\n0 passed, 1 failed\n")
    assert main(["test", *FAILING, "-k", "brief"]) == 0
    assert capsys.readouterr().out.endswith("\n2 deselected by -k\n1 passed, 0 failed\n")


def test_fail_fast_stops_at_the_first_failing_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", *FAILING, "--fail-fast"]) == 1
    out = capsys.readouterr().out
    assert "failing.test.yaml:20" not in out
    assert out.endswith("\n1 not run: stopped at the first failure (--fail-fast)\n"
                        "1 passed, 1 failed\n")
    assert main(["test", *FAILING, "-x",
                 "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["passed"], data["failed"], data["not_run"], data["deselected"]) == (1, 1, 1, 0)


def test_coverage_is_of_the_rules_files_beside_the_scenario_files_run(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "rules/communication.test.yaml", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coverage_of"] == ["rules/communication.yaml"]
    written = yaml.safe_load((TESTS.parent / "rules" / "communication.yaml").read_text("utf-8"))
    fired = data["coverage"]["rules_fired"]
    assert fired["total"] == len(written["rules"])
    entries = {a["communication"] for r in written["rules"] for a in r["then"]
               if "communication" in a}
    assert data["coverage"]["entries_surfaced"]["total"] == len(entries)
    assert main(["test", "rules/communication.test.yaml"]) == 0
    assert "\ncoverage of rules/communication.yaml:\n" in capsys.readouterr().out


def test_junit_xml_is_valid_and_says_what_failed(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
    report = tmp_path / "junit.xml"
    assert main(["test", *FAILING, BROKEN,
                 "--junit-xml", str(report)]) == 1
    capsys.readouterr()
    schema.validate(str(report))
    root = ET.parse(report).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "8")
    failing = root.find("testsuite[@name='tests/data/scenarios/failing/failing.test.yaml']")
    assert failing is not None and failing.get("failures") == "2"
    case = failing.find("testcase[@name='wrongly expects no SERM offer when KPIs are met']")
    failure = case.find("failure") if case is not None else None
    assert failure is not None and failure.get("message") == (
        "expected no upsell serm, but it was recommended; got: upsell serm, from rule "
        "grow_when_met")
    where = "tests/data/scenarios/failing/failing.test.yaml:20: "
    assert failure.text == where + failure.get("message", "")
    errors = root.findall("testsuite/testcase/error")
    assert len(errors) == 8 and errors[0].get("type") == "unknown-value"
    first = report.read_bytes()
    assert main(["test", *FAILING, BROKEN,
                 "--junit-xml", str(report)]) == 1
    assert report.read_bytes() == first


def test_a_passing_run_is_valid_junit_xml_too(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    report = tmp_path / "junit.xml"
    assert main(["test", "--kb", KB, "--junit-xml", str(report)]) == 0
    xmlschema.XMLSchema(str(DATA / "junit-10.xsd")).validate(str(report))
    assert ET.parse(report).getroot().get("failures") == "0"
