"""List the open advice in the run journal, by client, most urgent first.

Open advice is new (not seen before the run that found it) or open (seen again). Done,
dismissed, snoozed and resolved advice is not listed. One record per piece of advice:
client_id, kind, id, status.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import add_format, add_journal, add_lang, open_journal
from engine.vocabulary import ACTION_KINDS

NAME = "inbox"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_journal(parser)
    parser.add_argument("--client", metavar="ID", help="only this client's advice")
    parser.add_argument("--kind", choices=ACTION_KINDS, help="only this kind of action")
    parser.add_argument("--new", action="store_true", help="only advice not seen before")
    add_format(parser, "text", "json")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import journal as render

    with open_journal(args) as journal:
        items = journal.inbox(args.client, args.kind, args.new)
    sys.stdout.write(render.records_json(items) if args.format == "json"
                     else render.inbox_text(items, args.lang))
    return 0
