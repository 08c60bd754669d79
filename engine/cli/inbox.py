"""List the open to-dos in the run journal, most urgent first: due today, overdue, new, the rest.

A to-do is a next step, an upsell or a warning that asks for an act; guidance (how to talk to
the client, what not to do) and blocked steps go with the to-do they belong to (shown with
--full). One line per to-do: client, title, the reason's first sentence, due date, CRM link.
--owner NAME (or --mine) keeps one account manager's clients, --top N the first N. Titles
are in --lang, from the knowledge base (--kb, else the one found or the bundled one).
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import (
    add_format,
    add_journal,
    add_lang,
    add_owner,
    add_view,
    crm_url_of,
    lang_of,
    load_kb,
    open_journal,
    owner_of,
    positive,
)
from engine.vocabulary import ACTION_KINDS

NAME = "inbox"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_journal(parser)
    add_owner(parser)
    parser.add_argument("--client", metavar="ID", help="only this client's to-dos")
    parser.add_argument("--kind", choices=ACTION_KINDS, help="only this kind of action")
    parser.add_argument("--new", action="store_true", help="only to-dos new since the last run")
    parser.add_argument("--top", type=positive, metavar="N", help="the N most urgent to-dos")
    parser.add_argument("--full", action="store_true",
                        help="the whole reason, the guides and the blocked steps of each to-do")
    add_view(parser)
    add_format(parser, "text", "json")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import inbox as render
    from engine.render.journal import one_json

    kb, lang = load_kb(args), lang_of(args)
    with open_journal(args) as journal:
        box = journal.inbox(args.client, args.kind, args.new, owner=owner_of(args),
                            top=args.top, today=args.as_of, kb=kb, lang=lang,
                            crm_url=crm_url_of(args))
    sys.stdout.write(one_json(box) if args.format == "json"
                     else render.inbox_text(box, lang, full=args.full))
    return 0
