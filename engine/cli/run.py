"""Recommend for a whole portfolio: a CRM export in, every client's advice out.

Clients are read from YAML, JSON, JSON Lines (.jsonl), CSV and Parquet files (Parquet needs the
'parquet' extra), or '-' for stdin; a mapping file (--map, see `playbook schema mapping`) says
which CRM column is which client fact and which CRM value is which enum value. Without one, CSV
columns are the client fields, list cells are split on ';', dates are ISO (YYYY-MM-DD) and an
empty cell is a missing fact.

Results (--out, chosen by extension) are JSON Lines (.jsonl: one recommendation per line, in
input order; the default, on stdout), CSV (.csv: one row per action), Parquet (.parquet) or
SQLite (.sqlite, .db); '-' is stdout. A bad client does not stop the run: each of its mistakes
becomes an error record (file, line, row, client id, field, message), written as JSON Lines to
--errors FILE, or to stderr as text. The portfolio summary goes to stdout, or to stderr when
the results go to stdout.

With --journal (a SQLite file or a PostgreSQL URL; the 'journal' extra), the run is recorded
in the run journal and what changed since the last run is printed per client and in total
(`+3 new ~2 changed -1 resolved, 12 unchanged`); the same run recorded twice adds nothing.

Exit codes: 0 every client got its recommendation; 1 some client failed, or the input, the
mapping or the knowledge base is wrong; 2 internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine.cli.common import add_format, add_kb, date, load_kb
from engine.errors import DiagnosticsError
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Recommendation
from engine.portfolio.cells import Cells
from engine.portfolio.failures import ErrorFile
from engine.portfolio.mapping import DEFAULT, Mapping, read_mapping
from engine.portfolio.readers import ExtraUnavailable, read_all
from engine.portfolio.records import Record
from engine.portfolio.run import run as run_portfolio
from engine.portfolio.summary import Summary
from engine.portfolio.transfer import Result
from engine.portfolio.writers import OUT_FORMATS, open_writer, out_format
from engine.render import portfolio as render
from engine.vocabulary import LANGUAGES

NAME = "run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clients", nargs="+", metavar="CLIENTS",
                        help="client files (.yaml .yml .json .jsonl .csv .parquet), '-' for stdin")
    add_kb(parser)
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day to recommend for, YYYY-MM-DD (default: today)")
    parser.add_argument("--map", type=Path, metavar="MAP.yaml",
                        help="CRM mapping file: column names, values, list separator, dates")
    parser.add_argument("--out", default="-", metavar="FILE",
                        help="results: .jsonl, .csv, .parquet, .sqlite/.db, '-' for stdout "
                             "(JSON Lines; the default)")
    parser.add_argument("--errors", metavar="FILE",
                        help="write error records here as JSON Lines (default: stderr, as text)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="processes to recommend on (default: 1, this process)")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run on the Dask cluster whose scheduler is at ADDRESS "
                             "(needs the 'dask' extra)")
    add_format(parser, "table", "markdown", "json")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of titles, reasons and the summary (default: en)")
    parser.add_argument("--journal", metavar="PATH_OR_URL",
                        help="record the run in this journal and print what changed "
                             "(needs the 'journal' extra)")


def run(args: argparse.Namespace) -> int:
    mistake = _mistake(args)
    if mistake:
        sys.stderr.write(f"playbook run: {mistake}\n")
        return 1
    kb = load_kb(args)
    cells = Cells(_mapping(args.map), kb)
    try:
        summary = _portfolio(args, kb, cells)
    except (OSError, ExtraUnavailable) as exc:  # an unwritable --out, no scheduler, no extra
        sys.stderr.write(f"playbook run: {exc}\n")
        return 1
    shown = render.RENDERERS[args.format](summary, args.lang)
    (sys.stderr if args.out == "-" else sys.stdout).write(shown)
    return 1 if summary.failed else 0


def _mistake(args: argparse.Namespace) -> str | None:
    if args.workers < 1:
        return "--workers must be 1 or more"
    if args.journal and "-" in args.clients:
        return ("--journal reads the clients twice (to know the run's input before recording "
                "it): give client files, not '-'")
    if out_format(args.out) is None:
        return (f"cannot tell the format of --out {args.out}: expected a file ending in "
                f"{', '.join(OUT_FORMATS)}, or - for stdout")
    return None


def _portfolio(args: argparse.Namespace, kb: KnowledgeBase, cells: Cells) -> Summary:
    """Read, recommend and write every client, in order; the summary of what happened."""
    summary = Summary()
    as_of = args.as_of or dt.date.today()
    records = read_all(args.clients, cells)
    errors = ErrorFile(args.errors) if args.errors else render.ErrorText()
    with open_writer(args.out) as out, render.progress(args.lang) as step:

        def advised() -> Iterator[tuple[Any, Recommendation]]:
            for record, result in _results(records, kb, as_of, args):
                summary.add(record, result)
                if isinstance(result, tuple):
                    errors.write(record, result)
                else:
                    out.write(result)
                    yield record.data, result
                step()

        if args.journal:
            _record(args, kb, cells, as_of, advised(), summary)
        else:
            for _ in advised():
                pass
    errors.close()
    return summary


def _record(args: argparse.Namespace, kb: KnowledgeBase, cells: Cells, as_of: dt.date,
            pairs: Iterator[tuple[Any, Recommendation]], summary: Summary) -> None:
    """Record the run in the journal and print what changed (stdout, or stderr when the
    results go to stdout; with --format json, inside the summary's document)."""
    from engine import journal  # the optional extra, only when asked
    from engine.render.journal import run_summary_text

    digest = journal.input_digest(r.data for r in read_all(args.clients, cells)
                                  if not r.problems)
    with journal.open(args.journal) as book:
        done = book.record(pairs, as_of=as_of, kb_version=kb.version, input_digest=digest,
                           policy=kb.journal)
    if args.format == "json":
        summary.journal = done.as_dict()
        return
    shown = run_summary_text(done, args.lang)
    (sys.stderr if args.out == "-" else sys.stdout).write(shown)


def _results(records: Iterator[Record], kb: KnowledgeBase, as_of: dt.date,
             args: argparse.Namespace) -> Iterator[tuple[Record, Result]]:
    if args.dask:
        try:
            import engine.portfolio.dask  # the optional extra, only when asked
        except ImportError:
            raise ExtraUnavailable("--dask needs the 'dask' extra: "
                                   "pip install 'playbook-engine[dask]'") from None
        return engine.portfolio.dask.run(records, kb, as_of=as_of, lang=args.lang,
                                         address=args.dask)
    return run_portfolio(records, kb, as_of=as_of, lang=args.lang, workers=args.workers)


def _mapping(path: Path | None) -> Mapping:
    if path is None:
        return DEFAULT
    mapping, problems = read_mapping(path)
    if mapping is None:
        raise DiagnosticsError(problems)
    return mapping

