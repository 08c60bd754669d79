"""Print one playbook entry: its title, kind, sources, summary and items.

The same content a recommendation brings along under its row (see `dry-run`), for an entry
named by its id (`playbook show optimisation_checklist --lang ru`).
"""

from __future__ import annotations

import argparse

from engine.cli.common import add_format, add_kb, emit, load_kb
from engine.errors import Diagnostic, DiagnosticsError, did_you_mean
from engine.render import reporter
from engine.vocabulary import LANGUAGES

NAME = "show"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entry", metavar="ENTRY_ID", help="a playbook entry id")
    add_kb(parser)
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of the entry (default: en)")
    add_format(parser, "text", "json")


def run(args: argparse.Namespace) -> int:
    kb = load_kb(args)
    entry = kb.playbook.get(args.entry)
    if entry is None:
        raise DiagnosticsError([Diagnostic(
            "unknown-playbook-entry", f"the knowledge base has no playbook entry '{args.entry}'",
            expected="an entry id from playbooks/*.yaml",
            hint=did_you_mean(args.entry, kb.playbook))])
    emit(reporter(args.format).playbook_entry(entry, args.lang))
    return 0
