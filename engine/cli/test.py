"""Run the scenarios written next to the rules (rules/*.test.yaml).

One PASS or FAIL line per case with its file:line, each failed expectation explained below it,
then the summary and the coverage of rules, journey steps and playbook entries. PATHs (files or
folders) replace the knowledge base's own scenario files. Exit 1 on any failing case or bad
scenario file.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from engine.cli.common import add_format, add_kb, load_kb
from engine.render import report
from engine.tools import scenarios
from engine.tools.scenario_results import CaseResult, Coverage, TestRun

NAME = "test"
WIDTH = 100
COVERAGE = (  # (attribute, label, what the uncovered ones are called)
    ("rules_fired", "rules fired", "never fired"),
    ("rules_silent", "rules silent", "always matched"),
    ("steps_proposed", "journey steps proposed", "never proposed"),
    ("entries_surfaced", "playbook entries surfaced", "never surfaced"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", type=Path,
                        help="scenario files or folders (default: the knowledge base's "
                             "rules/*.test.yaml)")
    add_kb(parser)
    add_format(parser, "text", "json")


def run(args: argparse.Namespace) -> int:
    result = scenarios.run(load_kb(args), args.paths)
    if args.format == "json":
        sys.stdout.write(report.to_json(result.as_dict()))
    else:
        sys.stderr.write(report.diagnostics_text(result.problems))
        sys.stdout.write(render(result))
    return 0 if result.ok else 1


def render(result: TestRun) -> str:
    """The human report: cases, summary, coverage."""
    lines = [line for case in result.cases for line in case_lines(case)]
    lines += ["", f"PASS: {result.passed}/{len(result.cases)}"]
    if result.problems:
        lines.append(f"{len(result.problems)} error(s) in scenario files: those cases did not "
                     "run (see above)")
    if not result.cases:
        return "\n".join(lines) + "\n"
    return "\n".join([*lines, "", *coverage_lines(result.coverage)]) + "\n"


def case_lines(case: CaseResult) -> list[str]:
    where = f"{case.location.path}:{case.location.line}"
    title = case.name + (f" — {case.note}" if case.note else "")
    return [f"{'PASS' if case.passed else 'FAIL'}  {where}  {title}",
            *(f"      {failure.message}" for failure in case.failures)]


def coverage_lines(coverage: Coverage) -> list[str]:
    lines = ["coverage:"]
    width = max(len(label) for _, label, _ in COVERAGE) + 1
    for attribute, label, uncovered_word in COVERAGE:
        tally = getattr(coverage, attribute)
        lines.append(f"  {label + ':':<{width}} {len(tally.covered)}/{tally.total}")
        if tally.uncovered:
            lines += textwrap.wrap(f"{uncovered_word}: {', '.join(tally.uncovered)}", WIDTH,
                                   initial_indent="    ", subsequent_indent="      ",
                                   break_on_hyphens=False)
    return lines
