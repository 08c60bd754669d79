"""`validate --format sarif` (render/sarif.py) for code scanning, and the knowledge base used,
in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main

from ..conftest import DATA, SMALL_KB

jsonschema = pytest.importorskip("jsonschema")
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text("utf-8"))


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
    assert [(r["level"], r["ruleId"]) for r in log["runs"][0]["results"]] == [
        ("warning", "always-blocked"), ("warning", "unguaranteed-fact")]


def test_json_says_which_knowledge_base_was_used(broken_kb: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["kb"] == {"path": ".", "how": "found"}
    assert main(["test", "--kb", str(SMALL_KB), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kb"] == {"path": str(SMALL_KB), "how": "given"}
