"""Nothing lost, nothing doubled: a run killed with SIGKILL keeps what it committed and can be
completed; two runs at once on one journal are refused with a clear message. Real child
processes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.journal.support import ROOT, count

CLIENTS, STALL_AT = 400, 300  # batches of 50: six are committed when the run stalls


def child(target: str, marker: Path, stall_at: int = STALL_AT) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.journal.child", target, str(CLIENTS), str(stall_at),
         str(marker)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(marker: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the child never reached the stall"
        time.sleep(0.05)


def scalar(target: str, sql: str) -> object:
    url = target if "://" in target else f"sqlite:///{target}"
    db = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with db.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    db.dispose()
    return value


@pytest.mark.slow
def test_a_killed_run_loses_nothing_it_recorded_and_completes_later(
        target: str, tmp_path: Path) -> None:
    process = child(target, tmp_path / "stalled")
    wait_for(tmp_path / "stalled", process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert count(target, "run_clients") == STALL_AT
    assert scalar(target, "SELECT complete FROM runs") in (False, 0)
    # each recorded client is whole: its advice and its events, all of them
    assert scalar(target, "SELECT count(DISTINCT client_id) FROM advice") == STALL_AT
    assert scalar(target, "SELECT sum(new) FROM run_clients") == count(target, "advice")
    assert count(target, "events") == count(target, "advice")

    again = child(target, tmp_path / "never", stall_at=-1)  # the same run, resumed
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert count(target, "run_clients") == CLIENTS and count(target, "runs") == 1
    assert scalar(target, "SELECT complete FROM runs") in (True, 1)
    assert count(target, "events") == count(target, "advice")  # nothing doubled
    assert f'"new": {count(target, "advice")}' in out


@pytest.mark.slow
def test_a_second_run_at_once_is_refused_clearly(target: str, tmp_path: Path) -> None:
    first = child(target, tmp_path / "first")
    wait_for(tmp_path / "first", first)
    try:
        second = child(target, tmp_path / "second", stall_at=-1)
        out, _ = second.communicate(timeout=300)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    assert second.returncode == 1
    where = target if "://" not in target else target.split("@")[-1]
    assert out.splitlines() == [
        f"{where}: error[journal-busy] another run is recording into this journal",
        "  expected: one run at a time per journal",
        "  hint: wait for the other run to finish, then run again"]
    assert count(target, "run_clients") == STALL_AT  # the refused run wrote nothing
