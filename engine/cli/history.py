"""Show everything that happened to a client's advice, oldest first.

What each run found new,
changed or resolved, and what people marked done, dismissed or snoozed (with reasons and
comments).
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import add_format, add_journal, add_lang, open_journal

NAME = "history"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("client", metavar="CLIENT", help="the client's id")
    add_journal(parser)
    add_format(parser, "text", "json")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import journal as render

    with open_journal(args) as journal:
        entries = journal.history(args.client)
    sys.stdout.write(render.records_json(entries) if args.format == "json"
                     else render.history_text(entries, args.lang))
    return 0
