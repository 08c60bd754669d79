"""Show everything that happened to a client's advice, oldest first: who, when, why.

What each run found new, changed (before -> after) or resolved, and what people marked done,
dismissed or snoozed, with who did it, the reason (in --lang) and their comment.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import (
    add_format,
    add_journal,
    add_kb,
    add_lang,
    lang_of,
    load_kb,
    open_journal,
)

NAME = "history"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("client", metavar="CLIENT", help="the client's id")
    add_journal(parser)
    add_kb(parser)
    add_format(parser, "text", "json")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import journal as render

    kb, lang = load_kb(args), lang_of(args)
    with open_journal(args) as journal:
        entries = journal.history(args.client, kb=kb, lang=lang)
    sys.stdout.write(render.records_json(entries) if args.format == "json"
                     else render.history_text(entries, lang))
    return 0
