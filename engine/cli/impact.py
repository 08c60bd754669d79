"""Show how a knowledge-base change alters the advice for a portfolio, before it is merged.

Runs the base knowledge base (--base: a folder, or a git ref of the repository holding --kb,
read without touching the work tree) and the new one (--kb, default: the bundled one) over the
same clients, and reports the clients affected, the actions added, removed and changed, by kind,
by rule and by segment (project type and every --by fact), then each affected client.

Exit codes: 0 done (whether or not anything changed), 1 bad input, 2 internal error,
3 the gate tripped (--fail-on-change, or more than --max-changed-pct of clients affected).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from engine.cli.common import add_kb, date, emit, load_kb
from engine.errors import Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.load import load
from engine.models import Client
from engine.render import TextReporter
from engine.render import impact as reports
from engine.runtime.clients import read_clients
from engine.tools.impact import ImpactReport, impact
from engine.tools.kb_at_ref import load_at_ref
from engine.vocabulary import LANGUAGES

NAME = "impact"
GATE_TRIPPED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clients", nargs="+", metavar="CLIENT_FILE", type=Path,
                        help="client files (.yaml, .yml or .json): one client or a list")
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
    new = load_kb(args)
    base = _base(args.base, new)
    clients, problems = _clients(args.clients, new)
    emit(TextReporter().diagnostics(problems))
    report = impact(base, new, clients, args.as_of or dt.date.today(), args.by, args.lang)
    sys.stdout.write({"text": reports.text, "markdown": reports.markdown,
                      "json": reports.json}[args.format](report))
    if problems:
        return 1
    return GATE_TRIPPED if _tripped(report, args) else 0


def _base(spec: str, new: KnowledgeBase) -> KnowledgeBase:
    if Path(spec).is_dir():
        return load(spec, matcher=new.matcher.name)
    return load_at_ref(spec, new.root, new.matcher.name)


def _clients(paths: list[Path], kb: KnowledgeBase) -> tuple[list[Client], list[Diagnostic]]:
    clients: list[Client] = []
    problems: list[Diagnostic] = []
    for path in paths:
        found, bad = read_clients(path, kb)
        clients += found
        problems += bad
    return clients, problems


def _tripped(report: ImpactReport, args: argparse.Namespace) -> bool:
    if args.fail_on_change:
        return report.clients_affected > 0
    return args.max_changed_pct is not None and report.affected_pct > args.max_changed_pct
