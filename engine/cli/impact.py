"""Show how a knowledge-base change alters the advice for a portfolio, before it is merged.

Runs the base knowledge base (--base: a folder, or a git ref of the repository holding --kb,
read without touching the work tree) and the new one (--kb, default: the one you stand in) over
the same clients (files read as `playbook run` reads them, with --map for a CRM export, or the
clients of the last run recorded in a journal with --from-journal), on --workers processes,
and reports the clients affected, the actions added, removed and changed, by kind,
by rule and by segment (project type and every --by fact), then each affected client.

Exit codes: 0 done (whether or not anything changed), 1 bad input, 2 internal error,
3 the gate tripped (--fail-on-change, or more than --max-changed-pct of clients affected).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from engine.api import load
from engine.cli.common import add_kb, date, emit, load_kb
from engine.errors import Diagnostic, DiagnosticsError, UserMistake
from engine.kb.knowledge_base import KnowledgeBase
from engine.portfolio.cells import Cells
from engine.portfolio.mapping import DEFAULT, read_mapping
from engine.portfolio.readers import read_all
from engine.render import TextReporter
from engine.render import impact as reports
from engine.tools.impact import ImpactReport, impact
from engine.tools.kb_at_ref import load_at_ref
from engine.vocabulary import LANGUAGES

NAME = "impact"
GATE_TRIPPED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clients", nargs="*", metavar="CLIENTS",
                        help="client files (.yaml .yml .json .jsonl .csv .parquet), '-' for stdin")
    parser.add_argument("--map", type=Path, metavar="MAP.yaml",
                        help="CRM mapping file (see `playbook run`)")
    parser.add_argument("--from-journal", metavar="PATH_OR_URL",
                        help="compare over the clients of the last run recorded in this journal")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="processes to recommend on (default: 1)")
    parser.add_argument("--base", required=True, metavar="KB_OR_REF",
                        help="the knowledge base before the change: a folder, or a git ref")
    add_kb(parser)
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day to recommend for, YYYY-MM-DD (default: today)")
    parser.add_argument("--by", action="append", default=[], metavar="FACT",
                        help="also break the affected clients down by this fact (repeatable)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                        help="output format (default: text; markdown suits a pull request)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of titles and reasons compared (default: en)")
    gate = parser.add_mutually_exclusive_group()
    gate.add_argument("--fail-on-change", action="store_true",
                      help=f"exit {GATE_TRIPPED} if any client's advice changes")
    gate.add_argument("--max-changed-pct", type=float, metavar="P",
                      help=f"exit {GATE_TRIPPED} if more than P%% of clients are affected")


def run(args: argparse.Namespace) -> int:
    if bool(args.clients) == bool(args.from_journal) or args.workers < 1:
        raise UserMistake("give client files or --from-journal (one of them), and --workers 1 "
                          "or more")
    new = load_kb(args)
    base = _base(args.base, new)
    clients, problems = (_journal_clients(args.from_journal) if args.from_journal
                         else _clients(args, new))
    emit(TextReporter().diagnostics(problems))
    report = impact(base, new, clients, args.as_of or dt.date.today(), args.by, args.lang,
                    args.workers)
    sys.stdout.write({"text": reports.text, "markdown": reports.markdown,
                      "json": reports.json}[args.format](report))
    if problems:
        return 1
    return GATE_TRIPPED if _tripped(report, args) else 0


def _base(spec: str, new: KnowledgeBase) -> KnowledgeBase:
    if _is_folder(spec):
        return load(spec, matcher=new.matcher.name)
    return load_at_ref(spec, new.root, new.matcher.name)


def _is_folder(spec: str) -> bool:
    """Whether --base names a folder (a name too long for a path, or with a NUL, is not one)."""
    try:
        return Path(spec).is_dir()
    except (OSError, ValueError):
        return False


def _clients(args: argparse.Namespace, kb: KnowledgeBase) -> tuple[list[Any], list[Diagnostic]]:
    """The clients of the files, read as `playbook run` reads them; records that cannot be
    read are reported (the others are still compared)."""
    mapping = DEFAULT
    if args.map is not None:
        found, mistakes = read_mapping(args.map)
        if found is None:
            raise DiagnosticsError(mistakes)
        mapping = found
    clients: list[Any] = []
    problems: list[Diagnostic] = []
    for record in read_all(args.clients, Cells(mapping, kb)):
        if record.problems:
            problems += record.problems
        else:
            clients.append(record.data)
    return clients, problems


def _journal_clients(target: str) -> tuple[list[Any], list[Diagnostic]]:
    try:
        from engine import journal  # the optional extra, only when asked
    except ImportError:
        raise UserMistake("--from-journal needs the 'journal' extra: "
                          "pip install 'playbook-engine[journal]'") from None
    with journal.open(target) as book:
        clients = book.clients()
    if not clients:
        raise UserMistake(f"the journal {target} has no complete run with its clients' facts")
    return clients, []


def _tripped(report: ImpactReport, args: argparse.Namespace) -> bool:
    if args.fail_on_change:
        return report.clients_affected > 0
    return args.max_changed_pct is not None and report.affected_pct > args.max_changed_pct
