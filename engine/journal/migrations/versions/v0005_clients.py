"""Who and where each client of a journal recorded before 0004 is, at once: 0004 made the
``clients`` table (filled by each run); this fills it for the clients no run recorded since,
from the facts their latest run kept: name, owner, CRM id and link, project type and NPS.
Their ``decision`` is left empty: their next run decides their advice again.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TEXTS = {"name": None, "owner": 200, "crm_id": 200, "crm_url": None, "project_type": 64}
BATCH = 1000


def upgrade() -> None:
    bind = op.get_bind()
    clients = sa.table("clients", sa.column("client_id"), sa.column("last_run"),
                       sa.column("nps"), *(sa.column(k) for k in TEXTS))
    rows = bind.execute(sa.text(
        "SELECT run_clients.client_id, run_clients.run_id, client_facts.facts "
        "FROM run_clients JOIN client_facts ON client_facts.digest = run_clients.facts_digest "
        "JOIN (SELECT client_id, MAX(run_id) AS run_id FROM run_clients GROUP BY client_id) "
        "AS latest ON latest.client_id = run_clients.client_id "
        "AND latest.run_id = run_clients.run_id "
        "WHERE run_clients.client_id NOT IN (SELECT client_id FROM clients)")).all()
    batch: list[dict[str, Any]] = []
    for client_id, run_id, facts in rows:
        batch.append({"client_id": client_id, "last_run": run_id, **_who(json.loads(facts))})
        if len(batch) == BATCH:
            op.bulk_insert(clients, batch)
            batch = []
    if batch:
        op.bulk_insert(clients, batch)


def _who(facts: Any) -> dict[str, Any]:
    data = facts if isinstance(facts, dict) else {}
    out: dict[str, Any] = {}
    for key, longest in TEXTS.items():
        value = data.get(key)
        out[key] = None if value is None else str(value)[:longest]
    nps = data.get("nps")
    out["nps"] = nps if isinstance(nps, int) and not isinstance(nps, bool) else None
    return out


def downgrade() -> None:
    """Nothing to undo: the rows are what the clients' next run would have written (0004's
    downgrade drops the table)."""
