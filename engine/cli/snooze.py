"""Snooze a piece of advice until a day.

It leaves the inbox and returns as new with the first
run on or after that day (if it is still recommended then).
"""

from __future__ import annotations

import argparse

from engine.cli.common import actor_of, add_advice, day, open_journal, show_advice

NAME = "snooze"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_advice(parser)
    parser.add_argument("--until", required=True, type=day, metavar="DATE",
                        help="the day it returns: 2026-12-20, 20.12.2026, +7d or +2w")


def run(args: argparse.Namespace) -> int:
    with open_journal(args) as journal:
        advice = journal.snooze(args.client, args.kind, args.id, args.until, args.comment,
                                actor=actor_of(args))
    return show_advice(args, advice)
