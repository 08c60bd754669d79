"""playbook-engine: an expert system for how digital agencies run their client accounts.

    import engine
    rec = engine.recommend({"id": "acme", "project_type": "lead_gen"})
    kb = engine.load("path/to/kb")      # another knowledge base
"""

from __future__ import annotations

import threading

from engine.errors import (
    ClientError,
    Diagnostic,
    DiagnosticsError,
    KnowledgeBaseError,
    MatcherUnavailable,
)
from engine.kb import KnowledgeBase
from engine.loader import check, load
from engine.models import Action, Client, Recommendation
from engine.recommend import recommend

__all__ = [
    "Action", "Client", "ClientError", "Diagnostic", "DiagnosticsError", "KnowledgeBase",
    "KnowledgeBaseError", "MatcherUnavailable", "Recommendation", "check", "default_kb", "load",
    "recommend",
]

_bundled: dict[str, KnowledgeBase] = {}
_lock = threading.Lock()


def default_kb(matcher: str = "python") -> KnowledgeBase:
    """The bundled knowledge base, loaded once per matcher (thread-safe)."""
    with _lock:
        if matcher not in _bundled:
            _bundled[matcher] = load(matcher=matcher)
        return _bundled[matcher]
