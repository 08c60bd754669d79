"""Advice keyed by client: the primary key is (client id, fingerprint), not the fingerprint
alone, and the separate index on the client id goes (the key's first column serves it).

A run writes its clients' advice together, clients in the order of its input; the fingerprint
(a SHA-256) is random, so each batch's new advice rows landed on index pages all over the
file, and SQLite's write-ahead log copied nearly every page of that index again at each
batch's commit (at 1,000,000 advice rows, tens of MiB a batch). Keyed by client first, a
batch's rows go to a few neighbouring pages, and one index fewer is kept up to date per row.
Every lookup of a fingerprint names its client (the fingerprint is made from it). Nothing is
lost: the rows are copied as they are (SQLite rebuilds the table; PostgreSQL swaps the key).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("advice_pkey", "advice", type_="primary")
        op.create_primary_key("advice_pkey", "advice", ["client_id", "fingerprint"])
        op.drop_index("ix_advice_client_id", table_name="advice")
        return
    # SQLite: the table made again with the new key (the copy's fingerprint column is still
    # marked as the old key, which the new key replaces: SQLAlchemy says so, and does it)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_advice' specifies columns",
                                sa.exc.SAWarning)
        with op.batch_alter_table("advice", recreate="always") as batch:
            batch.drop_index("ix_advice_client_id")
            batch.create_primary_key("advice_pkey", ["client_id", "fingerprint"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("advice_pkey", "advice", type_="primary")
        op.create_primary_key("advice_pkey", "advice", ["fingerprint"])
        op.create_index("ix_advice_client_id", "advice", ["client_id"])
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_advice' specifies columns",
                                sa.exc.SAWarning)
        with op.batch_alter_table("advice", recreate="always") as batch:
            batch.create_primary_key("advice_pkey", ["fingerprint"])
            batch.create_index("ix_advice_client_id", ["client_id"])
