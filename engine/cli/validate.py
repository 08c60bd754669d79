"""Check the whole knowledge base and report every problem at once.

Each problem is printed as `path:line:col: error[code] message`, with what was expected and a
hint. Exit 1 on any error. Lint findings (overlapping or gapped bands, rules that can never act,
steps that can only come back blocked, unused entries, facts and thresholds) are printed as
`warning[code]` and do not fail the check, unless --strict is given.
"""

from __future__ import annotations

import argparse

from engine.cli.common import add_format, add_kb, emit, kb_choice, use_cache
from engine.lint import check
from engine.render import reporter

NAME = "validate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb(parser)
    add_format(parser, "text", "json")
    parser.add_argument("--strict", action="store_true",
                        help="count warnings as errors: exit 1 if there is any")


def run(args: argparse.Namespace) -> int:
    kb, problems = check(kb_choice(args).root, cache=use_cache(args))
    errors = any(p.severity == "error" for p in problems)
    warnings = any(p.severity == "warning" for p in problems)
    emit(reporter(args.format).validation(kb, problems, args.strict))
    return 1 if errors or (args.strict and warnings) else 0
