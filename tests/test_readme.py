"""The README's promises: .ci/run runs its test command exactly; its examples exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"```sh\n(.+?)\n```", README)


def test_ci_runs_the_readme_test_command_exactly() -> None:
    test_command = next(c for c in COMMANDS if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == test_command


def test_the_main_job_dry_runs_an_existing_example() -> None:
    main_job = next(c for c in COMMANDS if "dry-run" in c)
    files = re.findall(r"examples/\S+", main_job)
    assert files and all((ROOT / f).is_file() for f in files)


def test_the_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    code = re.search(r"## The library call\n\n```python\n(.*?)```", README, re.S)
    assert code is not None
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), "README.md", "exec"), {})
