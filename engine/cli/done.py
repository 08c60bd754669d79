"""Mark a piece of advice done.

--by NAME says who did it (default: the owner of the settings, else the login name). It does
not come back while its rule keeps matching; it returns when the rule stops and starts matching
again (after the cooldown of settings.yaml), or at once if its priority band rises.
"""

from __future__ import annotations

import argparse

from engine.cli.common import actor_of, add_advice, open_journal, show_advice

NAME = "done"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_advice(parser)


def run(args: argparse.Namespace) -> int:
    with open_journal(args) as journal:
        advice = journal.done(args.client, args.kind, args.id, args.comment,
                              actor=actor_of(args))
    return show_advice(args, advice)
