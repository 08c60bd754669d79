"""Recommendations to render: author text with markup, a pipe and a line break; a blocked step."""

from __future__ import annotations

import datetime as dt

import engine
from engine.models import Action, Recommendation

WARNING = Action(kind="warning", id="w1", title="Watch [bold]out[/bold]", reason="a | b\nc",
                 priority=90, rules=("ads_first_warning",), sources=("K28", "K01"), missing=())
BLOCKED = Action(kind="blocked", id="ads", title="Go", reason="waits", priority=90, rules=(),
                 sources=("K26",), missing=("landing_pages",))


def recommendation(kb: engine.KnowledgeBase, *actions: Action, client: str = "acme"
                   ) -> Recommendation:
    return Recommendation(client_id=client, as_of=dt.date(2026, 11, 1), kb_version=kb.version,
                          actions=list(actions))


def two_clients(kb: engine.KnowledgeBase) -> list[tuple[Recommendation, str | None]]:
    """acme (named Acme) with both actions, and e with none."""
    return [(recommendation(kb, WARNING, BLOCKED), "Acme"), (recommendation(kb, client="e"), None)]
