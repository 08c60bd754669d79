"""Run the scenarios written next to the rules (rules/*.test.yaml).

One PASS or FAIL line per case with its file:line, each failed expectation explained below it,
then the summary and the coverage of rules, journey steps and playbook entries. PATHs (files or
folders) replace the knowledge base's own scenario files. Exit 1 on any failing case or bad
scenario file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import add_format, add_kb, emit, load_kb
from engine.render import reporter
from engine.tools import scenarios

NAME = "test"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", type=Path,
                        help="scenario files or folders (default: the knowledge base's "
                             "rules/*.test.yaml)")
    add_kb(parser)
    add_format(parser, "text", "json")


def run(args: argparse.Namespace) -> int:
    result = scenarios.run(load_kb(args), args.paths)
    emit(reporter(args.format).test_run(result))
    return 0 if result.ok else 1
