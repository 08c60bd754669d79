"""The ``playbook`` command: one module per subcommand, each with ``add_arguments`` and ``run``.

Exit codes: 0 success, 1 the user's input is wrong, 2 internal error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from engine.errors import DiagnosticsError, MatcherUnavailable
from engine.render import reporter

COMMANDS = ("dry_run", "show", "validate", "test", "explain", "graph", "schema", "coverage",
            "impact")


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake exits with 1 (the user's input), not 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(1)


def commands() -> list[ModuleType]:
    return [importlib.import_module(f"engine.cli.{name}") for name in COMMANDS]


def parser() -> ArgumentParser:
    top = ArgumentParser(prog="playbook", description="Next actions for agency clients, from "
                         "a YAML knowledge base of rules, journey maps and playbooks.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                             parser_class=ArgumentParser)
    for module in commands():
        doc = (module.__doc__ or "").strip()
        command = sub.add_parser(module.NAME, help=doc.splitlines()[0], description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage mistake already reported by argparse
        return exc.code if isinstance(exc.code, int) else 1
    try:
        return int(args.run(args))
    except DiagnosticsError as exc:
        fmt = "json" if getattr(args, "format", None) == "json" else "text"
        output = reporter(fmt).diagnostics(exc.diagnostics)  # json: the error document
        sys.stderr.write(output.err)
        sys.stdout.write(output.out)
        return 1
    except MatcherUnavailable as exc:
        sys.stderr.write(f"playbook: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:  # the edge: anything unexpected is our bug, reported as such
        sys.stderr.write("playbook: internal error, please report it with this trace:\n")
        traceback.print_exc()
        return 2
