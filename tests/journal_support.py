"""Shared by the journal tests: a throwaway PostgreSQL server, a fresh journal on SQLite and on
PostgreSQL for each test, and a generated portfolio of clients for the bundled knowledge base.

The PostgreSQL server is real: initdb and pg_ctl (Debian's ``postgresql`` package, found on PATH
or under /usr/lib/postgresql) on a temporary folder, listening on 127.0.0.1 at a free port,
with trust authentication; run as the ``postgres`` user when the tests run as root (PostgreSQL
refuses root). Without the binaries the PostgreSQL half skips and says why.
"""

from __future__ import annotations

import datetime as dt
import os
import random
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

AS_OF = dt.date(2026, 10, 15)
ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a running throwaway PostgreSQL server (no database part)."""
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries (pg_ctl, initdb): apt-get install postgresql")
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


def new_database(server: str) -> str:
    name = f"j{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty journal: a SQLite file, or a database on the throwaway server."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    return new_database(request.getfixturevalue("postgres_server"))


@pytest.fixture(scope="session")
def kb() -> engine.KnowledgeBase:
    return engine.load(ROOT)


def client(rng: random.Random, kb: engine.KnowledgeBase, i: int) -> dict[str, Any]:
    """A plausible client of the bundled knowledge base; dates are ISO text as in a file."""
    project_type = rng.choice(sorted(kb.journeys))
    order = kb.journeys[project_type].order

    def day() -> str:
        return (AS_OF - dt.timedelta(days=rng.randint(0, 300))).isoformat()

    target = rng.uniform(100, 5000)
    return {
        "id": f"c{i:03d}", "project_type": project_type,
        "completed_steps": list(order[: rng.randint(0, len(order))]),
        "importance": rng.choice(["key", "regular", "low"]),
        "temperament": rng.choice(["choleric", "sanguine", "melancholic", "phlegmatic"]),
        "monthly_budget": rng.randint(5_000, 2_000_000), "nps": rng.randint(0, 10),
        "kpis": [{"name": "CPL", "target": target, "actual": target * rng.uniform(0.6, 1.5),
                  "higher_is_better": False}],
        "contact_changes_12m": rng.randint(0, 4), "campaign_launched_on": day(),
        "last_contact_on": day(), "last_meeting_on": day(), "nps_surveyed_on": day(),
        "client_since": (AS_OF - dt.timedelta(days=rng.randint(30, 900))).isoformat(),
    }


def portfolio(kb: engine.KnowledgeBase, n: int = 200, seed: int = 14) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [client(rng, kb, i) for i in range(n)]


def record(j: journal.Journal, kb: engine.KnowledgeBase, clients: list[dict[str, Any]],
           as_of: dt.date, **options: Any) -> journal.RunSummary:
    """Record a run of recommend() over ``clients`` as of ``as_of``."""
    pairs = ((c, engine.recommend(c, kb=kb, as_of=as_of)) for c in clients)
    return j.record(pairs, as_of=as_of, kb_version=kb.version,
                    input_digest=journal.input_digest(clients),
                    policy=options.pop("policy", kb.journal), **options)


def keys(clients: list[dict[str, Any]], kb: engine.KnowledgeBase, as_of: dt.date
         ) -> set[tuple[str, str, str]]:
    """(client, kind, id) of everything recommend() gives these clients on that day."""
    return {(c["id"], a.kind, a.id) for c in clients
            for a in engine.recommend(c, kb=kb, as_of=as_of).actions}


def count(target: str, table: str) -> int:
    url = target if "://" in target else f"sqlite:///{target}"
    db = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with db.connect() as conn:
        found = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    db.dispose()
    return found
