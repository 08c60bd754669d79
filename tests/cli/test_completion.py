"""Shell completion (argcomplete), asked the way bash asks it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, SMALL_KB

pytest.importorskip("argcomplete")


def complete(line: str, cwd: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "completions"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
           "COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE_IFS": "\n",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "engine"], env=env, cwd=cwd,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8").split("\n")


@pytest.mark.slow
def test_commands_complete(tmp_path: Path) -> None:
    assert complete("playbook dr", tmp_path, tmp_path) == ["dry-run "]
    assert {"validate", "init", "graph"} <= set(complete("playbook ", tmp_path, tmp_path))


@pytest.mark.slow
def test_choices_complete(tmp_path: Path) -> None:
    assert complete("playbook validate --format ", tmp_path, tmp_path) == [
        "text", "json", "sarif", "github"]
    assert complete("playbook dry-run x.yaml --match", tmp_path, tmp_path) == ["--matcher "]


@pytest.mark.slow
def test_project_types_come_from_the_knowledge_base_in_use(tmp_path: Path) -> None:
    assert complete(f"playbook graph --kb {SMALL_KB} ", tmp_path, tmp_path)[-1] == "lead_gen"
    assert complete("playbook graph mar", ROOT, tmp_path) == ["marketplace "]


def test_client_files_complete(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text("id: acme\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a client\n", encoding="utf-8")
    found = complete("playbook dry-run ", tmp_path, tmp_path)
    assert "acme.yaml" in found and "notes.txt" not in found
