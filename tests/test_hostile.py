"""The hostile-input corpus: one folder per case under tests/hostile/, each run as a real
``playbook`` process under a time and memory budget (``resource`` limits and a timeout).

A case folder holds ``case.json`` (the arguments, and optionally ``env``, ``stdout`` and a
``generate`` step for inputs that cannot be files in git: FIFOs, a 500,000-item list), its input
files (``kb/`` is laid over tests/kb and passed as ``{kb}``), and ``expected.txt``: the exit
code and the exact output. No case may end in a traceback.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SMALL_KB, TESTS, golden, overlay

CASES = sorted(p for p in (TESTS / "hostile").iterdir() if (p / "case.json").is_file())
MAIN = "import sys; from engine.cli import main; sys.exit(main(sys.argv[1:]))"
CPU_SECONDS = 30          # per case
MEMORY_BYTES = 1 << 30    # address space per case: 1 GiB
WALL_SECONDS = 90         # a blocked read (a FIFO) would stop here


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _fifo(where: Path) -> None:
    os.mkfifo(where / "client.yaml")


def _fifo_kb(where: Path) -> None:
    os.mkfifo(where / "kb" / "rules" / "pipe.yaml")


def _list_500k(where: Path) -> None:
    items = "".join("  - seo\n" for _ in range(500_000))
    (where / "client.yaml").write_text(f"id: c\nservices:\n{items}", encoding="utf-8")


GENERATE: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo, "fifo_kb": _fifo_kb, "list_500k": _list_500k}


def run_case(case: Path, where: Path) -> tuple[int, str, str]:
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    overlay(SMALL_KB, case / "kb" if (case / "kb").is_dir() else case / "none", where / "kb")
    for path in case.rglob("*"):
        if path.is_file() and path.parts[len(case.parts)] not in ("kb", "case.json",
                                                                  "expected.txt"):
            (where / path.relative_to(case)).parent.mkdir(parents=True, exist_ok=True)
            (where / path.relative_to(case)).write_bytes(path.read_bytes())
    if "generate" in spec:
        GENERATE[spec["generate"]](where)
    args = [a.replace("{kb}", "kb") for a in spec["args"]]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100", **spec.get("env", {})}
    with open(spec.get("stdout", os.devnull), "wb") as sink:
        done = subprocess.run([sys.executable, "-c", MAIN, *args], cwd=where, env=env,
                              stdout=sink if "stdout" in spec else subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=WALL_SECONDS,
                              preexec_fn=_limits, check=False)
    out = (done.stdout or b"").decode("utf-8", "replace")
    return done.returncode, out, done.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.slow
def test_hostile_input(case: Path, tmp_path: Path) -> None:
    code, out, err = run_case(case, tmp_path)
    assert "Traceback" not in err, err
    assert code in (0, 1), err
    golden(case / "expected.txt", f"exit {code}\n--- stderr\n{err}--- stdout\n{out}")
