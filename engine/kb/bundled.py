"""The bundled knowledge base, loaded once per matcher and shared (thread-safe)."""

from __future__ import annotations

import threading

from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.load import load

_bundled: dict[str, KnowledgeBase] = {}
_lock = threading.Lock()


def default_kb(matcher: str = "python") -> KnowledgeBase:
    """The bundled knowledge base, loaded once per matcher (thread-safe)."""
    with _lock:
        if matcher not in _bundled:
            _bundled[matcher] = load(matcher=matcher)
        return _bundled[matcher]
