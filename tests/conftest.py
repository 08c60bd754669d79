from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from tests.journal.support import kb, postgres_server, target

__all__ = ["kb", "postgres_server", "target"]  # the journal's fixtures, one server per session

TESTS = Path(__file__).parent
ROOT = TESTS.parent
DATA = TESTS / "data"
SMALL_KB = DATA / "small_kb"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The knowledge-base cache of the tests' commands lives in a folder of their own
    (platformdirs reads XDG_CACHE_HOME), never in the user's."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def small_kb() -> engine.KnowledgeBase:
    return engine.load(SMALL_KB)


def golden(path: Path, actual: str) -> None:
    """Compare with a golden file; UPDATE_GOLDEN=1 rewrites it."""
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path} was missing and has been written: check it")
    assert actual == path.read_text(encoding="utf-8")


def overlay(base: Path, extra: Path, target: Path) -> Path:
    """A copy of the knowledge base ``base`` with the files of ``extra`` laid over it."""
    shutil.copytree(base, target)
    for path in sorted(extra.rglob("*")):
        if path.is_file() and path.name != "expected.txt":
            dest = target / path.relative_to(extra)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest)
    return target


def playbook(*args: str, cwd: Path | None = None, stdin: str | None = None,
             env: dict[str, str] | None = None, process: bool = False,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The `playbook` command with ``args``, standing in ``cwd`` (default: the checkout), with
    ``stdin`` as its standard input and ``env`` as its whole environment (default: this one).

    In this process by default (``engine.cli.main``, its standard streams captured: pipes, not
    a terminal), which is fast. ``process=True`` runs the installed console script in a real
    subprocess, for tests where the process boundary is the point: what a fresh interpreter
    imports, the terminal's encoding, signals, exit at the operating-system level.
    """
    if process:
        exe = shutil.which("playbook", path=str(Path(sys.executable).parent))
        assert exe, "the playbook console script is installed with the package"
        return subprocess.run([exe, *args], cwd=cwd or ROOT, input=stdin, capture_output=True,
                              text=True, check=False, env=env, timeout=timeout)
    return _in_process(list(args), cwd or ROOT, stdin, env)


def _in_process(argv: list[str], cwd: Path, stdin: str | None,
                env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
    from engine.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)
    err = io.StringIO()
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        os.chdir(cwd)
        sys.stdin = io.StringIO(stdin or "")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        out.flush()
    finally:
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        if env is not None:
            os.environ.clear()
            os.environ.update(saved_env)
    written = out.buffer.getvalue().decode("utf-8")
    return subprocess.CompletedProcess(argv, code, written, err.getvalue())
