"""The hostile-input corpus: one folder per case under tests/hostile/, each run as a real
process under a time and memory budget (``resource`` limits and a timeout).

A case folder holds ``case.json``, its input files (``kb/`` is laid over tests/kb and passed as
``{kb}``), and ``expected.txt``: the exit code and the exact output. No case may end in a
traceback. ``case.json`` says what to run:

- ``args``: the arguments of a ``playbook`` process (``{long}`` in one: 100,000 characters);
  or ``script``: a Python file of the case run as its own process, given ``args`` (for the
  library: ``recommend_many``, repeated loads);
- ``generate``: a name or a list of names of GENERATE below, for inputs that cannot be files in
  git (FIFOs, a 500,000-item list, a git repository, a damaged journal);
- ``before``: commands run first (each a list of ``playbook`` arguments, or
  ``{"args": [...], "exit": CODE}``, or a GENERATE name), each under the same limits and each
  required to exit 0 (or CODE) without a traceback;
- ``journal``: the case runs once on a SQLite file and once on a database of the throwaway
  PostgreSQL server (``{journal}`` in the arguments; ``backends`` narrows it to one); where the
  journal is named in the output it is shown as ``{journal}``, so both runs share expected.txt
  (``expected_per_backend``: expected.sqlite.txt and expected.postgresql.txt, where the
  databases' own words differ);
- ``read_only``: after ``before``, the journal can only be read: the SQLite file and its folder
  are made read-only (immutable for root), the PostgreSQL URL asks for read-only
  transactions;
- ``show``: files whose text after the run is part of the expected output (``(no file)`` when
  the run did not write one);
- ``mask``: regular expressions for what changes from run to run (the time of day), shown as
  ``<masked>``;
- ``stdin``: a file standard input comes from (``/dev/zero``);
- ``stdout``: a file standard output goes to (``/dev/full``), ``env``: environment variables.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.journal.support import new_database

from .conftest import SMALL_KB, TESTS, golden, overlay

CASES = sorted(p for p in (TESTS / "hostile").iterdir() if (p / "case.json").is_file())
MAIN = "import sys; from engine.cli import main; sys.exit(main(sys.argv[1:]))"
CPU_SECONDS = 30          # per process
MEMORY_BYTES = 1 << 30    # address space per process: 1 GiB
WALL_SECONDS = 90         # a blocked read (a FIFO) would stop here
BACKENDS = ("sqlite", "postgresql")


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _fifo(where: Path) -> None:
    os.mkfifo(where / "client.yaml")


def _fifo_kb(where: Path) -> None:
    os.mkfifo(where / "kb" / "rules" / "pipe.yaml")


def _fifo_jsonl(where: Path) -> None:
    os.mkfifo(where / "clients.jsonl")


def _list_500k(where: Path) -> None:
    items = "".join("  - seo\n" for _ in range(500_000))
    (where / "client.yaml").write_text(f"id: c\nservices:\n{items}", encoding="utf-8")


def _base_kb(where: Path) -> None:
    """``base``: the knowledge base before the change (tests' small one; ``kb`` is after)."""
    shutil.copytree(SMALL_KB, where / "base")


def _git_repo(where: Path) -> None:
    """The case's folder as a git repository with one commit: the knowledge base and inputs."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=where,
                       check=True, capture_output=True)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "the knowledge base")


def _long_line(where: Path) -> None:
    """A JSON Lines file whose second line is 2 GiB long (sparse: it costs no disk), then a
    third line with a client."""
    with open(where / "clients.jsonl", "wb") as out:
        out.write(b'{"id": "a", "project_type": "lead_gen"}\n{"id": "')
        out.truncate(2 << 30)
        out.seek(0, os.SEEK_END)
        out.write(b'"}\n{"id": "c", "project_type": "lead_gen"}\n')


def _long_csv_record(where: Path) -> None:
    """A CSV file whose third record is 2 GiB long (sparse: it costs no disk), on one line."""
    with open(where / "clients.csv", "wb") as out:
        out.write(b'id,project_type\na,lead_gen\nb,')
        out.truncate(2 << 30)


def _many_mistakes(where: Path) -> None:
    """A rules file of 3,000 items, each missing every key and with one unknown."""
    items = "".join(f"  - {{nope{i}: 1}}\n" for i in range(3000))
    (where / "kb" / "rules" / "many.yaml").write_text(f"rules:\n{items}", encoding="utf-8")


def _duplicate_portfolio(where: Path) -> None:
    """clients.jsonl: 600 clients, the 551st with the id of the 4th (past the journal's first
    batch of 500); fixed.jsonl: the same with that one renamed."""
    lines = [f'{{"id": "c{i:04}", "project_type": "lead_gen"}}\n' for i in range(600)]
    (where / "fixed.jsonl").write_text("".join(lines), encoding="utf-8")
    lines[550] = lines[3]
    (where / "clients.jsonl").write_text("".join(lines), encoding="utf-8")


def _dev_zero_links(where: Path) -> None:
    """zero.jsonl and zero.csv: links to /dev/zero, a stream that never ends."""
    (where / "zero.jsonl").symlink_to("/dev/zero")
    (where / "zero.csv").symlink_to("/dev/zero")


def _large_kb_file(where: Path) -> None:
    """A knowledge-base file of 4 GiB: sparse, so it costs no disk."""
    with open(where / "kb" / "rules" / "huge.yaml", "wb") as out:
        out.truncate(4 << 30)


def _damaged_journal(where: Path) -> None:
    """Overwrite the middle pages of journal.db (a SQLite journal written by ``before``)."""
    path = where / "journal.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with open(path, "r+b") as out:
        out.seek(size // 3)
        out.write(b"\xa5" * (size // 3))


def _read_only_journal(where: Path) -> None:
    """journal.db and its folder made read-only (no new -wal or -shm file either): by their
    modes, or, for root, whom modes do not stop, as immutable (chattr +i)."""
    path = where / "journal.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [where / n for n in ("journal.db", "journal.db-wal", "journal.db-shm")
             if (where / n).exists()]
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", *map(str, files), str(where)], check=True)
        return
    for file in files:
        file.chmod(0o444)
    where.chmod(0o555)


def _writable_again(where: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "-i", str(where)], check=False, capture_output=True)
    where.chmod(0o755)


GENERATE: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo, "fifo_kb": _fifo_kb, "fifo_jsonl": _fifo_jsonl, "list_500k": _list_500k,
    "base_kb": _base_kb, "git_repo": _git_repo, "long_line": _long_line,
    "long_csv_record": _long_csv_record, "large_kb_file": _large_kb_file,
    "dev_zero_links": _dev_zero_links, "duplicate_portfolio": _duplicate_portfolio,
    "many_mistakes": _many_mistakes,
    "damaged_journal": _damaged_journal, "read_only_journal": _read_only_journal}
READ_ONLY_URL = "?options=-c%20default_transaction_read_only%3Don"
LONG = "r" * 100_000  # {long} in the arguments: a value far longer than any message shows


def _process(spec: dict[str, Any], args: list[str], where: Path, env: dict[str, str],
             stdout: str | None = None) -> tuple[int, str, str]:
    command = [sys.executable, spec["script"], *args] if "script" in spec else [
        sys.executable, "-c", MAIN, *args]
    with open(stdout or os.devnull, "wb") as sink, \
            open(spec.get("stdin", os.devnull), "rb") as source:
        done = subprocess.run(command, cwd=where, env=env, stdin=source,
                              stdout=sink if stdout else subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=WALL_SECONDS,
                              preexec_fn=_limits, check=False)
    out = (done.stdout or b"").decode("utf-8", "replace")
    return done.returncode, out, done.stderr.decode("utf-8", "replace")


def run_case(case: Path, where: Path, journal: str | None = None) -> tuple[int, str, str]:
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    overlay(SMALL_KB, case / "kb" if (case / "kb").is_dir() else case / "none", where / "kb")
    for path in case.rglob("*"):
        if path.is_file() and path.parts[len(case.parts)] not in ("kb", "case.json",
                                                                  "expected.txt"):
            (where / path.relative_to(case)).parent.mkdir(parents=True, exist_ok=True)
            (where / path.relative_to(case)).write_bytes(path.read_bytes())
    generate = spec.get("generate", [])
    for name in [generate] if isinstance(generate, str) else generate:
        GENERATE[name](where)

    def arguments(args: list[str]) -> list[str]:
        return [a.replace("{kb}", "kb").replace("{journal}", journal or "")
                .replace("{long}", LONG) for a in args]

    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100", **spec.get("env", {})}
    for step in spec.get("before", []):
        if isinstance(step, str):
            GENERATE[step](where)
            continue
        expected = step.get("exit", 0) if isinstance(step, dict) else 0
        step_args = step["args"] if isinstance(step, dict) else step
        code, out, err = _process({}, arguments(step_args), where, env)
        assert code == expected and "Traceback" not in err, f"{step}: {err}"
    if spec.get("read_only") and journal and "://" in journal:
        journal += READ_ONLY_URL
    elif spec.get("read_only"):
        _read_only_journal(where)
    code, out, err = _process(spec, arguments(spec.get("args", [])), where, env,
                              spec.get("stdout"))
    for name in spec.get("show", []):
        shown = (where / name).read_text(encoding="utf-8", errors="replace") \
            if (where / name).is_file() else "(no file)\n"
        out += f"--- {name}\n{shown}"
    for pattern in spec.get("mask", []):
        out, err = re.sub(pattern, "<masked>", out), re.sub(pattern, "<masked>", err)
    if journal:  # the journal as messages name it: a path, or a URL without its password
        bare = journal.removesuffix(READ_ONLY_URL)
        forms = {journal, bare, journal.split("@")[-1], bare.split("@")[-1]}
        for form in sorted(forms, key=len, reverse=True):
            out, err = out.replace(form, "{journal}"), err.replace(form, "{journal}")
    return code, out, err


def _params() -> list[Any]:
    params = []
    for case in CASES:
        spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
        if spec.get("journal"):
            params += [pytest.param(case, b, id=f"{case.name}-{b}")
                       for b in spec.get("backends", BACKENDS)]
        else:
            params.append(pytest.param(case, None, id=case.name))
    return params


@pytest.mark.parametrize(("case", "backend"), _params())
@pytest.mark.slow
def test_hostile_input(case: Path, backend: str | None, tmp_path: Path,
                       request: pytest.FixtureRequest) -> None:
    journal = None
    if backend == "sqlite":
        journal = "journal.db"
    elif backend == "postgresql":
        journal = new_database(request.getfixturevalue("postgres_server"))
    where = tmp_path / "case"
    where.mkdir()
    try:
        code, out, err = run_case(case, where, journal)
    finally:
        _writable_again(where)  # a read-only case folder is removed too
    assert "Traceback" not in err, err
    assert code in (0, 1), err
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    name = f"expected.{backend}.txt" if spec.get("expected_per_backend") else "expected.txt"
    golden(case / name, f"exit {code}\n--- stderr\n{err}--- stdout\n{out}")
