"""Run the scenarios written next to the rules (rules/*.test.yaml).

One PASS or FAIL line per case with its file:line, each failed expectation explained below it,
then the coverage of rules, journey steps and playbook entries, and the summary line
(`N passed, N failed`). PATHs (files or folders) replace the knowledge base's own scenario
files; when each has its rules file beside it (rules/NAME.yaml for rules/NAME.test.yaml),
coverage is of those files only. -k PATTERN runs the cases whose name holds PATTERN (any
case); --fail-fast stops at the first failing case; --junit-xml FILE also writes the run as
JUnit XML for CI. Exit 1 on any failing case or bad scenario file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import add_format, add_kb, emit, load_kb, write_file
from engine.render import reporter
from engine.tools import scenarios

NAME = "test"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", type=Path,
                        help="scenario files or folders (default: the knowledge base's "
                             "rules/*.test.yaml)")
    add_kb(parser)
    add_format(parser, "text", "json")
    parser.add_argument("-k", metavar="PATTERN", dest="pattern",
                        help="run only the cases whose name holds PATTERN (any case)")
    parser.add_argument("-x", "--fail-fast", action="store_true",
                        help="stop at the first failing case")
    parser.add_argument("--junit-xml", type=Path, metavar="FILE",
                        help="also write the run as JUnit XML to FILE (for CI)")


def run(args: argparse.Namespace) -> int:
    result = scenarios.run(load_kb(args), args.paths, args.pattern, args.fail_fast)
    if args.junit_xml is not None:
        from engine.render.junit import junit_xml

        write_file(args.junit_xml, junit_xml(result))
    emit(reporter(args.format, args.kb_choice.as_dict()).test_run(result))
    return 0 if result.ok else 1
