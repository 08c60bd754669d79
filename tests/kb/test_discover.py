"""Without --kb a command uses the knowledge base the user stands in (the current folder or its
nearest parent), else the bundled one, and says which; paths are shown from where the user is."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from engine import __version__
from engine.cli import main
from engine.kb.files import shown_path

from ..conftest import ROOT, SMALL_KB
from ..conftest import playbook as run_playbook

FOUND = "playbook: knowledge base {} (found from the current folder)\n"


def playbook(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command standing in ``cwd``."""
    return run_playbook(*args, cwd=cwd)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository's knowledge base, as a user's checkout holds it."""
    for folder in ("rules", "journey_maps", "playbooks"):
        shutil.copytree(ROOT / folder, tmp_path / "kb" / folder)
    return tmp_path / "kb"


def test_an_edited_checkout_rule_fails_validate_without_kb(checkout: Path) -> None:
    path = checkout / "rules" / "communication.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "temperament: choleric", "temperment: choleric", 1), encoding="utf-8")
    done = playbook(checkout, "validate")
    assert done.returncode == 1
    assert done.stderr.startswith(FOUND.format(".") + "rules/communication.yaml:15:7: error[")
    assert "temperment" in done.stderr


def test_a_subfolder_finds_the_knowledge_base_above_and_shows_paths_from_there(
        checkout: Path) -> None:
    path = checkout / "rules" / "communication.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "temperament: choleric", "temperment: choleric", 1), encoding="utf-8")
    done = playbook(checkout / "rules", "validate")
    assert done.returncode == 1
    assert done.stderr.startswith(FOUND.format("..") + "communication.yaml:15:7: error[")


def test_elsewhere_the_bundled_knowledge_base_is_used_and_said(tmp_path: Path) -> None:
    done = playbook(tmp_path, "validate", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (f"playbook: knowledge base bundled with playbook-engine {__version__} "
                           "(none in the current folder or above it; --kb DIR for another)\n")


def test_a_given_knowledge_base_is_not_announced(tmp_path: Path) -> None:
    done = playbook(tmp_path, "validate", "--kb", str(SMALL_KB))
    assert done.returncode == 0 and done.stderr.startswith(f"{SMALL_KB}/rules/main.yaml:")


def test_shown_paths_are_relative_inside_the_knowledge_base_and_absolute_outside(
        checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(checkout / "playbooks")
    assert shown_path(checkout / "rules" / "x.yaml") == "../rules/x.yaml"
    assert shown_path(checkout / "playbooks" / "y.yaml") == "y.yaml"
    outside = tmp_path / "elsewhere.yaml"
    assert shown_path(outside) == str(outside)


def test_the_found_knowledge_base_is_used_in_process(
        checkout: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = checkout / "journey_maps" / "lead_gen.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Qualify the request", "Qualify the lead (edited here)"), encoding="utf-8")
    monkeypatch.chdir(checkout / "journey_maps")
    assert main(["graph", "lead_gen", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == FOUND.format("..")
    steps = {s["id"]: s["title"] for p in json.loads(out)["phases"] for s in p["steps"]}
    assert steps["qualification"] == "Qualify the lead (edited here)"
