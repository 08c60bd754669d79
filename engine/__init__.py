"""playbook-engine: an expert system for how digital agencies run their client accounts.

    import engine
    rec = engine.recommend({"id": "acme", "project_type": "lead_gen"})
    kb = engine.load("path/to/kb")      # another knowledge base
    for outcome in engine.recommend_many(clients, workers=2): ...   # a portfolio, in order

The names below are imported when first used (PEP 562), so ``import engine`` and the command
line start fast: a command imports only what it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engine.version import __version__

if TYPE_CHECKING:
    from engine.api import check, default_kb, evaluate, load, recommend
    from engine.errors import (
        ClientError,
        Diagnostic,
        DiagnosticsError,
        KnowledgeBaseError,
        MatcherUnavailable,
        WorkersFailed,
    )
    from engine.kb.knowledge_base import KnowledgeBase
    from engine.models import Action, Client, Recommendation
    from engine.portfolio.run import Outcome, recommend_many

_WHERE = {  # public name -> the module that defines it
    "ClientError": "engine.errors", "Diagnostic": "engine.errors",
    "DiagnosticsError": "engine.errors", "KnowledgeBaseError": "engine.errors",
    "MatcherUnavailable": "engine.errors", "WorkersFailed": "engine.errors",
    "default_kb": "engine.api", "check": "engine.api",
    "load": "engine.api", "recommend": "engine.api", "evaluate": "engine.api",
    "KnowledgeBase": "engine.kb.knowledge_base",
    "Action": "engine.models", "Client": "engine.models", "Recommendation": "engine.models",
    "Outcome": "engine.portfolio.run",
    "recommend_many": "engine.portfolio.run",
}

__all__ = [
    "Action", "Client", "ClientError", "Diagnostic", "DiagnosticsError", "KnowledgeBase",
    "KnowledgeBaseError", "MatcherUnavailable", "Outcome", "Recommendation", "WorkersFailed",
    "__version__",
    "check", "default_kb", "evaluate", "load", "recommend", "recommend_many",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
