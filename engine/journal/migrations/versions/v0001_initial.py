"""The first journal: runs, what each run recommended per client, advice and its log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("kb_version", sa.String(64), nullable=False),
        sa.Column("input_digest", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.UniqueConstraint("as_of", "kb_version", "input_digest", name="uq_runs_key"),
    )
    op.create_table(
        "run_clients",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("client_id", sa.String(200), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("actions", sa.Text, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("resolved", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
    )
    _advice()
    _events()


def _advice() -> None:
    op.create_table(
        "advice",
        sa.Column("fingerprint", sa.String(32), primary_key=True),
        sa.Column("client_id", sa.String(200), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("action_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("matching", sa.Boolean, nullable=False),
        sa.Column("stopped", sa.Boolean, nullable=False),
        sa.Column("first_run", sa.Integer, nullable=False),
        sa.Column("last_run", sa.Integer, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("closed_priority", sa.Integer),
        sa.Column("snoozed_until", sa.Date),
        sa.Column("dismiss_reason", sa.String(32)),
        sa.Column("comment", sa.Text),
    )


def _events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("action_id", sa.String(200), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), index=True),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("dismiss_reason", sa.String(32)),
        sa.Column("until", sa.Date),
    )


def downgrade() -> None:
    for table in ("events", "advice", "run_clients", "runs"):
        op.drop_table(table)
