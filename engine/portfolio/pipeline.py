"""A portfolio run as a library call: read -> recommend -> write -> summary -> journal.

    import engine.portfolio
    summary = engine.portfolio.run_portfolio(
        ["export.csv"], kb=engine.load(), mapping="mapping.yaml", out="advice.jsonl",
        errors="errors.jsonl", workers=2, journal="journal.db")
    summary.failed, summary.as_dict(), summary.journal   # journal: what the run changed

What `playbook run` does, step by step, in this order: clients are read from the sources
(engine/portfolio/readers.py) through the CRM mapping (cells.py, mapping.py), recommended on
this process, a process pool or a Dask cluster (run.py, dask.py), each result written out as it
comes (writers.py) while the summary gathers it (summary.py), and each bad client's mistakes
handed to the error sink (failures.py); with ``journal``, the run is recorded in the run journal
(engine/journal/) and the summary carries what it changed. The command only parses its
arguments and prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from engine.errors import Diagnostic, DiagnosticsError, Location, UserMistake, quoted
from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.limits import open_regular
from engine.models import Recommendation
from engine.portfolio.cells import Cells
from engine.portfolio.failures import ErrorFile
from engine.portfolio.mapping import DEFAULT, Mapping, read_mapping
from engine.portfolio.readers import STDIN, ExtraUnavailable, read_all
from engine.portfolio.records import Record
from engine.portfolio.run import Result, run
from engine.portfolio.summary import Summary
from engine.portfolio.writers import OUT_FORMATS, open_writer, out_format


class ErrorSink(Protocol):
    """Where the mistakes of each bad client go, in input order."""

    def write(self, record: Record, errors: tuple[Diagnostic, ...]) -> None: ...

    def close(self) -> None: ...


class _Dropped:
    def write(self, record: Record, errors: tuple[Diagnostic, ...]) -> None:
        pass

    def close(self) -> None:
        pass


def run_portfolio(sources: Sequence[str], *, kb: KnowledgeBase, as_of: dt.date | None = None,
                  lang: str = "en", mapping: Mapping | str | os.PathLike[str] | None = None,
                  out: str = "-", errors: ErrorSink | str | os.PathLike[str] | None = None,
                  workers: int = 1, dask: str | None = None,
                  journal: str | os.PathLike[str] | None = None,
                  step: Callable[[], None] | None = None,
                  allow_formulas: bool = False, strict_columns: bool = False,
                  csv_dialect: str = "standard",
                  labels: dict[str, str] | None = None, wait: float | None = None) -> Summary:
    """Read every client of ``sources`` (files, or ``-`` for stdin), recommend for each, write
    the results to ``out`` (by extension: .jsonl, .csv, .parquet, .sqlite/.db; ``-``: JSON
    Lines on stdout) and each bad client's mistakes to ``errors`` (a JSON Lines file, a sink,
    or None to keep only their count), on ``workers`` processes or on the Dask cluster at
    ``dask``; with ``journal`` (a SQLite file or a database URL), record the run there. Calls
    ``step()`` after each client. CSV cells are ``formula_safe`` unless ``allow_formulas``.
    The summary of the run, with ``summary.journal`` set when
    the run was recorded.

    The mapping is checked against ``kb`` first. Table columns no client field reads are left
    out and named in ``summary.left_out`` (``strict_columns``: refused). CSV results use
    ``csv_dialect`` (``standard`` or ``excel``); ``labels`` name XLSX columns and kinds for
    people. ``out`` is replaced only when the run did not fail (``summary.run_failed``).

    With ``journal``, a run recording into it already is waited for up to ``wait`` seconds
    (default: the journal's, 300), then the run is refused (``journal-busy``); a refused run
    leaves ``out`` as it was.

    Raises UserMistake for arguments that cannot work, DiagnosticsError for a wrong mapping
    file (and, with ``journal``, for a client id twice in the input or a journal that does not
    open: found before anything is written), ExtraUnavailable for an optional extra the run
    needs, OSError for an output that cannot be written.
    """
    mistake = argument_mistake(sources, out=out, workers=workers, journal=journal)
    if mistake:
        raise UserMistake(mistake)
    cells = Cells(_mapping(mapping, kb), kb, strict_columns=strict_columns)
    day = as_of or dt.date.today()
    # the checks that can refuse the whole run, before anything is written
    book, digest = _open_journal(journal, sources, cells) if journal is not None else (None, "")
    sink: ErrorSink = (_Dropped() if errors is None else errors
                       if not isinstance(errors, (str, os.PathLike)) else ErrorFile(str(errors)))
    summary = Summary()
    with contextlib.ExitStack() as opened:
        if book is not None:
            opened.enter_context(book)
        writer = opened.enter_context(open_writer(
            out, csv_dialect=csv_dialect, labels=labels, allow_formulas=allow_formulas))

        def advised() -> Iterator[tuple[Any, Recommendation]]:
            for record, result in _results(read_all(sources, cells), kb, day, lang, workers,
                                           dask):
                summary.add(record, result)
                if isinstance(result, tuple):
                    sink.write(record, result)
                else:
                    writer.write(result)
                    yield record.data, result
                if step is not None:
                    step()

        if book is not None:
            from engine.journal.duties import Policy  # the extra is there: the journal opened

            waiting = {} if wait is None else {"wait": wait}
            summary.journal = book.record(advised(), as_of=day, kb_version=kb.version,
                                          input_digest=digest, policy=Policy.of(kb), lang=lang,
                                          **waiting)
        else:
            for _ in advised():
                pass
        summary.left_out = dict(cells.left_out)
        if summary.run_failed:
            writer.discard()
    sink.close()
    return summary


def argument_mistake(sources: Sequence[str], *, out: str = "-", workers: int = 1,
                     journal: str | os.PathLike[str] | None = None) -> str | None:
    """Why these arguments of ``run_portfolio`` cannot work, or None."""
    if workers < 1:
        return "--workers must be 1 or more"
    if journal is not None and STDIN in sources:
        return "--journal knows a run by its input files: give client files, not '-'"
    if out_format(out) is None:
        return (f"cannot tell the format of --out {out}: expected a file ending in "
                f"{', '.join(OUT_FORMATS)}, or - for stdout")
    return None


def _mapping(mapping: Mapping | str | os.PathLike[str] | None, kb: KnowledgeBase) -> Mapping:
    if mapping is None:
        return DEFAULT
    if isinstance(mapping, Mapping):
        return mapping
    found, problems = read_mapping(Path(mapping), kb)
    if found is None:
        raise DiagnosticsError(problems)
    return found


def _results(records: Iterator[Record], kb: KnowledgeBase, as_of: dt.date, lang: str,
             workers: int, dask: str | None) -> Iterator[tuple[Record, Result]]:
    if dask:
        try:
            import engine.portfolio.dask  # the optional extra, only when asked
        except ImportError:
            raise ExtraUnavailable("--dask needs the 'dask' extra: "
                                   "pip install 'playbook-engine[dask]'") from None
        return engine.portfolio.dask.run(records, kb, as_of=as_of, lang=lang, address=dask)
    return run(records, kb, as_of=as_of, lang=lang, workers=workers)


def _open_journal(target: str | os.PathLike[str], sources: Sequence[str], cells: Cells
                  ) -> tuple[Any, str]:
    """The open journal and the digest of the run's input, after the checks that can refuse
    the whole run: each client once (all duplicates named, where they are), and a journal that
    opens (a URL that parses, not in memory, a file that is not damaged, a schema this engine
    knows). A refused run writes nothing: no batch, no --out.

    The check reads only each client's id (``_Ids``), and the run is known by the bytes of its
    input files and its mapping: the clients are mapped and typed once, by the run itself.
    Memory: the set of ids; where each duplicate was first seen is found by a second reading,
    only when there is one."""
    try:
        from engine import journal  # the optional extra, only when asked
    except ImportError:
        raise ExtraUnavailable("--journal needs the 'journal' extra: "
                               "pip install 'playbook-engine[journal]'") from None
    ids = _Ids(cells)
    seen: set[str] = set()
    again: set[str] = set()
    for record in read_all(sources, ids):
        client_id = None if record.problems else record.client_id
        if client_id is not None and client_id in seen:
            again.add(client_id)
        elif client_id is not None:
            seen.add(client_id)
    del seen
    if again:
        raise DiagnosticsError(_duplicates(read_all(sources, ids), again))
    return journal.open(str(target)), _input_digest(sources, cells.mapping)


_COLUMNS = 10_000


class _Ids(Cells):
    """The run's cells, reading only the client's id (the other columns are left)."""

    def __init__(self, cells: Cells) -> None:  # the run's cells, as they are
        vars(self).update(vars(cells))
        self._holds_id: dict[str, bool] = {}  # column -> whether it holds the client's id

    def client(self, cells: Iterable[tuple[str, Any]]) -> dict[str, Any]:
        holds = self._holds_id
        return super().client([(column, cell) for column, cell in cells if holds.get(column)
                               or (column not in holds and self._holds(column))])

    def _holds(self, column: str) -> bool:
        """Whether a column met for the first time holds the client's id."""
        is_id = self.field(column) == "id"
        if len(self._holds_id) < _COLUMNS:  # a file's columns, met once each (bounded)
            self._holds_id[column] = is_id
        return is_id


def _duplicates(records: Iterator[Record], again: set[str]) -> list[Diagnostic]:
    """Each second (third, ...) appearance of these clients, with where the first was."""
    first: dict[str, Location] = {}
    twice: list[Diagnostic] = []
    for record in records:
        client_id = None if record.problems else record.client_id
        if client_id not in again:
            continue
        if client_id in first:
            twice.append(Diagnostic(
                "duplicate-client", f"client {quoted(client_id)} appears twice in the run "
                f"(first at {first[client_id]})", record.location(),
                expected="each client once per run",
                hint="the journal keeps one history per client id: merge or rename one"))
        else:
            first[client_id] = record.location()
    return twice


def _input_digest(sources: Sequence[str], mapping: Mapping) -> str:
    """What the journal knows a run's input by: the bytes of its files, in order, and its
    mapping (a file that cannot be read counts by its path: the run reports it)."""
    digest = hashlib.sha256(mapping.model_dump_json().encode())
    for source in sources:
        fd, _ = open_regular(source, source)
        if fd is None:
            digest.update(b"\0unreadable\0" + source.encode(errors="replace"))
            continue
        with os.fdopen(fd, "rb") as handle:
            digest.update(b"\0")
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()[:32]
