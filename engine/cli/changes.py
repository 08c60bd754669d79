"""List what changed in the run journal: new, changed and resolved advice.

By default what the latest run changed (against the run before it); with --since, everything
the runs after that run (its id) or that day (YYYY-MM-DD) changed, netted: advice that came and
went in between is not listed. One record per piece of advice: client_id, kind, id, change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from engine.cli.common import add_format, add_journal, add_lang, open_journal

NAME = "changes"


def run_or_date(text: str) -> int | dt.date:
    if text.isdigit():
        return int(text)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is neither a run id nor a date: expected a number or YYYY-MM-DD") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_journal(parser)
    parser.add_argument("--since", type=run_or_date, metavar="RUN_OR_DATE",
                        help="changes of the runs after this run id or day "
                             "(default: the latest run's)")
    add_format(parser, "text", "json")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import journal as render

    with open_journal(args) as journal:
        records = journal.changes(args.since)
    sys.stdout.write(render.records_json(records) if args.format == "json"
                     else render.changes_text(records, args.lang))
    return 0
