"""Recommend for a whole portfolio: a CRM export in, every client's advice out.

Clients are read from YAML, JSON, JSON Lines (.jsonl), CSV and Parquet files (Parquet needs the
'parquet' extra), or '-' for stdin; a mapping file (--map, see `playbook schema mapping`) says
which CRM column is which client fact and which CRM value is which enum value. Without one, CSV
columns are the client fields, list cells are split on ';', dates are ISO (YYYY-MM-DD) and an
empty cell is a missing fact.

A CSV export is read as the CRM or Excel saved it: its encoding (UTF-8, UTF-8 with BOM,
Windows-1251, ...) and delimiter (; , tab) are detected unless the mapping names them. Columns
that are no client field are left out and named once in the summary (--strict-columns refuses
them). `playbook map init EXPORT` writes a mapping file to start from.

Results (--out, chosen by extension) are JSON Lines (.jsonl: one recommendation per line, in
input order; the default, on stdout), CSV (.csv: one row per action, UTF-8 with a BOM so Excel
reads it; --csv-dialect excel separates cells with ';'), XLSX (.xlsx: the same rows as an Excel
workbook with the CRM link, frozen header and filters; the 'xlsx' extra), Parquet (.parquet) or
SQLite (.sqlite, .db); '-' is stdout. Every row says who and where the client is (name, owner,
CRM id and link). A CSV or XLSX cell starting with = + - or @ (a client id, a reason quoting a
client's KPI name) is written as text a spreadsheet does not run as a formula (CSV: a leading ');
--allow-formulas writes the cells as they are. A file is written in full or not at all: a failed
run (a file that cannot be read, or not one client advised) leaves the previous --out as it was.

A bad client does not stop the run: each of its mistakes becomes an error record (file,
line, row, client id, field, message), written as JSON Lines to --errors FILE, or to stderr as
text. The portfolio summary goes to stdout, or to stderr when the results go to stdout.

With --journal (a SQLite file or a PostgreSQL URL; the 'journal' extra), the run is recorded
in the run journal and what changed since the last run is printed per client and in total
(`+3 new ~2 changed -1 resolved, 12 unchanged`); the same run recorded twice adds nothing. A
run that finds another recording into the journal waits for it (--wait SECONDS, default 300),
then is refused; a refused run (the journal busy, read-only, damaged) leaves --out as it was.

Exit codes: 0 every client got its recommendation; 1 some client failed, or the input, the
mapping or the knowledge base is wrong; 2 internal error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import add_format, add_kb, date, load_kb, seconds, settings
from engine.errors import WorkersFailed
from engine.portfolio.pipeline import argument_mistake, run_portfolio
from engine.portfolio.readers import ExtraUnavailable
from engine.portfolio.writers import CSV_DIALECTS
from engine.render import portfolio as render
from engine.render.words import KIND_LABEL, XLSX_COLUMNS
from engine.vocabulary import LANGUAGES

NAME = "run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clients", nargs="+", metavar="CLIENTS",
                        help="client files (.yaml .yml .json .jsonl .csv .parquet), '-' for stdin")
    add_kb(parser)
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day to recommend for, YYYY-MM-DD (default: today)")
    parser.add_argument("--map", type=Path, metavar="MAP.yaml",
                        help="CRM mapping file: column names, values, list separator, dates "
                             "(default: 'map' of playbook.toml or PLAYBOOK_MAP)")
    parser.add_argument("--out", default="-", metavar="FILE",
                        help="results: .jsonl, .csv, .xlsx, .parquet, .sqlite/.db, '-' for "
                             "stdout (JSON Lines; the default)")
    parser.add_argument("--allow-formulas", action="store_true",
                        help="write CSV and XLSX cells as they are, even those a spreadsheet "
                             "would run as formulas (by default a cell starting with = + - @ "
                             "gets a leading ')")
    parser.add_argument("--csv-dialect", choices=tuple(CSV_DIALECTS), default="standard",
                        help="CSV results: standard (',') or excel (';', as Excel reads CSV "
                             "where the decimal separator is a comma); both UTF-8 with a BOM")
    parser.add_argument("--strict-columns", action="store_true",
                        help="refuse a CSV or Parquet column that is no client field (default: "
                             "leave it out and name it once in the summary)")
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
                             "(needs the 'journal' extra; default: 'journal' of playbook.toml "
                             "or PLAYBOOK_JOURNAL)")
    parser.add_argument("--wait", type=seconds, metavar="SECONDS",
                        help="with --journal: how long to wait for another run recording into "
                             "it, then refuse the run, leaving --out as it was (default: 300)")
    parser.add_argument("--no-journal", action="store_true",
                        help="do not record the run, though the settings name a journal")


def _settled(args: argparse.Namespace) -> None:
    """--journal and --map, when not given, from the settings (playbook.toml, PLAYBOOK_*)."""
    found = settings(args)
    if args.journal is None and not args.no_journal and found.get("journal"):
        if "-" in args.clients:  # a run is known by its files: stdin is not recorded
            sys.stderr.write("playbook run: not recorded in the settings' journal: the clients "
                             "come from stdin\n")
        else:
            args.journal = found.get("journal")
    if args.map is None and found.get("map"):
        args.map = Path(str(found.get("map")))


def run(args: argparse.Namespace) -> int:
    """The pipeline is engine.portfolio.run_portfolio: here only its arguments and its print."""
    _settled(args)
    mistake = argument_mistake(args.clients, out=args.out, workers=args.workers,
                               journal=args.journal)
    if mistake:  # said before the knowledge base is read
        sys.stderr.write(f"playbook run: {mistake}\n")
        return 1
    kb = load_kb(args)
    try:
        with render.progress(args.lang) as step:
            summary = run_portfolio(
                args.clients, kb=kb, as_of=args.as_of, lang=args.lang, mapping=args.map,
                out=args.out, errors=args.errors or render.ErrorText(), workers=args.workers,
                dask=args.dask, journal=args.journal, step=step,
                allow_formulas=args.allow_formulas, strict_columns=args.strict_columns,
                csv_dialect=args.csv_dialect, wait=args.wait,
                labels={**XLSX_COLUMNS[args.lang], **KIND_LABEL[args.lang]})
    except (OSError, ExtraUnavailable, WorkersFailed) as exc:  # an unwritable --out, no
        # scheduler, no extra, workers that cannot start or died
        sys.stderr.write(f"playbook run: {exc}\n")
        return 1
    shown = (sys.stderr if args.out == "-" else sys.stdout)
    if summary.journal is not None and args.format != "json":
        from engine.render.journal import run_summary_text

        shown.write(run_summary_text(summary.journal, args.lang))
    shown.write(render.RENDERERS[args.format](summary, args.lang))
    return 1 if summary.failed or summary.files_failed else 0
