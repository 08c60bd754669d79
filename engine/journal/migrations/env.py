"""Alembic's environment for the journal: always run on a connection the journal opened."""

from __future__ import annotations

from alembic import context

from engine.journal.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=True)  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
