"""playbook-engine: an expert system for how digital agencies run their client accounts.

    import engine
    rec = engine.recommend({"id": "acme", "project_type": "lead_gen"})
    kb = engine.load("path/to/kb")      # another knowledge base
    for outcome in engine.recommend_many(clients, workers=2): ...   # a portfolio, in order
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
from engine.portfolio.run import Outcome, recommend_many
from engine.runtime.recommend import recommend

__all__ = [
    "Action", "Client", "ClientError", "Diagnostic", "DiagnosticsError", "KnowledgeBase",
    "KnowledgeBaseError", "MatcherUnavailable", "Outcome", "Recommendation", "check", "default_kb",
    "load", "recommend", "recommend_many",
]
