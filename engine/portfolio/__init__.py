"""Portfolio runs: many clients in (YAML, JSON, JSON Lines, CSV, Parquet, stdin), through a CRM
mapping file, recommended in order on one core, on a process pool or on a Dask cluster, written
out as JSON Lines, CSV, Parquet or SQLite, summed up, and optionally recorded in the run journal.

``engine.portfolio.run_portfolio`` (pipeline.py) is the whole of `playbook run` as a library
call; ``engine.recommend_many`` (run.py) the run loop alone. Above the run time (one client)
and the journal; it only orchestrates recommend().
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.portfolio.pipeline import ErrorSink, argument_mistake, run_portfolio
    from engine.portfolio.summary import Summary

__all__ = ["ErrorSink", "Summary", "argument_mistake", "run_portfolio"]

# what a file's name says it holds (here, not in readers.py: `playbook dry-run` asks it of
# every client file, and reads YAML and JSON without the portfolio's readers)
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl",
              ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def format_of(path: str) -> str | None:
    return EXTENSIONS.get(PurePath(path).suffix.lower())


def __getattr__(name: str) -> Any:  # imported when first used: a reader alone stays light
    if name in ("ErrorSink", "argument_mistake", "run_portfolio"):
        from engine.portfolio import pipeline

        return getattr(pipeline, name)
    if name == "Summary":
        from engine.portfolio.summary import Summary

        return Summary
    raise AttributeError(f"module 'engine.portfolio' has no attribute {name!r}")
