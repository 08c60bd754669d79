"""Webhook events of ``playbook serve``: each event a CRM posted, stored before it is answered,
and the record changes already recorded (by CRM, account, record id and modification time).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _events()
    _records()


def _events() -> None:
    op.create_table(
        "hook_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("crm", sa.String(16), nullable=False),
        sa.Column("account", sa.String(100), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("modified", sa.String(40)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("lease_until", sa.DateTime),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("last_error", sa.Text),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("run_id", sa.Integer),
    )
    op.create_index("ix_hook_events_due", "hook_events", ["status", "next_attempt_at"])
    op.create_index("ix_hook_events_record", "hook_events", ["crm", "account", "record_id"])


def _records() -> None:
    op.create_table(
        "hook_records",
        sa.Column("crm", sa.String(16), primary_key=True),
        sa.Column("account", sa.String(100), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("modified", sa.String(40), primary_key=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hook_records")
    op.drop_index("ix_hook_events_record", "hook_events")
    op.drop_index("ix_hook_events_due", "hook_events")
    op.drop_table("hook_events")
