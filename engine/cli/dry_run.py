"""Show what would be recommended for each client, and why. Writes nothing.

Client files are YAML or JSON: one client (a mapping) or a list of clients.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import add_format, add_kb, add_matcher, date, emit, load_kb
from engine.errors import Diagnostic
from engine.models import Client
from engine.render import TextReporter, reporter
from engine.runtime.clients import read_clients
from engine.runtime.recommend import recommend
from engine.tools.explain import explain
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
    named = [(r, c.name) for r, c in zip(recs, clients, strict=True)]
    explained = [explain(kb, c, args.as_of, args.lang) for c in clients] if args.explain else None
    emit(TextReporter().diagnostics(problems))
    emit(reporter(args.format).recommendations(named, kb, args.lang, explained))
    return 1 if problems else 0
