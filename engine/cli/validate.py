"""Check the whole knowledge base and report every problem at once.

Each problem is printed as `path:line:col: error[code] message`, with what was expected and a
hint. Exit 1 on any error. Lint findings (overlapping or gapped bands, rules that can never act,
steps that can only come back blocked, unused entries, facts and thresholds) are printed as
`warning[code]` and do not fail the check, unless --strict is given.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import add_format, add_kb
from engine.kb.knowledge_base import KnowledgeBase
from engine.lint import check
from engine.render import report

NAME = "validate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb(parser)
    add_format(parser, "text", "json")
    parser.add_argument("--strict", action="store_true",
                        help="count warnings as errors: exit 1 if there is any")


def run(args: argparse.Namespace) -> int:
    kb, problems = check(args.kb)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    failed = bool(errors) or (args.strict and bool(warnings))
    if args.format == "json":
        sys.stdout.write(report.to_json({
            "ok": not failed, "kb_version": kb.version if kb else None,
            "errors": len(errors), "warnings": len(warnings),
            "diagnostics": [p.as_dict() for p in problems]}))
    else:
        sys.stderr.write(report.diagnostics_text(problems))
        sys.stdout.write(_summary(kb, len(errors), len(warnings), args.strict))
    return 1 if failed else 0


def _summary(kb: KnowledgeBase | None, errors: int, warnings: int, strict: bool) -> str:
    if kb is None:
        return f"{errors} error(s)" + (f", {warnings} warning(s)" if warnings else "") + "\n"
    contents = (f"{len(kb.rules)} rules, {len(kb.journeys)} journey maps, "
                f"{len(kb.playbook)} playbook entries (kb {kb.version})")
    if warnings and strict:
        return f"failed (--strict): {warnings} warning(s) in {contents}\n"
    return f"ok: {contents}" + (f"; {warnings} warning(s)" if warnings else "") + "\n"
