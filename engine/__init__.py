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

_WHERE = {  # public name -> the module that defines it
    "ClientError": "engine.errors", "Diagnostic": "engine.errors",
    "DiagnosticsError": "engine.errors", "KnowledgeBaseError": "engine.errors",
    "MatcherUnavailable": "engine.errors", "default_kb": "engine.kb.bundled",
    "KnowledgeBase": "engine.kb.knowledge_base", "check": "engine.lint", "load": "engine.lint",
    "Action": "engine.models", "Client": "engine.models", "Recommendation": "engine.models",
    "recommend": "engine.runtime.recommend", "Outcome": "engine.portfolio.run",
    "recommend_many": "engine.portfolio.run",
}

__all__ = [
    "Action", "Client", "ClientError", "Diagnostic", "DiagnosticsError", "KnowledgeBase",
    "KnowledgeBaseError", "MatcherUnavailable", "Outcome", "Recommendation", "__version__",
    "check", "default_kb", "load", "recommend", "recommend_many",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
