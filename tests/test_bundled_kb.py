"""The bundled knowledge base is gated by the suite: every scenario file written next to its
rules passes, and `playbook validate --strict` is clean. Each scenario case is its own test, so
a broken expectation names the case that broke."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import engine
from engine.kb.files import bundled_root, scenario_files
from engine.tools import scenarios

from .conftest import playbook

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("rules", "journey_maps", "playbooks")


@pytest.mark.parametrize("path", scenario_files(bundled_root()), ids=lambda p: p.name)
def test_bundled_scenarios_pass(path: Path) -> None:
    run = scenarios.run(engine.default_kb(), [path])
    failures = [f"{c.location}: {c.name}: {f.message}" for c in run.cases for f in c.failures]
    assert not run.problems and not failures, "\n".join(failures + [d.render()
                                                                     for d in run.problems])
    assert run.cases, f"{path.name} has no cases"


def test_validate_strict_is_clean_on_the_bundled_kb() -> None:
    result = playbook("validate", "--strict", "--kb", str(bundled_root()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ") and "warning" not in result.stdout


def test_a_broken_bundled_expectation_fails_playbook_test(tmp_path: Path) -> None:
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, tmp_path / folder)
    path = tmp_path / "rules" / "optimisation.test.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- {kind: next_step, id: optimise_campaigns}",
                                 "- {kind: upsell, id: optimise_campaigns}", 1), encoding="utf-8")
    result = playbook("test", "--kb", str(tmp_path), str(path))
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "expected upsell optimise_campaigns" in result.stdout
