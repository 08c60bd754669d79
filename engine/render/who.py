"""A client as a cell of the portfolio's tables names it: its name with its id (the owner and the
CRM link have their own columns). The journal's views head each client with
``engine.render.journal.client_heading``."""

from __future__ import annotations


def named(client_id: str, name: str | None = None) -> str:
    """``ООО «Альфа» (1001)``; the id alone when the client has no name (or it is the id).
    As written: the caller escapes it for where it goes."""
    return client_id if not name or name == client_id else f"{name} ({client_id})"
