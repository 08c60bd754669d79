"""What is valid but almost certainly a mistake in a compiled knowledge base (the findings are
in engine/lint/findings.py); ``engine.check`` and ``engine.load`` (engine/api.py) run it."""

from __future__ import annotations

import dataclasses

from engine.kb.knowledge_base import KnowledgeBase
from engine.lint.findings import lint

__all__ = ["lint", "with_warnings"]


def with_warnings(kb: KnowledgeBase) -> KnowledgeBase:
    """``kb`` carrying its lint warnings (``kb.warnings``)."""
    return dataclasses.replace(kb, warnings=tuple(lint(kb)))
