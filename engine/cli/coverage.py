"""Show which domain items (K01...) the knowledge base carries as behaviour, and where.

Prints a Markdown table: for each item, when it must act, the rules, journey steps and playbook
entries citing it and the scenario that shows it acting, or why it is prose only. `--write
FILE` saves it (docs/coverage.md for the bundled base).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import add_kb, load_kb, write_file
from engine.render import markdown
from engine.tools import coverage

NAME = "coverage"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb(parser)
    parser.add_argument("--write", metavar="FILE", type=Path, help="write the table to FILE")


def run(args: argparse.Namespace) -> int:
    text = markdown.coverage(coverage.coverage(load_kb(args)))
    if args.write:
        write_file(args.write, text)
        sys.stdout.write(f"wrote {args.write}\n")
    else:
        sys.stdout.write(text)
    return 0
