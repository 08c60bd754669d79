"""`validate --format sarif|github` for CI, and the knowledge base used, in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main

from .conftest import SMALL_KB, TESTS, overlay

jsonschema = pytest.importorskip("jsonschema")
SARIF_SCHEMA = json.loads((TESTS / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))


@pytest.fixture
def broken_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/kb with an unknown operator and a tab, plus its lint warning; we stand in it."""
    kb = overlay(SMALL_KB, TESTS / "errors" / "operator_spellings", tmp_path / "kb")
    monkeypatch.chdir(kb)
    return kb


def test_sarif_is_valid_sarif_2_1_0(broken_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "sarif"]) == 1
    out = capsys.readouterr().out
    log = json.loads(out)
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    errors = list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log))
    assert errors == []
    (run,) = log["runs"]
    assert run["tool"]["driver"]["rules"] == [{
        "id": "unknown-operator", "name": "unknown-operator",
        "shortDescription": {"text": "unknown operator"}}]
    first = run["results"][0]
    assert first["level"] == "error" and first["ruleId"] == "unknown-operator"
    assert first["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "rules/main.yaml"},
        "region": {"startLine": 18, "startColumn": 18}}}]
    assert first["message"]["text"].splitlines()[0] == "operator '>=' is unknown"
    assert first["message"]["text"].splitlines()[-1] == (
        "hint: did you mean 'gte'? (`>=` is written 'gte' here)")
    assert len(run["results"]) == 5


def test_sarif_of_a_clean_knowledge_base_has_its_warnings(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--kb", str(SMALL_KB), "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log)) == []
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning"]


def test_github_annotations(broken_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "::error file=rules/main.yaml,line=18,col=18,title=unknown-operator::operator '>=' is "
        "unknown%0Aexpected: for 'nps' (a whole number): one of 'between', 'eq', 'exists', 'gt', "
        "'gte', 'lt', 'lte', 'missing', 'ne', 'none_of', 'one_of'%0Ahint: did you mean 'gte'? "
        "(`>=` is written 'gte' here)")
    assert len([line for line in lines if line.startswith("::error ")]) == 5
    assert lines[-1] == "5 error(s)"


def test_github_escapes_what_would_break_a_command() -> None:
    from engine.errors import Diagnostic, Location
    from engine.render.github import annotation

    found = annotation(Diagnostic("c", "100% sure\nreally", Location("a,b:c.yaml", 2, 3),
                                  severity="warning"))
    assert found == "::warning file=a%2Cb%3Ac.yaml,line=2,col=3,title=c::100%25 sure%0Areally"


def test_json_says_which_knowledge_base_was_used(broken_kb: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["kb"] == {"path": ".", "how": "found"}
    assert main(["test", "--kb", str(SMALL_KB), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kb"] == {"path": str(SMALL_KB), "how": "given"}
