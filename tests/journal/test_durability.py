"""Nothing lost, nothing doubled: a run killed with SIGKILL keeps what it committed and can be
completed; a second run on one journal waits for the first, or is refused with a clear message
when the first takes longer than it will wait. Real child processes, on SQLite and PostgreSQL
alike, and on SQLite again with the lock's fallback (no ``fcntl``, as where the operating system
has no file lock) in a pytest of its own."""

from __future__ import annotations

import json
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
NO_FCNTL = Path(__file__).parent / "no_fcntl"  # a sitecustomize that hides fcntl


def child(target: str, marker: Path, stall_at: int = STALL_AT, stall_s: float = 300,
          wait_s: float = 300) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.journal.child", target, str(CLIENTS), str(stall_at),
         str(marker), str(stall_s), str(wait_s)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


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
    assert json.loads(out)["new"] == count(target, "advice")


@pytest.mark.slow
def test_a_second_run_waits_then_is_refused_clearly(target: str, tmp_path: Path) -> None:
    first = child(target, tmp_path / "first")
    wait_for(tmp_path / "first", first)
    try:
        started = time.monotonic()
        second = child(target, tmp_path / "second", stall_at=-1, wait_s=2)
        out, _ = second.communicate(timeout=300)
        waited = time.monotonic() - started
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    assert second.returncode == 1 and waited >= 2
    where = target if "://" not in target else target.split("@")[-1]
    assert out.splitlines() == [
        f"{where}: error[journal-busy] another run is recording into this journal",
        "  expected: one run at a time per journal",
        "  hint: it waited 2 s; wait for the other run to finish, then run again"]
    assert count(target, "run_clients") == STALL_AT  # the refused run wrote nothing


def test_a_writer_waits_for_another_and_starts_once_it_commits(tmp_path: Path) -> None:
    """SQLite: BEGIN IMMEDIATE is tried again while another connection writes (no SQLite busy
    handler's long sleeps), goes ahead once the other commits, and gives up after the
    timeout with SQLite's own error."""
    import sqlite3
    import threading

    from engine.journal.database import immediately

    path = str(tmp_path / "j.db")
    holder, waiter = (sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                      for _ in range(2))
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        immediately(waiter, timeout=0.05)
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 50  # set back
    release = threading.Timer(0.1, lambda: holder.execute("COMMIT"))
    release.start()
    immediately(waiter, timeout=10)  # waits for the commit, then holds the lock
    waiter.execute("INSERT INTO t VALUES (1)")
    waiter.execute("COMMIT")
    release.join()
    assert holder.execute("SELECT x FROM t").fetchall() == [(1,)]
    holder.close()
    waiter.close()


@pytest.mark.slow
def test_a_second_run_waits_for_the_first_to_finish(target: str, tmp_path: Path) -> None:
    first = child(target, tmp_path / "first", stall_s=3)
    wait_for(tmp_path / "first", first)
    second = child(target, tmp_path / "second", stall_at=-1, wait_s=120)
    out2, err2 = second.communicate(timeout=300)
    out1, err1 = first.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), err1 + err2
    assert json.loads(out1)["repeat"] is False
    assert json.loads(out2)["repeat"] is True  # the same run, recorded once: nothing doubled
    if "://" not in target:  # the lock this test means to exercise
        assert json.loads(out1)["lock"] == os.environ.get("PLAYBOOK_TEST_LOCK", "native")
    assert count(target, "run_clients") == CLIENTS and count(target, "runs") == 1


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="hides fcntl, a Unix module")
def test_the_journal_works_with_the_locks_fallback(tmp_path: Path) -> None:
    """The journal's tests again with fcntl hidden (filelock then falls back to its soft lock,
    as where the system has no file lock): killed, resumed, raced and waiting runs."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(NO_FCNTL), str(ROOT)]),
           "PLAYBOOK_TEST_LOCK": "soft"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider",
         "-k", "sqlite",
         str(Path(__file__)), str(Path(__file__).parent / "test_api.py"),
         str(Path(__file__).parent / "test_states.py"), "--deselect",
         f"{Path(__file__)}::test_the_journal_works_with_the_locks_fallback"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
    probe = subprocess.run([sys.executable, "-c", "from engine.journal.lock import soft; "
                            "print(soft())"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert probe.stdout.strip() == "True", probe.stderr


def test_a_sqlite_journal_is_written_ahead_and_copied_into_its_file_in_large_steps(
        tmp_path: Path) -> None:
    """Every commit is in the write-ahead log (WAL, synced at checkpoints: a crash of the
    process loses nothing committed); the log is copied into the journal's file every 10,000
    pages (a run's batches dirty the same index pages again and again)."""
    from engine import journal

    with journal.open(tmp_path / "journal.db") as j, j.db.connect() as conn:
        said = [conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "wal_autocheckpoint", "page_size")]
    assert said == ["wal", 1, 10_000, 8192]
