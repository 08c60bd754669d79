"""The daily loop: to-dos apart from guidance, due dates, who acted, what a change was, and each
client's name, owner and CRM link.

- ``advice``: ``role`` (todo, blocked, guide), ``missing`` (what a blocked step waits for),
  ``since_on`` (the day it became new) and ``due_on``; advice recorded before is a to-do since
  the day of the run that first recommended it, due as that run left it (none);
- ``events``: ``day`` (the run's day, or the day of a person's act), ``actor`` and ``detail``;
- ``runs``: ``lang``, the language of the titles and reasons it wrote;
- ``clients``: each client as its latest run saw it (filled by the next run).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("advice") as batch:
        batch.add_column(sa.Column("role", sa.String(8), nullable=False,
                                   server_default="todo"))
        batch.add_column(sa.Column("missing", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("since_on", sa.Date))
        batch.add_column(sa.Column("due_on", sa.Date))
    op.execute("UPDATE advice SET role = 'guide' WHERE kind = 'communication'")
    op.execute("UPDATE advice SET role = 'blocked' WHERE kind = 'blocked'")
    op.execute("UPDATE advice SET since_on = (SELECT as_of FROM runs "
               "WHERE runs.id = advice.first_run)")
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("day", sa.Date))
        batch.add_column(sa.Column("actor", sa.String(200)))
        batch.add_column(sa.Column("detail", sa.Text))
    op.execute("UPDATE events SET day = (SELECT as_of FROM runs WHERE runs.id = events.run_id) "
               "WHERE run_id IS NOT NULL")
    op.execute("UPDATE events SET day = CAST(at AS DATE) WHERE run_id IS NULL")
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("lang", sa.String(8), nullable=False, server_default="en"))
    op.create_table(
        "clients",
        sa.Column("client_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("owner", sa.String(200), index=True),
        sa.Column("crm_id", sa.String(200)),
        sa.Column("crm_url", sa.Text),
        sa.Column("project_type", sa.String(64)),
        sa.Column("nps", sa.Integer),
        sa.Column("last_run", sa.Integer, nullable=False),
        sa.Column("decision", sa.String(32), nullable=False, server_default=""),
        sa.Column("texts", sa.Text, nullable=False, server_default=""),
        sa.Column("wake_on", sa.Date),
    )


def downgrade() -> None:
    op.drop_table("clients")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("lang")
    with op.batch_alter_table("events") as batch:
        for name in ("detail", "actor", "day"):
            batch.drop_column(name)
    with op.batch_alter_table("advice") as batch:
        for name in ("due_on", "since_on", "missing", "role"):
            batch.drop_column(name)
