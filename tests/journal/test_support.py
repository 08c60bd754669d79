"""The journal tests' own fixtures: without a PostgreSQL driver, the PostgreSQL half skips and
says why instead of failing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .support import ROOT, pg_bindir


@pytest.mark.slow
@pytest.mark.skipif(pg_bindir() is None, reason="no PostgreSQL binaries: nothing to skip")
@pytest.mark.slow
def test_without_the_driver_the_postgresql_half_skips_with_a_reason(tmp_path: Path) -> None:
    stub = tmp_path / "stub" / "psycopg"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(stub.parent), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q",
         "tests/journal/test_api.py::test_facts_are_kept_once_per_distinct_client"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(".s ")  # SQLite passed, PostgreSQL skipped
    assert "no PostgreSQL driver (psycopg): pip install 'playbook-engine[postgres]'" in done.stdout
