"""One run at a time per journal: a second run waits for the first, up to a timeout, then is
refused (``error[journal-busy]``).

SQLite: a lock on ``PATH.lock`` through filelock, which takes the operating system's lock
(``fcntl`` on Unix, ``msvcrt`` on Windows); the system releases it when the process dies, so a
killed run never leaves it behind. Where the system has no such lock (filelock finds no
``fcntl`` off Windows), or with ``PLAYBOOK_JOURNAL_LOCK=soft`` (a file system that does not
support it, such as some network shares), the fallback is filelock's soft lock: a marker file
holding the owner's process id and host, which the next run removes when that process is gone.
PostgreSQL: a session advisory lock, released by the server when the connection ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import warnings
from collections.abc import Iterator

from sqlalchemy import Engine, text

from engine.journal.database import fail

WAIT_S = 300.0  # how long a run waits for another to finish by default
_POLL_S = 0.2


def soft() -> bool:
    """Whether the fallback (a soft lock) is in use."""
    return os.environ.get("PLAYBOOK_JOURNAL_LOCK", "").lower() == "soft" or _lock_class() is None


def _lock_class() -> type | None:
    """filelock's lock of the operating system, or None when it has none (fallback)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "only soft file lock is available": we say so
        import filelock

    native = filelock.FileLock
    return None if native is filelock.SoftFileLock else native


@contextlib.contextmanager
def run_lock(db: Engine, where: str, wait: float = WAIT_S) -> Iterator[None]:
    """Held while a run records: a second run on the same journal waits up to ``wait``
    seconds, then is refused; never interleaved."""
    busy = fail("journal-busy", "another run is recording into this journal", where,
                expected="one run at a time per journal",
                hint=f"it waited {wait:g} s; wait for the other run to finish, then run again")
    if db.dialect.name == "sqlite":
        with _file_lock(f"{db.url.database}.lock", wait, busy):
            yield
        return
    with _advisory_lock(db, wait, busy):
        yield


@contextlib.contextmanager
def _file_lock(path: str, wait: float, busy: Exception) -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import filelock

    kind = filelock.SoftFileLock if soft() else filelock.FileLock
    lock = kind(path, timeout=wait)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise busy from None
    except OSError as exc:
        raise fail("journal-read-only", f"the journal cannot be written: {exc.strerror} "
                   f"({exc.filename or path})", path.removesuffix(".lock"),
                   hint="give the user who runs playbook the right to write the journal's "
                        "folder") from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def _advisory_lock(db: Engine, wait: float, busy: Exception) -> Iterator[None]:
    key = int.from_bytes(hashlib.sha256(b"playbook-journal").digest()[:7], "big")
    deadline = time.monotonic() + wait
    with db.connect() as conn:
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            conn.commit()
            if time.monotonic() >= deadline:
                raise busy
            time.sleep(_POLL_S)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
