"""Opening a journal: a SQLite file path or a database URL, brought to the newest schema.

SQLite transactions start with ``BEGIN IMMEDIATE`` (one writer at a time, never a half-seen
write), tried again every few milliseconds while another connection writes, up to the busy
timeout (SQLite's own busy handler sleeps in growing steps, up to 100 ms, so a short write
would wait for a long sleep); a journal written by an older version is migrated by
Alembic when opened; one from a newer version, or a database that is not a journal, is refused.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from engine.bounds import MAX_ID_LENGTH
from engine.errors import Diagnostic, DiagnosticsError, Location, escaped_line, quoted

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 30
WAL_PAGES = 10_000  # pages in the write-ahead log before it is copied into the journal's file


def fail(code: str, message: str, where: str, expected: str | None = None,
         hint: str | None = None) -> DiagnosticsError:
    return DiagnosticsError([Diagnostic(code, message, Location(where), expected, hint)])


MEMORY = ("in-memory databases keep nothing: a journal must outlive the run",
          "a SQLite file path, or a database URL")


def connect(target: str) -> Engine:
    """A SQLAlchemy engine for a path (SQLite) or a URL (``postgresql://...``). An in-memory
    database (``:memory:``, ``sqlite://``) is refused: it would record into nothing."""
    if target.strip() in ("", ":memory:") or target.startswith("file::memory:"):
        raise fail("bad-journal", MEMORY[0], target or "''", expected=MEMORY[1])
    if "://" not in target:
        if not Path(target).parent.is_dir():
            raise fail("bad-journal", "the journal's folder does not exist", target,
                       expected="a SQLite file path in an existing folder, or a database URL")
        return _sqlite(target)
    try:
        url = make_url(target)
        url.get_backend_name()
    except (ArgumentError, ValueError):
        raise fail("bad-journal", "not a database URL", _shown(target),
                   expected="postgresql://USER@HOST:PORT/DB or sqlite:///PATH") from None
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:") or "memory" in str(url.query.get("mode")):
            raise fail("bad-journal", MEMORY[0], _shown(target), expected=MEMORY[1])
        return _sqlite(url.database or "")
    try:
        return create_engine(url)
    except (NoSuchModuleError, ImportError):
        raise fail("journal-driver-missing", f"no database driver for '{url.drivername}'",
                   _shown(target), hint="pip install 'playbook-engine[postgres]'") from None


def _shown(target: str) -> str:
    """A URL without its password."""
    try:
        return make_url(target).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return quoted(target.split("@")[-1])[1:-1]


def _sqlite(path: str) -> Engine:
    db = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(db, "connect")
    def _connect(dbapi: Any, _: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy begins transactions itself, below
        # a new journal's pages: a run writes rows of about 400 bytes, an advice row and its
        # event per to-do; 8 KiB pages cost its writes about a tenth less CPU than 4 KiB ones
        # (no effect on a journal already created)
        dbapi.execute("PRAGMA page_size=8192")
        dbapi.execute("PRAGMA journal_mode=WAL")
        dbapi.execute("PRAGMA synchronous=NORMAL")
        dbapi.execute("PRAGMA cache_size=-65536")  # KiB: a run's batches touch scattered pages
        # the WAL is copied into the file every 10,000 pages (80 MiB), not every 1,000: a page
        # a batch dirties is then copied once for several batches, not once a batch (a journal
        # made before 0007 keys its advice by a random fingerprint: pages all over the file)
        dbapi.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
        dbapi.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(db, "begin")
    def _begin(conn: Connection) -> None:
        immediately(conn.connection.dbapi_connection)

    return db


BUSY_POLL_S = (0.0005, 0.005)  # the first and the longest pause between tries


def immediately(dbapi: Any, timeout: float = BUSY_TIMEOUT_S) -> None:
    """``BEGIN IMMEDIATE``, tried again after a short pause while the database is locked: the
    waiting writer starts within milliseconds of the other's commit."""
    deadline = time.monotonic() + timeout
    pause = BUSY_POLL_S[0]
    dbapi.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, BUSY_POLL_S[1])
    finally:
        dbapi.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")


def head() -> str:
    from alembic.script import ScriptDirectory  # Alembic is imported when a journal migrates

    script = ScriptDirectory(str(MIGRATIONS))
    return str(script.get_current_head())


@functools.cache
def written_head() -> str | None:
    """The newest revision as the migration scripts write it (``revision = "0004"``, the one
    no other names as its ``down_revision``), read without Alembic: a journal already at it
    opens without importing Alembic. None when the scripts cannot be read so."""
    revisions, downs = set(), set()
    for script in (MIGRATIONS / "versions").glob("v*.py"):
        found = dict(re.findall(r'^(revision|down_revision)(?:: [^=]+)? = "([^"]+)"$',
                                script.read_text(encoding="utf-8"), re.M))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        downs.add(found.get("down_revision"))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def _revision(conn: Connection) -> str | None:
    """The journal's revision (Alembic's table), or None."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(db: Engine, where: str, revision: str = "head") -> None:
    """Bring the journal to ``revision`` (the newest by default); refuse what is not ours. A
    new journal (a database without tables) is made at the newest schema at once (``_made``)."""
    with db.begin() as conn:
        if conn.dialect.name == "postgresql":  # two servers opening one journal: one migrates
            key = int.from_bytes(hashlib.sha256(b"playbook-migrate").digest()[:7], "big")
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
        newest = written_head() if revision == "head" else None
        if newest is not None:
            tables = inspect(conn).get_table_names()
            if not tables:
                _made(conn, newest)
                return
            if "alembic_version" in tables and _revision(conn) == newest:
                return  # at the newest already
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        script = ScriptDirectory(str(MIGRATIONS))
        known = {r.revision for r in script.walk_revisions()}
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None and inspect(conn).get_table_names():
            raise fail("not-a-journal", "the database has tables but is not a journal",
                       where, expected="an empty database or one written by playbook")
        if current is not None and current not in known:
            raise fail("journal-too-new", f"the journal's schema '{current}' is newer than "
                       f"this playbook's '{head()}'", where,
                       hint="upgrade playbook-engine to read it")
        if current != revision:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, revision)


# Alembic's table of the journal's revision, as Alembic makes it
_VERSION = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                 PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def _made(conn: Connection, newest: str) -> None:
    """A new journal at the newest schema: the tables as tables.py declares them (the
    migrations make the same: tests/journal/test_migrations.py), what a table cannot say there
    (the advice's page fill on PostgreSQL, 0006) and the revision, without importing Alembic
    (a tenth of a second of a first run)."""
    from engine.journal.tables import ADVICE_FILLFACTOR, metadata

    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE advice SET (fillfactor = {ADVICE_FILLFACTOR})"))
    _VERSION.create(conn)
    conn.execute(_VERSION.insert().values(version_num=newest))


def revision_of(db: Engine) -> str | None:
    with db.connect() as conn:
        return _revision(conn)


def unreachable(exc: BaseException, where: str) -> DiagnosticsError:
    return database_error(exc, where, opening=True)


# What a database's own words say went wrong -> (code, message, hint); the first match wins.
_KNOWN = (
    (("file is not a database",),
     "not-a-journal", "the file is not a SQLite database, or it is damaged",
     "give the path of a journal or of a new file; restore a damaged journal from a backup"),
    (("disk image is malformed", "database corrupt"),
     "journal-damaged", "the journal's file is damaged",
     "restore it from a backup, or start a new journal (sqlite3's .recover command may save "
     "what can be read)"),
    (("readonly database", "read-only transaction", "permission denied",
      "unable to open database file"),
     "journal-read-only", "the journal cannot be written",
     "give the user who runs playbook the right to write the file and its folder (SQLite "
     "writes FILE-wal and FILE-shm beside it), or the database role the right to write"),
    (("value too long", "cannot contain nul", "string data right truncation",
      "invalid byte sequence"),
     "journal-bad-value", "the journal's database cannot hold a value",
     f"a client id is one line of at most {MAX_ID_LENGTH} characters"),
)


def database_error(exc: BaseException, where: str, opening: bool = False) -> DiagnosticsError:
    """A database failure as a diagnostic: what the database said (first line, escaped and
    shortened), with a hint for the failures people can fix."""
    said = str(getattr(exc, "orig", None) or exc).strip()
    first = escaped_line((said.splitlines() or [type(exc).__name__])[0][:300])
    folded = said.casefold()
    for words, code, message, hint in _KNOWN:
        if any(w in folded for w in words):
            return fail(code, f"{message}: {first}", where, hint=hint)
    if opening:
        return fail("journal-unreachable", f"cannot open the journal: {first}", where,
                    hint="check the path or URL, and that the database server is running")
    return fail("journal-failed", f"the journal's database failed: {first}", where,
                hint="check the database server and run again: a run recorded again adds only "
                     "what is missing")


def driver_errors() -> tuple[type[BaseException], ...]:
    """The exceptions of the database and its drivers (the bulk writes go straight through
    the driver, past SQLAlchemy's wrapping)."""
    found: list[type[BaseException]] = [DBAPIError, sqlite3.Error]
    try:
        import psycopg
    except ImportError:
        return tuple(found)
    return (*found, psycopg.Error)


@contextlib.contextmanager
def database_errors(where: str) -> Iterator[None]:
    """Within: every failure of the database is raised as a diagnostic."""
    try:
        yield
    except driver_errors() as exc:
        raise database_error(exc, where) from None


