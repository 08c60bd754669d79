"""Every JSON document the command line prints starts with the contract's header:
``format_version`` and the engine's version (engine/tools/contract.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engine

from .conftest import playbook

EXAMPLE = "examples/new_request.json"


@pytest.mark.slow
def test_every_json_document_carries_the_format_and_engine_versions(tmp_path: Path) -> None:
    journal = str(tmp_path / "journal.sqlite")
    entry = sorted(engine.default_kb().playbook)[0]
    commands = [
        ["dry-run", EXAMPLE], ["explain", EXAMPLE], ["validate"],
        ["test", "rules/upsell.test.yaml"], ["show", entry], ["graph", "lead_gen"],
        ["run", EXAMPLE, "--out", str(tmp_path / "out.jsonl"), "--journal", journal],
        ["impact", "--base", ".", EXAMPLE], ["changes", "--journal", journal],
        ["inbox", "--journal", journal], ["history", "velvet_accessories", "--journal", journal],
    ]
    for command in commands:
        done = playbook(*command, "--as-of", "2026-10-15", "--format", "json") \
            if command[0] in ("dry-run", "explain", "graph", "run", "impact") \
            else playbook(*command, "--format", "json")
        assert done.returncode == 0, (command, done.stderr)
        doc = json.loads(done.stdout)
        assert (doc["format_version"], doc["engine_version"]) == ("2", engine.__version__), \
            command
