"""Show what would be recommended for each client, and why. Writes nothing.

Client files are YAML or JSON (one client, or a list of clients), or a CRM export (.csv, .jsonl,
.parquet) read as `playbook run` reads it, through --map MAP.yaml; --client ID shows only that
client of it (repeat it for several). One row per piece
of advice: what one rule proposed with one reason, the journey's own next steps, the guides on
how to talk to the contact; under it the playbook content it brings (--brief leaves it out).
--format json prints the document of `playbook schema recommendation`: every action, each with
its group, and the clients that failed with their errors.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.api import recommend
from engine.cli.common import (
    add_format,
    add_kb,
    add_matcher,
    date,
    emit,
    kinds,
    load_kb,
    positive,
)
from engine.errors import DiagnosticsError
from engine.render import reporter
from engine.render.groups import Selection
from engine.tools.batch import read_batch
from engine.vocabulary import ACTION_KINDS, LANGUAGES

NAME = "dry-run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clients", nargs="+", metavar="CLIENT_FILE", type=Path,
                        help="client files (.yaml, .yml, .json) or CRM exports (.csv, .jsonl, "
                             ".parquet)")
    parser.add_argument("--map", type=Path, metavar="MAP.yaml",
                        help="CRM mapping file for an export (see `playbook map init`)")
    parser.add_argument("--client", action="append", default=[], metavar="ID",
                        help="only the client with this id (repeatable)")
    add_kb(parser)
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day to recommend for, YYYY-MM-DD (default: today)")
    add_format(parser, "table", "json", "markdown")
    parser.add_argument("--explain", action="store_true",
                        help="list the rules behind each action, with where they are written")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of titles and reasons (default: en)")
    parser.add_argument("--brief", action="store_true",
                        help="leave out the playbook content under each row")
    parser.add_argument("--kind", type=kinds, metavar="KIND[,KIND...]",
                        help=f"only actions of these kinds ({', '.join(ACTION_KINDS)})")
    parser.add_argument("--top", type=positive, metavar="N",
                        help="only the first N rows (groups of actions) of each client")
    parser.add_argument("--ids", action="store_true", default=None,
                        help="show the ids of steps, playbook entries and warnings next to their "
                             "titles (shown by default in English, not in Russian)")
    add_matcher(parser)


def run(args: argparse.Namespace) -> int:
    kb = load_kb(args)
    mapping = None
    if args.map is not None:
        from engine.portfolio.mapping import read_mapping  # only for an export's mapping

        mapping, problems = read_mapping(args.map, kb)
        if mapping is None:
            raise DiagnosticsError(problems)
    batch = read_batch(args.clients, kb, mapping, only=args.client)
    clients = batch.clients
    named = ((recommend(c, kb=kb, as_of=args.as_of, lang=args.lang), c.name) for c in clients)
    explained = None
    if args.explain:
        from engine.tools.explain import explain

        explained = (explain(kb, c, args.as_of, args.lang) for c in clients)
    view = Selection(brief=args.brief, kinds=args.kind, top=args.top, ids=args.ids)
    for piece in reporter(args.format).stream(named, kb, args.lang, explained, view,
                                              batch.failed):
        emit(piece)  # client by client: memory does not grow with their number
    return 1 if batch.failed else 0
