"""Shared by the journal tests: a throwaway PostgreSQL server, a fresh journal on SQLite and on
PostgreSQL for each test, and a generated portfolio of clients for the bundled knowledge base.

The PostgreSQL server is real: initdb and pg_ctl (Debian's ``postgresql`` package, found on PATH
or under /usr/lib/postgresql) on a temporary folder, listening on 127.0.0.1 at a free port,
with trust authentication; run as the ``postgres`` user when the tests run as root (PostgreSQL
refuses root). Without the binaries, or without the driver (psycopg, the ``postgres`` extra), the
PostgreSQL half skips and says why.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

import engine
from engine import journal
from engine.tools.generate import random_clients

AS_OF = dt.date(2026, 10, 15)
ROOT = Path(__file__).resolve().parents[2]


def pg_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return installed[-1].parent if installed else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def pg_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL server; yields its URL (no database part)."""
    bindir = pg_bindir()
    assert bindir is not None, "no PostgreSQL binaries"
    base = Path(tempfile.mkdtemp(prefix="playbook-pg-"))
    user = "postgres" if os.geteuid() == 0 else None
    if user:
        shutil.chown(base, user)
    port = _free_port()

    def pg(*args: str) -> None:
        subprocess.run(args, check=True, user=user, capture_output=True, cwd=base)

    pg(str(bindir / "initdb"), "-D", str(base / "data"), "-U", "postgres", "--auth=trust",
       "-E", "UTF8", "--no-sync")
    pg(str(bindir / "pg_ctl"), "-D", str(base / "data"), "-l", str(base / "log"), "-w",
       "-o", f"-h 127.0.0.1 -p {port} -k {base} -F", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        pg(str(bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a running throwaway PostgreSQL server, for the whole session."""
    if pg_bindir() is None:
        pytest.skip("no PostgreSQL binaries (pg_ctl, initdb): apt-get install postgresql")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("no PostgreSQL driver (psycopg): pip install 'playbook-engine[postgres]'")
    with pg_server() as url:
        yield url


def new_database(server: str) -> str:
    name = f"j{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty journal: a SQLite file, or a database on the throwaway server."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    return new_database(request.getfixturevalue("postgres_server"))


@pytest.fixture(scope="session")
def kb() -> engine.KnowledgeBase:
    return engine.load(ROOT)


def portfolio(kb: engine.KnowledgeBase, n: int = 200, seed: int = 14) -> list[dict[str, Any]]:
    """``n`` random clients of the knowledge base (engine.tools.generate), every fact known."""
    return list(random_clients(kb, n, seed))


def record(j: journal.Journal, kb: engine.KnowledgeBase, clients: list[dict[str, Any]],
           as_of: dt.date, **options: Any) -> journal.RunSummary:
    """Record a run of recommend() over ``clients`` as of ``as_of``."""
    pairs = ((c, engine.recommend(c, kb=kb, as_of=as_of)) for c in clients)
    return j.record(pairs, as_of=as_of, kb_version=kb.version,
                    input_digest=journal.input_digest(clients),
                    policy=options.pop("policy", journal.Policy.of(kb)), **options)


def keys(clients: list[dict[str, Any]], kb: engine.KnowledgeBase, as_of: dt.date,
         roles: tuple[str, ...] = ("todo", "blocked")) -> set[tuple[str, str, str]]:
    """(client, kind, id) of what recommend() gives these clients on that day that the journal
    tracks (to-dos and blocked steps; ``roles`` to choose)."""
    policy = journal.Policy.of(kb)
    return {(c["id"], a.kind, a.id) for c in clients
            for a in engine.recommend(c, kb=kb, as_of=as_of).actions
            if policy.role(a.kind, a.rules) in roles}


def count(target: str, table: str) -> int:
    url = target if "://" in target else f"sqlite:///{target}"
    db = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with db.connect() as conn:
        found = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    db.dispose()
    return found
