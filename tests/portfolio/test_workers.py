"""Workers that fail, fail fast: a pool worker that cannot start, or that dies, ends
recommend_many (and so `playbook run`) with WorkersFailed within seconds, its processes
stopped; the same for Dask workers that cannot take the knowledge base."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

import pytest

import engine
from engine.errors import WorkersFailed
from engine.portfolio import run as portfolio_run

CLIENTS = [{"id": f"c{i}", "project_type": "lead_gen"} for i in range(2000)]


class _Hangs(engine.KnowledgeBase):
    """A knowledge base that, sent to a worker, keeps it from ever starting."""

    def __reduce__(self) -> Any:
        return (time.sleep, (600,))


class _Kills(engine.KnowledgeBase):
    """A knowledge base that, sent to a worker, ends its process."""

    def __reduce__(self) -> Any:
        return (os._exit, (3,))


def poisoned(kind: type[engine.KnowledgeBase]) -> engine.KnowledgeBase:
    kb = engine.default_kb()
    return kind(**{f.name: getattr(kb, f.name) for f in dataclasses.fields(kb)})


@pytest.mark.slow
def test_a_worker_that_cannot_start_ends_the_run_within_30_seconds() -> None:
    started = time.monotonic()
    with pytest.raises(WorkersFailed, match="2 of 2 worker processes did not start within 20"):
        list(engine.recommend_many(CLIENTS, kb=poisoned(_Hangs), workers=2))
    assert time.monotonic() - started < 30
    assert portfolio_run.START_SECONDS == 20


def test_a_worker_that_dies_ends_the_run_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(WorkersFailed, match="a worker process stopped before its work was done"):
        list(engine.recommend_many(CLIENTS, kb=poisoned(_Kills), workers=2))
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_dask_workers_that_cannot_take_the_knowledge_base_end_the_run() -> None:
    distributed = pytest.importorskip("distributed")
    import engine.dask

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        started = time.monotonic()
        with pytest.raises(WorkersFailed, match="the Dask workers could not take the "
                                                "knowledge base"):
            list(engine.dask.recommend_many(CLIENTS, kb=poisoned(_Kills), client=client))
        assert time.monotonic() - started < 30
