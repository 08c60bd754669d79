"""The journal's tables (SQLAlchemy Core), as the newest migration leaves them.

- ``runs``: one row per run (as_of, kb_version, input digest, started/finished, complete or not);
- ``run_clients``: per run and client, where it stood in the input, the digest of its facts, what
  the run recommended (JSON) and how many pieces of advice were new, changed, resolved, unchanged;
- ``client_facts``: each distinct set of client facts once, by digest (a client whose facts did
  not change between runs costs no new row);
- ``advice``: the current state of each piece of advice, keyed by its client id and a
  fingerprint of client id + kind + action id;
- ``events``: the append-only log of what runs did (new, changed, resolved) and what people
  did (done, dismissed, snoozed) with each piece of advice: the day it counts for, who acted,
  and for a change what it was before and after;
- ``clients``: each client as its latest run saw it: name, owner, CRM link, NPS, that run, and
  a digest of its decisions and a checksum of each tracked advice's texts (a client whose
  decisions did not move is recorded without reading its advice back);
- ``hook_events`` and ``hook_records``: what CRM webhooks posted to ``playbook serve``, and
  which record changes a run recorded (below).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    literal_column,
)

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False),
    Column("kb_version", String(64), nullable=False),
    Column("input_digest", String(64), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("complete", Boolean, nullable=False),
    Column("clients", Integer, nullable=False, server_default="0"),
    Column("lang", String(8), nullable=False, server_default="en"),  # of its titles and reasons
    UniqueConstraint("as_of", "kb_version", "input_digest", name="uq_runs_key"),
)

run_clients = Table(
    "run_clients", metadata,
    # a run's id: no foreign key (0008), the recording writes only the run it started
    Column("run_id", Integer, primary_key=True),
    Column("client_id", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("actions", Text, nullable=False),
    Column("new", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("resolved", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("facts_digest", String(64), nullable=False, server_default="", index=True),  # 0002
)

client_facts = Table(
    "client_facts", metadata,
    Column("digest", String(64), primary_key=True),
    Column("facts", Text, nullable=False),
)

advice = Table(
    "advice", metadata,
    Column("fingerprint", String(32), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("action_id", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("rules", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("matching", Boolean, nullable=False),  # recommended by the client's latest run
    Column("stopped", Boolean, nullable=False),  # stopped matching since it was closed
    Column("first_run", Integer, nullable=False),
    Column("last_run", Integer, nullable=False),  # the last run that recommended it
    Column("closed_on", Date),
    Column("closed_priority", Integer),
    Column("snoozed_until", Date),
    Column("dismiss_reason", String(32)),
    Column("comment", Text),
    Column("role", String(8), nullable=False, server_default="todo"),  # todo, blocked, guide
    Column("missing", Text, nullable=False, server_default=""),  # blocked: what it waits for
    Column("since_on", Date),  # the day it last became new
    Column("due_on", Date),  # a to-do's due date
    # keyed by client first (0007): a run's new rows go where its clients' rows are, not all
    # over a random fingerprint's index; a fingerprint is looked up with its client
    PrimaryKeyConstraint("client_id", "fingerprint", name="advice_pkey"),
)


def written_order(conn: Connection) -> ColumnElement[Any]:
    """Advice rows in the order they were written (SQLite's rowid, PostgreSQL's place in the
    table): a client's rows come in this order, as they did when a client's rows were read
    through an index of the client id alone (before 0007), not in fingerprint order."""
    return literal_column("advice.rowid" if conn.dialect.name == "sqlite" else "advice.ctid")


def written_key(value: int | str) -> tuple[int, ...]:
    """A ``written_order`` value as a sort key: SQLite's rowid, or PostgreSQL's ctid as its
    driver gives it, ``(page,item)``."""
    if isinstance(value, int):
        return (value,)
    return tuple(int(part) for part in value.strip("()").split(","))


# PostgreSQL: the advice's pages are filled half-way, so that a run's update of a row fits on
# its own page without new index entries (migration 0006; a new journal gets it at once)
ADVICE_FILLFACTOR = 50

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(32), nullable=False),
    Column("client_id", String(200), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("action_id", String(200), nullable=False),
    # the run's id (no foreign key, 0008), none: a person's act
    Column("run_id", Integer, index=True),
    Column("event", String(16), nullable=False),
    Column("status", String(16), nullable=False),  # the advice's status after it
    Column("at", DateTime, nullable=False),
    Column("note", Text),  # the advice's reason (a run) or the person's comment
    Column("dismiss_reason", String(32)),
    Column("until", Date),
    Column("day", Date),  # the run's day, or the day a person's act counts for
    Column("actor", String(200)),  # who acted (a person's act)
    Column("detail", Text),  # a change: JSON {field: [before, after]}
)

# an event's advice row: by its key, client first (0007)
EVENT_ADVICE = ((advice.c.client_id == events.c.client_id)
                & (advice.c.fingerprint == events.c.fingerprint))

clients = Table(
    "clients", metadata,
    Column("client_id", String(200), primary_key=True),
    Column("name", Text),
    Column("owner", String(200), index=True),
    Column("crm_id", String(200)),
    Column("crm_url", Text),
    Column("project_type", String(64)),
    Column("nps", Integer),
    Column("last_run", Integer, nullable=False),
    Column("decision", String(32), nullable=False, server_default=""),
    Column("texts", Text, nullable=False, server_default=""),  # each advice's text checksum
    Column("wake_on", Date),  # a snooze ends or a cooldown runs out: decide again
)

# --- webhook events (``playbook serve``) ------------------------------------------------------
# Each event a CRM posted, stored before the CRM is answered: a worker claims it (one worker:
# a lease, taken with FOR UPDATE SKIP LOCKED on PostgreSQL), fetches and maps the record,
# recommends and records a one-client run. ``hook_records`` holds what was recorded, by CRM,
# account, record id and modification time: the same change is recorded once.

hook_events = Table(
    "hook_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("crm", String(16), nullable=False),
    Column("account", String(100), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),  # add, update, status; ONCRMDEALUPDATE, ...
    Column("modified", String(40)),  # the record's modification time, when the event says it
    Column("payload", Text, nullable=False),  # the event's own fields, as received (JSON)
    Column("received_at", DateTime, nullable=False),
    # pending, claimed, done, duplicate (recorded before), coalesced (into a later event of
    # the same record), failed (no more tries)
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("lease_until", DateTime),  # a claim lasts until then; a dead worker's expires
    Column("claimed_by", String(64)),
    Column("last_error", Text),  # the last failure: a diagnostic as JSON
    Column("finished_at", DateTime),
    Column("run_id", Integer),  # the journal run that recorded it
)
Index("ix_hook_events_due", hook_events.c.status, hook_events.c.next_attempt_at)
Index("ix_hook_events_record", hook_events.c.crm, hook_events.c.account,
      hook_events.c.record_id)

hook_records = Table(
    "hook_records", metadata,
    Column("crm", String(16), primary_key=True),
    Column("account", String(100), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    Column("modified", String(40), primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("event_id", Integer, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)
