"""Check the whole knowledge base and report every problem at once.

Each problem is printed as `path:line:col: error[code] message`, with what was expected and a
hint. Exit 1 on any error.
"""

from __future__ import annotations

import argparse
import sys

from engine import report
from engine.cli.common import add_format, add_kb
from engine.loader import check

NAME = "validate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb(parser)
    add_format(parser, "text", "json")


def run(args: argparse.Namespace) -> int:
    kb, problems = check(args.kb)
    errors = [p for p in problems if p.severity == "error"]
    if args.format == "json":
        sys.stdout.write(report.to_json({
            "ok": kb is not None, "kb_version": kb.version if kb else None,
            "diagnostics": [p.as_dict() for p in problems]}))
    else:
        sys.stderr.write(report.diagnostics_text(problems))
        if kb is not None:
            sys.stdout.write(f"ok: {len(kb.rules)} rules, {len(kb.journeys)} journey maps, "
                             f"{len(kb.playbook)} playbook entries (kb {kb.version})\n")
        else:
            sys.stdout.write(f"{len(errors)} error(s)\n")
    return 1 if errors else 0
