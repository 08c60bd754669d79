"""Portfolio runs on a Dask cluster (the 'dask' extra): partition by partition, the compiled
knowledge base shipped to each worker once by a WorkerPlugin, the same records as
engine.recommend_many.

    from distributed import Client
    import engine.dask
    with Client("tcp://scheduler:8786") as client:
        for outcome in engine.dask.recommend_many(clients, client=client, as_of=day):
            ...
    outcomes = engine.dask.recommend_bag(bag, client=client, as_of=day).compute()
"""

from __future__ import annotations

import datetime as dt
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from engine.api import default_kb
from engine.errors import WorkersFailed
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.portfolio.records import Record
from engine.portfolio.run import (
    START_SECONDS,
    Chunk,
    Executor,
    Outcome,
    Result,
    as_records,
    in_order,
    outcome,
    recommend_chunk,
    unpack,
)
from engine.portfolio.run import run as run_locally

try:
    import distributed
    from distributed.diagnostics.plugin import WorkerPlugin
    from distributed.scheduler import KilledWorker
except ImportError as exc:  # pragma: no cover - the extra is installed in CI
    raise ImportError("running on Dask needs the 'dask' extra: "
                      "pip install 'playbook-engine[dask]'") from exc

_kbs: dict[str, KnowledgeBase] = {}  # on a worker: the knowledge bases its plugins brought


def key_of(kb: KnowledgeBase) -> str:
    return f"{kb.version}-{kb.matcher.name}"


class KnowledgeBasePlugin(WorkerPlugin):
    """Brings a compiled knowledge base to each worker once, as it joins."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.name = f"playbook-kb-{key_of(kb)}"

    def setup(self, worker: Any) -> None:
        _kbs[key_of(self.kb)] = self.kb


def register(client: distributed.Client, kb: KnowledgeBase) -> str:
    """Ship ``kb`` to every worker of the cluster (now and as they join); its key. A cluster
    without workers (for ``START_SECONDS``), or whose workers cannot take the knowledge base,
    is WorkersFailed."""
    try:
        client.wait_for_workers(1, timeout=START_SECONDS)
    except TimeoutError:
        raise WorkersFailed(f"the Dask cluster has no workers (waited {START_SECONDS:g} "
                            "seconds)") from None
    try:
        client.register_plugin(KnowledgeBasePlugin(kb))
    except Exception as exc:  # a worker died or refused while unpickling it
        raise WorkersFailed(f"the Dask workers could not take the knowledge base: "
                            f"{type(exc).__name__}: {str(exc)[:200]}") from None
    return key_of(kb)


def _waiting(client: distributed.Client) -> Callable[[Any], Any]:
    """How to wait for a task's result: in short waits, so that a cluster left without
    workers for ``START_SECONDS``, or a task that killed its workers, ends the run."""
    def wait(future: Any) -> Any:
        alone_since: float | None = None
        while True:
            try:
                return future.result(timeout=0.5)
            except TimeoutError:
                if client.nthreads():  # type: ignore[no-untyped-call]
                    alone_since = None
                    continue
                alone_since = alone_since or time.monotonic()
                if time.monotonic() - alone_since > START_SECONDS:
                    raise WorkersFailed("the Dask cluster lost all its workers and none came "
                                        f"back within {START_SECONDS:g} seconds") from None
            except KilledWorker as exc:
                raise WorkersFailed(f"Dask workers kept dying while recommending ({exc})"
                                    ) from None
    return wait


def _chunk(blob: bytes, key: str, as_of: dt.date, lang: str) -> bytes:
    """A pickled chunk in, its packed results pickled out: Dask moves one bytes object each
    way instead of serialising every record and result on its own."""
    return pickle.dumps(recommend_chunk(pickle.loads(blob), _kbs[key], as_of, lang), protocol=5)


def executor(client: distributed.Client, kb: KnowledgeBase, as_of: dt.date,
             lang: str) -> Executor:
    """Chunks as tasks on the cluster, two per worker thread in flight, results in order."""
    key = register(client, kb)
    window = 2 * max(1, sum(client.nthreads().values()))  # type: ignore[no-untyped-call]

    def mapped(chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, list[Any]]]:
        done = in_order(chunks, lambda c: cast(Any, client.submit(
            _chunk, pickle.dumps(c, protocol=5), key, as_of, lang, pure=False)), window,
            wait=_waiting(client))
        return ((chunk, pickle.loads(cast(bytes, blob))) for chunk, blob in done)
    return mapped


def run(records: Iterable[Record], kb: KnowledgeBase, *, as_of: dt.date, lang: str = "en",
        address: str | None = None, client: distributed.Client | None = None
        ) -> Iterator[tuple[Record, Result]]:
    """engine.portfolio.run.run on the cluster at ``address`` (or through ``client``)."""
    if client is None:
        with distributed.Client(address) as own:  # type: ignore[no-untyped-call]
            yield from run(records, kb, as_of=as_of, lang=lang, client=own)
        return
    yield from run_locally(records, kb, as_of=as_of, lang=lang,
                           executor=executor(client, kb, as_of, lang))


def recommend_many(clients: Iterable[Client | Mapping[str, Any]], *,
                   client: distributed.Client, kb: KnowledgeBase | None = None,
                   as_of: dt.date | None = None, lang: str = "en") -> Iterator[Outcome]:
    """engine.recommend_many on the cluster: the same outcomes, in the same order."""
    kb = kb or default_kb()
    for record, result in run(as_records(clients), kb, as_of=as_of or dt.date.today(),
                              lang=lang, client=client):
        yield outcome(record, result)


def _bag_partition(clients: Iterable[Any], key: str, as_of: dt.date,
                   lang: str) -> list[Outcome]:
    records = list(as_records(clients))
    packed = recommend_chunk(records, _kbs[key], as_of, lang)
    return [outcome(r, unpack(p)) for r, p in zip(records, packed, strict=True)]


def recommend_bag(bag: Any, *, client: distributed.Client, kb: KnowledgeBase | None = None,
                  as_of: dt.date | None = None, lang: str = "en") -> Any:
    """A dask.bag of clients -> a bag of their outcomes, partition by partition (errors are
    located as client[INDEX] within the partition)."""
    kb = kb or default_kb()
    key = register(client, kb)
    return bag.map_partitions(_bag_partition, key, as_of or dt.date.today(), lang)
