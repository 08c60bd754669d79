"""The morning digest of an account manager or the whole team: overdue, due today, new, urgent.

One account manager's with --owner NAME (or --mine), else the whole team's: overdue, due today,
new since yesterday (--since DATE), then the next most urgent to-dos, with client names and CRM
links.

--format html is a page for a mail client (inline styles, no scripts); markdown is what a
Telegram, Slack or Mattermost bot posts; text for a terminal; json for programs. Sending is the
agency's job: a cron line piping `playbook digest --mine --format html` into its mailer (see
docs/journal.md, "The morning digest").
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import (
    add_format,
    add_journal,
    add_lang,
    add_owner,
    add_view,
    crm_url_of,
    day,
    lang_of,
    load_kb,
    open_journal,
    owner_of,
    write_out,
)

NAME = "digest"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_journal(parser)
    add_owner(parser)
    parser.add_argument("--since", type=day, metavar="DATE",
                        help="new: to-dos that became new after this day (default: yesterday)")
    add_view(parser)
    add_format(parser, "text", "markdown", "html", "json")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="write the digest to this file (default: standard output)")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import digest as render
    from engine.render.journal import one_json

    kb, lang = load_kb(args), lang_of(args)
    with open_journal(args) as journal:
        view = journal.digest(owner=owner_of(args), since=args.since, today=args.as_of, kb=kb,
                              lang=lang, crm_url=crm_url_of(args))
    shown = {"text": render.digest_text, "markdown": render.digest_markdown,
             "html": render.digest_html}
    write_out(args.output, one_json(view) if args.format == "json"
              else shown[args.format](view, lang))
    return 0
