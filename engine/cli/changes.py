"""List what changed in the run journal: new, changed and resolved advice.

By default what the latest run changed (against the run before it); with --since, everything
the runs after that run (its id) or that day changed, netted: advice that came and went in
between is not listed. Advice changes only when its decision does (its priority band, what a
blocked step waits for, its due date, a step's kind): a changed one is shown before -> after.
A day count moving inside a reason is no change. --owner NAME (or --mine) keeps one account
manager's clients.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from engine.cli.common import (
    add_format,
    add_journal,
    add_kb,
    add_lang,
    add_owner,
    day,
    lang_of,
    load_kb,
    open_journal,
    owner_of,
)

NAME = "changes"


def run_or_date(text: str) -> int | dt.date:
    if text.isdigit():
        return int(text)
    try:
        return day(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is neither a run id nor a date: expected a number, 2026-12-20 or "
            "20.12.2026") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_journal(parser)
    parser.add_argument("--since", type=run_or_date, metavar="RUN_OR_DATE",
                        help="changes of the runs after this run id or day "
                             "(default: the latest run's)")
    add_owner(parser)
    add_kb(parser)
    add_format(parser, "text", "json")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import journal as render

    kb, lang = load_kb(args), lang_of(args)
    with open_journal(args) as journal:
        records = journal.changes(args.since, owner=owner_of(args), kb=kb, lang=lang)
    sys.stdout.write(render.records_json(records) if args.format == "json"
                     else render.changes_text(records, lang))
    return 0
