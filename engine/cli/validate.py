"""Check the whole knowledge base and report every problem at once.

Each problem is printed as `path:line:col: error[code] message`, with what was expected and a
hint. Exit 1 on any error. Lint findings (overlapping or gapped bands, rules that can never act,
steps that can only come back blocked, unused entries, facts and thresholds) are printed as
`warning[code]` and do not fail the check, unless --strict is given. --format sarif writes
SARIF 2.1.0 (code scanning); --format github writes GitHub Actions annotations (::error
file=...) that show on the lines of a pull request.
"""

from __future__ import annotations

import argparse

from engine.api import check
from engine.cli.common import add_format, add_kb, emit, kb_choice, use_cache
from engine.render import reporter

NAME = "validate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb(parser)
    add_format(parser, "text", "json", "sarif", "github")
    parser.add_argument("--strict", action="store_true",
                        help="count warnings as errors: exit 1 if there is any")


def run(args: argparse.Namespace) -> int:
    choice = kb_choice(args)
    kb, problems = check(choice.root, cache=use_cache(args))
    errors = any(p.severity == "error" for p in problems)
    warnings = any(p.severity == "warning" for p in problems)
    emit(reporter(args.format, choice.as_dict()).validation(kb, problems, args.strict))
    return 1 if errors or (args.strict and warnings) else 0
