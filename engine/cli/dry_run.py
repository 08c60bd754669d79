"""Show what would be recommended for each client, and why. Writes nothing.

Client files are YAML or JSON: one client (a mapping) or a list of clients.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import add_format, add_kb, add_matcher, date, load_kb
from engine.errors import Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client, Recommendation
from engine.render import report
from engine.runtime.clients import read_clients
from engine.runtime.recommend import recommend
from engine.tools.explain import Explanation, explain
from engine.vocabulary import LANGUAGES

NAME = "dry-run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clients", nargs="+", metavar="CLIENT_FILE", type=Path,
                        help="client files (.yaml, .yml or .json)")
    add_kb(parser)
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day to recommend for, YYYY-MM-DD (default: today)")
    add_format(parser, "table", "json", "markdown")
    parser.add_argument("--explain", action="store_true",
                        help="list the rules behind each action, with where they are written")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of titles and reasons (default: en)")
    add_matcher(parser)


def run(args: argparse.Namespace) -> int:
    kb = load_kb(args)
    clients: list[Client] = []
    problems: list[Diagnostic] = []
    for path in args.clients:
        found, bad = read_clients(path, kb)
        clients += found
        problems += bad
    recs = [recommend(c, kb=kb, as_of=args.as_of, lang=args.lang) for c in clients]
    sys.stderr.write(report.diagnostics_text(problems))
    named = [(r, c.name) for r, c in zip(recs, clients, strict=True)]
    explained = [explain(kb, c, args.as_of, args.lang) for c in clients] if args.explain else []
    if args.format == "json":
        out = report.recommendations_json(
            recs, {e.client_id: e.as_dict() for e in explained} if args.explain else None)
    elif args.explain:
        out = "".join(_explained(args, kb, r, c.name, e)
                      for r, c, e in zip(recs, clients, explained, strict=True))
    elif args.format == "markdown":
        out = report.recommendations_markdown(named, kb, args.lang)
    else:
        out = report.recommendations_table(named, kb, args.lang)
    sys.stdout.write(out)
    return 1 if problems else 0


def _explained(args: argparse.Namespace, kb: KnowledgeBase, rec: Recommendation,
               name: str | None, ex: Explanation) -> str:
    """One client's table (or markdown), followed by the rules that fired and were suppressed."""
    if args.format == "markdown":
        table = report.recommendations_markdown([(rec, name)], kb, args.lang, explain=True)
        return table + "\n" + report.explanation_summary(ex, args.lang, bullet="- ")
    table = report.recommendations_table([(rec, name)], kb, args.lang, explain=True)
    return table + report.explanation_summary(ex, args.lang)


