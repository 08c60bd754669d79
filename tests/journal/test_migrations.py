"""A journal written by an older version is migrated, never silently misread; one from a newer
version, or a database that is not a journal, is refused. SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

import engine
from engine import journal
from engine.errors import DiagnosticsError
from engine.journal.database import connect, head, migrate, revision_of, written_head
from tests.journal.support import AS_OF, new_database, portfolio, record


def old_journal(target: str) -> None:
    """A journal at the first schema, with one run of one client as that version wrote it."""
    db = connect(target)
    migrate(db, target, "0001")
    with db.begin() as conn:
        conn.execute(text(
            "INSERT INTO runs (as_of, kb_version, input_digest, started_at, finished_at, "
            "complete) VALUES ('2026-10-14', 'old', 'd1', '2026-10-14 06:00:00', "
            "'2026-10-14 06:01:00', :yes)"), {"yes": True})
        conn.execute(text(
            "INSERT INTO run_clients (run_id, client_id, position, actions, new, changed, "
            "resolved, unchanged) VALUES (1, 'acme', 0, '[]', 1, 0, 0, 0)"))
        conn.execute(text(
            "INSERT INTO advice (fingerprint, client_id, kind, action_id, title, reason, "
            "priority, rules, status, matching, stopped, first_run, last_run) VALUES "
            "(:fp, 'acme', 'warning', 'detractor_at_risk', 'old title', 'old reason', 800, "
            "'nps_detractor', 'new', :yes, :no, 1, 1)"),
            {"fp": journal.policy.fingerprint("acme", "warning", "detractor_at_risk"),
             "yes": True, "no": False})
        conn.execute(text(
            "INSERT INTO advice (fingerprint, client_id, kind, action_id, title, reason, "
            "priority, rules, status, matching, stopped, first_run, last_run) VALUES "
            "(:fp, 'acme', 'communication', 'nps_followup', 'old', 'old', 800, "
            "'nps_detractor', 'open', :yes, :no, 1, 1)"),
            {"fp": journal.policy.fingerprint("acme", "communication", "nps_followup"),
             "yes": True, "no": False})
        conn.execute(text(
            "INSERT INTO events (fingerprint, client_id, kind, action_id, run_id, event, "
            "status, at) VALUES (:fp, 'acme', 'warning', 'detractor_at_risk', 1, 'new', 'new', "
            "'2026-10-14 06:00:30')"),
            {"fp": journal.policy.fingerprint("acme", "warning", "detractor_at_risk")})
    db.dispose()


def test_an_older_journal_is_migrated_and_read(target: str, kb: engine.KnowledgeBase) -> None:
    old_journal(target)
    assert revision_of(connect(target)) == "0001"
    with journal.open(target) as j:
        assert revision_of(j.db) == head() != "0001"
        assert [(i.id, i.status, i.since_run, i.since_on) for i in j.inbox().items] == [
            ("detractor_at_risk", "new", 1, dt.date(2026, 10, 14))]
        with j.db.connect() as conn:
            assert conn.execute(text("SELECT clients FROM runs")).scalar() == 1
            assert sorted(conn.execute(text("SELECT kind, role FROM advice")).all()) == [
                ("communication", "guide"), ("warning", "todo")]
        assert [(h.event, h.day) for h in j.history("acme")] == [
            ("new", dt.date(2026, 10, 14))]
        acme = {"id": "acme", "project_type": "lead_gen", "completed_steps": ["qualification"],
                "nps": 2}
        summary = record(j, kb, [acme], AS_OF)
        # the advice the old version recorded is seen again, not new; its title and reason
        # are today's now, quietly: its decision (priority band) is the same
        assert ("warning", "detractor_at_risk") not in {
            (c.kind, c.id) for c in j.changes() if c.change == "new"}
        assert summary.total.changed == 0
        assert [h.event for h in j.history("acme") if h.id == "detractor_at_risk"] == ["new"]
        item = next(i for i in j.inbox().items if i.id == "detractor_at_risk")
        assert item.title == "The client is a detractor" and item.due_on is not None


def test_a_journal_from_a_newer_version_is_refused(target: str) -> None:
    with journal.open(target) as j, j.db.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DiagnosticsError) as error:
        journal.open(target)
    assert error.value.diagnostics[0].message == (
        f"the journal's schema '9999' is newer than this playbook's '{head()}'")


def test_a_database_that_is_not_a_journal_is_refused(target: str) -> None:
    db = connect(target)
    with db.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer)"))
    db.dispose()
    with pytest.raises(DiagnosticsError) as error:
        journal.open(target)
    assert error.value.diagnostics[0].message == "the database has tables but is not a journal"


def test_the_journal_keeps_the_clients_facts(tmp_path: Path, kb: engine.KnowledgeBase) -> None:
    clients = portfolio(kb, 5)
    with journal.open(tmp_path / "j.db") as j:
        with pytest.raises(DiagnosticsError) as error:
            j.clients()
        assert error.value.diagnostics[0].message == "the journal has no complete run"
        first = record(j, kb, clients, AS_OF)
        record(j, kb, clients[::-1], AS_OF + dt.timedelta(days=1))
        latest, older = j.clients(), j.clients(first.run_id)
    assert [engine.Client.model_validate(c) for c in older] == [
        engine.Client.model_validate(c) for c in clients]
    assert [c["id"] for c in latest] == [c["id"] for c in clients[::-1]]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: milk, bread, eggs and something to read\n" * 40)
    with pytest.raises(DiagnosticsError) as error:
        journal.open(path)
    assert error.value.diagnostics[0].render() == (
        f"{path}: error[not-a-journal] the file is not a SQLite database, or it is damaged: "
        "file is not a database\n  hint: give the path of a journal or of a new file; restore "
        "a damaged journal from a backup")


def test_the_migrations_make_the_tables_the_code_declares(target: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engine.journal.tables import metadata

    db = connect(target)
    migrate(db, target, head())  # a revision named: the migrations, one by one
    db.dispose()
    with journal.open(target) as j, j.db.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def schema(target: str) -> dict[str, Any]:
    """What a database says of each table: columns (type, null, default), keys, indices, and
    on PostgreSQL its storage options."""
    db = connect(target)
    with db.connect() as conn:
        seen = inspect(conn)
        found: dict[str, Any] = {
            name: (seen.get_columns(name), seen.get_pk_constraint(name),
                   seen.get_foreign_keys(name), seen.get_unique_constraints(name),
                   sorted(seen.get_indexes(name), key=lambda i: str(i["name"])))
            for name in seen.get_table_names()}
        if conn.dialect.name == "postgresql":
            found["reloptions"] = conn.execute(text(
                "SELECT relname, reloptions FROM pg_class WHERE relnamespace = "
                "'public'::regnamespace AND reloptions IS NOT NULL ORDER BY relname")).all()
        found["revision"] = conn.execute(text("SELECT * FROM alembic_version")).all()
    db.dispose()
    return {k: repr(v) for k, v in found.items()}


def test_a_new_journal_is_made_as_the_migrations_make_it(target: str, tmp_path: Path) -> None:
    """A new journal is made at the newest schema at once, without Alembic: the same tables,
    columns, defaults, keys, indices and storage options as the migrations make, one by one."""
    other = str(tmp_path / "migrated.db") if "://" not in target \
        else new_database(target.rsplit("/", 1)[0])
    db = connect(other)
    migrate(db, other, head())
    db.dispose()
    journal.open(target).close()
    made, migrated = schema(target), schema(other)
    assert made == migrated and made["revision"] == f"[('{written_head()}',)]"


def test_a_journal_from_before_the_clients_table_learns_who_and_where(target: str) -> None:
    """0003 -> 0005: 0004 makes the clients table, 0005 fills it from each client's latest
    run's facts (name, owner, CRM link), without waiting for the next run."""
    db = connect(target)
    migrate(db, target, "0003")
    facts = {"d1": '{"id":"acme","name":"Acme","owner":"Ann"}',
             "d2": '{"crm_url":"https://crm.example/acme","id":"acme","name":"Acme Ltd",'
                   '"owner":"Bob"}', "d3": '{"id":"beta"}'}
    with db.begin() as conn:
        for day in (dt.date(2026, 10, 14), dt.date(2026, 10, 15)):
            conn.execute(text(
                "INSERT INTO runs (as_of, kb_version, input_digest, started_at, complete, "
                "clients) VALUES (:day, 'old', :digest, '2026-10-14 06:00:00', :yes, 1)"),
                {"day": day, "digest": day.isoformat(), "yes": True})
        for digest, value in facts.items():
            conn.execute(text("INSERT INTO client_facts (digest, facts) VALUES (:d, :f)"),
                         {"d": digest, "f": value})
        for run_id, client, digest in ((1, "acme", "d1"), (2, "acme", "d2"), (2, "beta", "d3")):
            conn.execute(text(
                "INSERT INTO run_clients (run_id, client_id, position, facts_digest, actions, "
                "new, changed, resolved, unchanged) VALUES (:r, :c, 0, :d, '[]', 0, 0, 0, 0)"),
                {"r": run_id, "c": client, "d": digest})
    db.dispose()
    with journal.open(target) as j, j.db.connect() as conn:
        assert conn.execute(text("SELECT client_id, name, owner, crm_url, last_run FROM clients "
                                 "ORDER BY client_id")).all() == [
            ("acme", "Acme Ltd", "Bob", "https://crm.example/acme", 2),
            ("beta", None, None, None, 2)]


@pytest.mark.slow
def test_advice_pages_keep_room_to_update_a_row_in_place_on_postgresql(
        postgres_server: str) -> None:
    """0006: a run's update of an advice row (open the day after it became new, its texts
    moving with a day count) fits on the row's own page, without new index entries."""
    with journal.open(new_database(postgres_server)) as j, j.db.connect() as conn:
        options = conn.execute(text(
            "SELECT reloptions FROM pg_class WHERE relname = 'advice'")).scalar()
        assert options == ["fillfactor=50"]


def test_the_newest_revision_is_read_alike_with_and_without_alembic() -> None:
    """A journal at the newest revision opens without importing Alembic: the scripts' own
    words name the same head as Alembic does, so a new migration is never skipped."""
    assert written_head() == head()
