"""No foreign keys from ``events.run_id`` and ``run_clients.run_id`` to ``runs``.

A foreign key is checked row by row: on PostgreSQL a trigger and a query for each event and
each run's client written, about half of the server's CPU for a first run's events (COPY of
105,000 events of 10,000 clients: 1.1 to 1.2 s with the key, 0.5 to 0.7 s without). The run
ids are written only by the recording, which writes the id of the run it started (and found
or inserted in ``runs`` first, in its own transaction) and never deletes a run; a person's
act has none. tests/journal/test_api.py checks that every event and every run's client names
a recorded run. Nothing is lost: the rows stay as they are (SQLite copies the two tables).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# SQLite's foreign keys have no names: the batch names them to drop them
NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
TABLES = ("events", "run_clients")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.drop_constraint(f"{table}_run_id_fkey", table, type_="foreignkey")
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", naming_convention=NAMES) as batch:
            batch.drop_constraint(f"fk_{table}_run_id_runs", type_="foreignkey")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgres:
            op.create_foreign_key(f"{table}_run_id_fkey", table, "runs", ["run_id"], ["id"])
            continue
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.create_foreign_key(f"fk_{table}_run_id_runs", "runs", ["run_id"], ["id"])
