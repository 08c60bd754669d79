"""Portfolio runs on a Dask cluster: see engine.portfolio.dask (the 'dask' extra)."""

from __future__ import annotations

from engine.portfolio.dask import (
    KnowledgeBasePlugin,
    recommend_bag,
    recommend_many,
    register,
    run,
)

__all__ = ["KnowledgeBasePlugin", "recommend_bag", "recommend_many", "register", "run"]
