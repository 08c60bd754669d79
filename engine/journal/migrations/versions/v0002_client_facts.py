"""Each run keeps its clients' facts (so a later change to the knowledge base can be tried on
the last run's clients) and how many clients it recorded. Runs recorded before keep an empty
facts digest and a client count taken from what they recorded.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_facts",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("facts", sa.Text, nullable=False),
    )
    with op.batch_alter_table("run_clients") as batch:
        batch.add_column(sa.Column("facts_digest", sa.String(64), nullable=False,
                                   server_default=""))
        batch.create_index("ix_run_clients_facts_digest", ["facts_digest"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("clients", sa.Integer, nullable=False, server_default="0"))
    op.execute("UPDATE runs SET clients = (SELECT count(*) FROM run_clients "
               "WHERE run_clients.run_id = runs.id)")


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("clients")
    with op.batch_alter_table("run_clients") as batch:
        batch.drop_index("ix_run_clients_facts_digest")
        batch.drop_column("facts_digest")
    op.drop_table("client_facts")
