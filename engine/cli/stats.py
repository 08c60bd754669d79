"""Which rules' advice people act on: shown, done, dismissed by reason, snoozed, days to done.

Per rule (--by owner, --by kind): the to-dos and blocked steps runs showed, how many were done,
dismissed (by reason) and snoozed, and the median days from new to done. A rule whose advice is
dismissed as "not relevant" often (30% or more of at least 5) is marked as noise: a rule for the
operations lead to look at.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import add_format, add_journal, add_lang, day, lang_of, open_journal

NAME = "stats"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_journal(parser)
    parser.add_argument("--by", choices=("rule", "owner", "kind"), default="rule",
                        help="one row per rule (default), account manager or kind of action")
    parser.add_argument("--since", type=day, metavar="DATE",
                        help="only what happened on or after this day")
    add_format(parser, "text", "json")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render.journal import one_json
    from engine.render.stats import stats_text

    with open_journal(args) as journal:
        view = journal.stats(by=args.by, since=args.since)
    sys.stdout.write(one_json(view) if args.format == "json"
                     else stats_text(view, lang_of(args)))
    return 0
