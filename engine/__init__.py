"""playbook-engine: an expert system for how digital agencies run their client accounts.

    import engine
    rec = engine.recommend({"id": "acme", "project_type": "lead_gen"})
    kb = engine.load("path/to/kb")      # another knowledge base
"""

from __future__ import annotations

from engine.errors import (
    ClientError,
    Diagnostic,
    DiagnosticsError,
    KnowledgeBaseError,
    MatcherUnavailable,
)
from engine.kb.bundled import default_kb
from engine.kb.knowledge_base import KnowledgeBase
from engine.lint import check, load
from engine.models import Action, Client, Recommendation
from engine.runtime.recommend import recommend
from engine.vocabulary import ENGINE_VERSION as __version__

__all__ = [
    "Action",
    "Client",
    "ClientError",
    "Diagnostic",
    "DiagnosticsError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "MatcherUnavailable",
    "Recommendation",
    "__version__",
    "check",
    "default_kb",
    "load",
    "recommend",
]
