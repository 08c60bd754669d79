"""The portfolio run loop: records in, (record, recommendation or errors) out, in input order,
on this process, on a process pool, or on any executor of chunks (engine.dask).

Records are taken in chunks; a pool keeps a bounded number of chunks in flight, so memory does
not grow with the number of clients. The pool's workers get the compiled knowledge base once,
when they start (it pickles as a value). Results travel between processes packed (``pack``):
a recommendation in the run time's wire form (engine/runtime/wire.py: plain tuples, cheaper to
pickle than the model, rebuilt as the very same value on the other side), a client's errors as
they are.
Same input, same output for any number of workers.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, TimeoutError
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple, cast

from engine.api import default_kb
from engine.errors import ClientError, Diagnostic, Location, WorkersFailed, escaped_line
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client, Recommendation
from engine.portfolio.records import Record
from engine.runtime.clients import coerce
from engine.runtime.recommend import recommend_valid
from engine.runtime.wire import from_wire, to_wire
from engine.vocabulary import LANGUAGES, Language

Errors = tuple[Diagnostic, ...]
Result = Recommendation | Errors


def pack(result: Result) -> Any:
    if isinstance(result, tuple):
        return list(result)  # errors travel as a list, a recommendation as a tuple
    return to_wire(result)


def unpack(packed: Any) -> Result:
    if isinstance(packed, list):
        return tuple(packed)
    return from_wire(packed)


CHUNK = 512  # clients per task
Chunk = list[Record]
# chunks in, each chunk with its packed results out, in order
Executor = Callable[[Iterator[Chunk]], Iterator[tuple[Chunk, list[Any]]]]


class Outcome(NamedTuple):
    """One client of ``recommend_many``: its recommendation, or what is wrong with it."""

    client_id: str | None
    recommendation: Recommendation | None
    errors: tuple[Diagnostic, ...] = ()


def recommend_record(record: Record, kb: KnowledgeBase, as_of: dt.date, lang: str) -> Result:
    """One record's recommendation, or its errors located in its source. Whatever goes wrong
    with one client is that client's error, never the run's: a failure of the engine itself on
    a valid client is ``internal-error``, to report (``client_of`` says the rest)."""
    client = client_of(record, kb)
    if isinstance(client, tuple):
        return client
    try:
        return recommend_valid(client, kb=kb, as_of=as_of, lang=cast(Language, lang))
    except Exception as exc:  # our bug: this client's error, and the run goes on
        return (_failed(record, "internal-error", "recommending for this client failed", exc,
                        hint="please report it, with the client's facts"),)


def client_of(record: Record, kb: KnowledgeBase) -> Client | Errors:
    """One record's client, or every mistake of it: the cells that could not be read and the
    fields the client model or the knowledge base refuses, located in its source; data that
    fails as it is read (an object whose methods raise) is ``bad-client``."""
    if record.problems:
        return record.problems
    try:
        client = coerce(record.data, kb)
    except ClientError:
        return record.bad_cells + _located(record, kb)
    except Exception as exc:  # the client's own objects failed as they were read
        return (_failed(record, "bad-client", "the client's data cannot be read", exc),)
    if record.bad_cells:  # the rest of the row is fine: these are all its mistakes
        return record.bad_cells
    return client


def _where(record: Record) -> Location:
    return (Location(record.source, record.line, 1) if record.line
            else Location(f"{record.source}[{record.row - 1}]"))


def _failed(record: Record, code: str, message: str, exc: Exception,
            hint: str | None = None) -> Diagnostic:
    try:
        why = f"{type(exc).__name__}: {exc}"
    except Exception:  # an exception whose text fails too
        why = type(exc).__name__
    return Diagnostic(code, f"{message} ({escaped_line(why[:200])})", _where(record),
                      hint=hint)


def _located(record: Record, kb: KnowledgeBase) -> Errors:
    doc = record.document()
    if not record.line:
        doc.path = f"{record.source}[{record.row - 1}]"
    try:
        coerce(record.data, kb, doc)
    except ClientError as exc:
        return tuple(exc.diagnostics)
    except Exception as exc:  # located, the client's objects failed where they did not before
        return (_failed(record, "bad-client", "the client's data cannot be read", exc),)
    return (Diagnostic("bad-client", "the client was refused", Location(doc.path)),)


def recommend_chunk(chunk: Chunk, kb: KnowledgeBase, as_of: dt.date, lang: str) -> list[Any]:
    """A chunk's results, packed for the trip back."""
    return [pack(recommend_record(r, kb, as_of, lang)) for r in chunk]


