"""The pre-commit hooks (.pre-commit-hooks.yaml) run with `pre-commit try-repo`, as a knowledge
base's repository would run them: installed from this project into pre-commit's own virtualenv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main

from .conftest import ROOT

pytest.importorskip("pre_commit")
GIT = ["git", "-c", "user.email=test@example.com", "-c", "user.name=test",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def committed_copy(files: list[str], source: Path, target: Path) -> Path:
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    subprocess.run([*GIT, "init", "-q", str(target)], check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=target, check=True)
    subprocess.run([*GIT, "commit", "-qm", "copy"], cwd=target, check=True)
    return target


def try_repo(kb: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(project),
                           "--all-files"], cwd=kb, capture_output=True, text=True, env=env)


@pytest.mark.slow
def test_the_hooks_run_from_try_repo(tmp_path: Path) -> None:
    """One run (each installs the project afresh): validate passes, a failing scenario stops
    the commit with its file:line."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    wanted = [n for n in listed if (ROOT / n).is_file() and not n.startswith(("tests/", "docs/"))]
    project = committed_copy(wanted, ROOT, tmp_path / "project")
    kb = tmp_path / "kb"
    assert main(["init", str(kb), "--minimal"]) == 0
    scenarios = kb / "rules" / "first.test.yaml"
    scenarios.write_text(scenarios.read_text(encoding="utf-8").replace(
        "        - {kind: next_step, id: launch}\n", "        - {kind: upsell, id: launch}\n"))
    committed_copy([], kb, kb)
    done = try_repo(kb, project, tmp_path / "pre-commit")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^playbook validate\.+Passed$", done.stdout, re.M)
    assert re.search(r"^playbook test\.+Failed$", done.stdout, re.M)
    assert "FAIL  rules/first.test.yaml:13  an unhappy client gets a call" in done.stdout
