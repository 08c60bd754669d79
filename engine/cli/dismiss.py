"""Dismiss a piece of advice, with a reason.

Reasons: not_relevant, client_declined, already_done,
wrong_data or other (and a --comment). It comes back like done advice: when its rule stops and
starts matching again (after the cooldown of settings.yaml), or at once if its priority rises.
"""

from __future__ import annotations

import argparse

from engine.cli.common import actor_of, add_advice, open_journal, show_advice
from engine.vocabulary import DISMISS_REASONS

NAME = "dismiss"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_advice(parser)
    parser.add_argument("--reason", required=True, metavar="R",
                        help=f"why: {', '.join(DISMISS_REASONS)} (or their words in English or "
                             "Russian: 'not relevant', 'неактуально', 'клиент отказался', ...)")


def _reason(said: str) -> str:
    """The reason's code, from the code or its words; anything else is left for the journal
    to refuse with the list of reasons."""
    from engine.render.journal_words import reason_code

    return reason_code(said) or said


def run(args: argparse.Namespace) -> int:
    with open_journal(args) as journal:
        advice = journal.dismiss(args.client, args.kind, args.id, _reason(args.reason),
                                 args.comment, actor=actor_of(args))
    return show_advice(args, advice)