def run(records: Iterable[Record], kb: KnowledgeBase, *, as_of: dt.date, lang: str = "en",
        workers: int = 1, executor: Executor | None = None
        ) -> Iterator[tuple[Record, Result]]:
    """Every record with its recommendation or its errors, in input order."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}': expected 'en' or 'ru'")
    if executor is None and workers <= 1:
        for record in records:
            yield record, recommend_record(record, kb, as_of, lang)
        return
    chunks = chunked(records, CHUNK)
    mapped = executor(chunks) if executor else pool(chunks, kb, as_of, lang, workers)
    for chunk, packed in mapped:
        for record, result in zip(chunk, packed, strict=True):
            yield record, unpack(result)


def chunked(records: Iterable[Record], size: int) -> Iterator[Chunk]:
    it = iter(records)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


_worker: dict[str, Any] = {}  # in a pool's worker: the knowledge base, the day, the language

# A worker that has not said it started by then is taken for one that cannot: the pool is
# stopped and the run ends with WorkersFailed (a dead worker is known at once).
START_SECONDS = 20.0


def _start(kb: KnowledgeBase, as_of: dt.date, lang: str, started: Any) -> None:
    _worker.update(kb=kb, as_of=as_of, lang=lang)
    gc.freeze()  # as a command does after its load (engine/cli/common.py): the worker's
    # modules and knowledge base live as long as it, left out of the collector's passes
    started.put(os.getpid())  # ready: the knowledge base arrived and unpickled


def _work(chunk: Chunk) -> list[Any]:
    return recommend_chunk(chunk, _worker["kb"], _worker["as_of"], _worker["lang"])


def pool(chunks: Iterator[Chunk], kb: KnowledgeBase, as_of: dt.date, lang: str,
         workers: int) -> Iterator[tuple[Chunk, list[Any]]]:
    """Chunks through a pool of ``workers`` processes, at most two per worker in flight. A
    worker that cannot start (within ``START_SECONDS``) or that dies ends the run with
    WorkersFailed, the pool's processes stopped."""
    context = multiprocessing.get_context("spawn")
    started = context.Queue()
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                                   initargs=(kb, as_of, lang, started))
    watch = _Watch(executor, started, workers)
    try:
        yield from in_order(chunks, watch.submit, 2 * workers,
                            here=lambda c: recommend_chunk(c, kb, as_of, lang),
                            wait=watch.result)
    except BrokenProcessPool:
        watch.failed = True
        raise WorkersFailed(
            "a worker process stopped before its work was done (killed, out of memory, or "
            "unable to start); the run was stopped") from None
    except BaseException:  # WorkersFailed, or the caller stopped reading (a generator closed)
        watch.failed = True
        raise
    finally:
        watch.close()


class _Watch:
    """Watches a pool's workers start: each says so on ``started`` once the knowledge base is
    in; while waiting for a result, it checks that every worker needed has, in time."""

    def __init__(self, executor: ProcessPoolExecutor, started: Any, workers: int) -> None:
        self.executor, self.started, self.workers = executor, started, workers
        self.since = time.monotonic()
        self.submitted = 0
        self.ready: set[int] = set()
        self.failed = False

    def submit(self, chunk: Chunk) -> Future[list[Any]]:
        self.submitted += 1
        return self.executor.submit(_work, chunk)

    def result(self, future: Future[list[Any]]) -> list[Any]:
        while True:
            try:
                return future.result(timeout=0.5)
            except TimeoutError:
                self._check()

    def _check(self) -> None:
        while not self.started.empty():
            self.ready.add(self.started.get())
        expected = min(self.workers, self.submitted)
        if len(self.ready) < expected and time.monotonic() - self.since > START_SECONDS:
            raise WorkersFailed(
                f"{expected - len(self.ready)} of {expected} worker processes did not start "
                f"within {START_SECONDS:g} seconds (each must import the engine and receive "
                "the knowledge base); the run was stopped")

    def close(self) -> None:
        """Shut the pool down: wait for it after a good run, stop its processes after a bad
        one (a worker stuck while starting would never end by itself)."""
        if self.failed:
            for process in list((self.executor._processes or {}).values()):
                process.terminate()
            self.executor.shutdown(wait=False, cancel_futures=True)
        else:
            self.executor.shutdown(wait=True)
        self.started.close()


def in_order(chunks: Iterator[Chunk], submit: Callable[[Chunk], Future[list[Any]]],
             window: int, here: Callable[[Chunk], list[Any]] | None = None,
             wait: Callable[[Future[list[Any]]], list[Any]] | None = None
             ) -> Iterator[tuple[Chunk, list[Any]]]:
    """Submit chunks keeping ``window`` in flight; yield their results in submission order
    (``wait`` gets a future's result; by default ``future.result()``). With ``here``, a chunk
    that could not travel (a client's data that cannot be pickled) is recommended for on this
    process instead, so each of its clients gets its own outcome; a pool whose process died is
    not retried."""
    get = wait or _result
    flight: deque[tuple[Chunk, Future[list[Any]]]] = deque()
    for chunk in chunks:
        flight.append((chunk, submit(chunk)))
        if len(flight) >= window:
            done, future = flight.popleft()
            yield done, _settled(done, future, here, get)
    while flight:
        done, future = flight.popleft()
        yield done, _settled(done, future, here, get)


def _result(future: Future[list[Any]]) -> list[Any]:
    return future.result()


def _settled(chunk: Chunk, future: Future[list[Any]],
             here: Callable[[Chunk], list[Any]] | None,
             get: Callable[[Future[list[Any]]], list[Any]]) -> list[Any]:
    try:
        return get(future)
    except (BrokenProcessPool, WorkersFailed):
        raise
    except Exception:
        if here is None:
            raise
        return here(chunk)


def as_records(clients: Iterable[Client | Mapping[str, Any]]) -> Iterator[Record]:
    """Library clients as records: errors are located as ``client[INDEX]``."""
    for i, client in enumerate(clients):
        yield Record("client", 0, i + 1, client)


def recommend_many(clients: Iterable[Client | Mapping[str, Any]], *,
                   kb: KnowledgeBase | None = None, as_of: dt.date | None = None,
                   lang: str = "en", workers: int = 1) -> Iterator[Outcome]:
    """recommend() for many clients, in order, on ``workers`` processes: for each client its
    recommendation, or the errors that kept it from one (a bad client does not stop the run)."""
    kb = kb or default_kb()
    for record, result in run(as_records(clients), kb, as_of=as_of or dt.date.today(),
                              lang=lang, workers=workers):
        yield outcome(record, result)


def outcome(record: Record, result: Result) -> Outcome:
    if isinstance(result, tuple):
        return Outcome(record.client_id, None, result)
    return Outcome(result.client_id, result, ())
