"""The head's view: per account manager, open, overdue and escalated to-dos, detractors, risks.

Also their clients and what they did (done, dismissed) in the last 7 and 30 days; detractors
are clients whose NPS is 0-6, risks the most urgent escalated, overdue or warning to-dos.

--format html writes a page a mail client shows (--output FILE to keep it); markdown suits a
chat; json is the same data for programs. An overdue to-do escalates after the settings' days
(journal.escalate in rules/settings.yaml).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import (
    add_format,
    add_journal,
    add_lang,
    add_view,
    crm_url_of,
    lang_of,
    load_kb,
    open_journal,
    write_out,
)

NAME = "team"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_journal(parser)
    add_view(parser)
    add_format(parser, "text", "markdown", "html", "json")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="write the view to this file (default: standard output)")
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.render import team as render
    from engine.render.journal import one_json

    kb, lang = load_kb(args), lang_of(args)
    with open_journal(args) as journal:
        view = journal.team(today=args.as_of, kb=kb, lang=lang, crm_url=crm_url_of(args))
    shown = {"text": render.team_text, "markdown": render.team_markdown,
             "html": render.team_html}
    write_out(args.output, one_json(view) if args.format == "json"
              else shown[args.format](view, lang))
    return 0
