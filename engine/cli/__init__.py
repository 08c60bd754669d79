# PYTHON_ARGCOMPLETE_OK
"""The ``playbook`` command: one module per subcommand, each with ``add_arguments`` and ``run``.

Only the subcommand being run is imported (``playbook --help`` imports none): the table below
holds each one's module and help line, pinned equal to the module's own by tests/test_cli_fast.py.
Exit codes: 0 success, 1 the user's input is wrong, 2 internal error.

A command's start is paid on every run, so the process starts lean (``main`` only, never when
``engine`` is imported as a library): pydantic's plugins are not looked for
(``PYDANTIC_DISABLE_PLUGINS=__all__`` unless the user set that variable; looking means reading the
entry points of every installed distribution, once per process); the cycle collector waits
while the command's modules are imported, which then live as long as the process and are left
out of its later passes (``gc.freeze``), as the knowledge base is after its load
(engine/cli/common.py); the command runs with the collector on, its youngest generation
collected after 10,000 new objects rather than 700. Not for ``serve``, a service that starts
once and may want a plugin (tracing, metrics): it starts as the library would.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from engine.errors import DiagnosticsError, MatcherUnavailable, UserMistake
from engine.version import __version__

COMMANDS: dict[str, tuple[str, str]] = {  # NAME -> (module in engine.cli, help line)
    "dry-run": ("dry_run", "Show what would be recommended for each client, and why. "
                           "Writes nothing."),
    "run": ("run", "Recommend for a whole portfolio: a CRM export in, every client's advice "
                   "out."),
    "show": ("show", "Print one playbook entry: its title, kind, sources, summary and items."),
    "validate": ("validate", "Check the whole knowledge base and report every problem at once."),
    "test": ("test", "Run the scenarios written next to the rules (rules/*.test.yaml)."),
    "explain": ("explain", "Explain, rule by rule, why a client gets what it gets."),
    "graph": ("graph", "Draw a journey map, left to right by phase, with a client's done / "
                       "next / blocked steps."),
    "schema": ("schema", "Print the JSON Schema of a kind of YAML file, for editors and other "
                         "tools."),
    "coverage": ("coverage", "Show which domain items (K01...) the knowledge base carries as "
                             "behaviour, and where."),
    "impact": ("impact", "Show how a knowledge-base change alters the advice for a portfolio, "
                         "before it is merged."),
    "changes": ("changes", "List what changed in the run journal: new, changed and resolved "
                           "advice."),
    "inbox": ("inbox", "List the open to-dos in the run journal, most urgent first: due today, "
                       "overdue, new, the rest."),
    "done": ("done", "Mark a piece of advice done."),
    "dismiss": ("dismiss", "Dismiss a piece of advice, with a reason."),
    "snooze": ("snooze", "Snooze a piece of advice until a day."),
    "history": ("history", "Show everything that happened to a client's advice, oldest first: "
                           "who, when, why."),
    "team": ("team", "The head's view: per account manager, open, overdue and escalated "
                     "to-dos, detractors, risks."),
    "digest": ("digest", "The morning digest of an account manager or the whole team: "
                         "overdue, due today, new, urgent."),
    "stats": ("stats", "Which rules' advice people act on: shown, done, dismissed by reason, "
                       "snoozed, days to done."),
    "config": ("config", "Show the settings in effect (playbook.toml, PLAYBOOK_*) and where "
                         "each one comes from."),
    "init": ("init", "Start a new knowledge base in a folder, with its JSON Schemas."),
    "serve": ("serve", "Run the engine as an HTTP service: decisions, the run journal, amoCRM "
                       "and Bitrix24 webhooks."),
    "map": ("map", "Write a commented mapping file for a CRM export, proposed from the export "
                   "itself."),
}


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake exits with 1 (the user's input), not 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(1)


def command_module(name: str) -> ModuleType:
    return importlib.import_module(f"engine.cli.{COMMANDS[name][0]}")


def chosen(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (the first word that is not an option), if any."""
    word = next((a for a in argv if not a.startswith("-")), None)
    return word if word in COMMANDS else None


def parser(only: str | None = None, every: bool = True) -> ArgumentParser:
    """The parser; the arguments of subcommand ``only`` (or of all when ``every``) are added,
    which imports their modules."""
    top = ArgumentParser(prog="playbook", description="Next actions for agency clients, from "
                         "a YAML knowledge base of rules, journey maps and playbooks.")
    top.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                             parser_class=ArgumentParser)
    for name, (_, help_line) in COMMANDS.items():
        if only is not None and not every and name != only:
            continue  # the command is known: the others' parsers would only be listed in help
        command = sub.add_parser(name, help=help_line, description=help_line,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        if every or name == only:
            module = command_module(name)
            command.description = (module.__doc__ or help_line).strip()
            module.add_arguments(command)
            command.add_argument("--no-cache", action="store_true",
                                 help="do not read or write the compiled knowledge-base cache")
            command.set_defaults(run=module.run)
    return top


PLUGINS = "PYDANTIC_DISABLE_PLUGINS"  # pydantic's own switch: "__all__" means none looked for
SERVICES = {"serve"}  # long-running: started as without the lean start (pydantic's plugins kept)
# The collector's thresholds while a command runs: a pass of the youngest generation after 10,000
# new objects, not 700 (each pass scans again what survived the last), the older ones every 10
# passes as by default; memory stays bounded, a portfolio of any size is collected as it goes.
YOUNG = (10_000, 10, 10)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (engine/cli/completion.py)
        from engine.cli.completion import complete

        complete(parser())
    lean = chosen(argv) not in SERVICES
    collecting, thresholds = gc.isenabled(), gc.get_threshold()
    set_here = lean and PLUGINS not in os.environ
    if set_here:
        os.environ[PLUGINS] = "__all__"
    if lean:
        gc.disable()  # while the command's modules are imported

    def started() -> None:
        """The command's modules are imported: they live as long as the process."""
        if lean:
            gc.freeze()
            gc.set_threshold(*YOUNG)
            if collecting:
                gc.enable()

    try:
        return _main(argv, started)
    except (OSError, UnicodeEncodeError) as exc:  # the output cannot be written
        return output_failed(exc)
    finally:  # as it was: main() may be called in a process that goes on (tests, a program)
        if set_here:
            os.environ.pop(PLUGINS, None)
        gc.set_threshold(*thresholds)
        if collecting:
            gc.enable()


def output_failed(exc: OSError | UnicodeEncodeError) -> int:
    """One line saying why the output could not be written (a full disk, a closed pipe, a file
    path that cannot be written, an encoding that cannot show the text); exit 1."""
    if isinstance(exc, UnicodeEncodeError):
        why = (f"cannot write the output: the output encoding ({exc.encoding}) cannot show "
               "the text; set PYTHONIOENCODING=utf-8")
    elif exc.filename:  # a file named on the command line
        why = f"{exc.filename}: {exc.strerror or exc}"
    else:
        why = f"cannot write the output: {exc.strerror or exc}"
    try:  # further writes to the failed stream (at exit too) go nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.stderr.write(f"playbook: {why}\n".encode(
        "ascii", "backslashreplace").decode("ascii"))
    return 1


def _language(args: argparse.Namespace, argv: Sequence[str]) -> None:
    """A command's --lang, when not given, is the settings' (playbook.toml, PLAYBOOK_LANG)."""
    if not hasattr(args, "lang") or any(a == "--lang" or a.startswith("--lang=") for a in argv):
        return
    from engine.config import in_effect

    args.settings = in_effect()
    args.lang = args.settings.get("lang") or args.lang


def _main(argv: Sequence[str], started: Callable[[], None]) -> int:
    try:
        args = parser(chosen(argv), every=False).parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage mistake reported by argparse
        return exc.code if isinstance(exc.code, int) else 1
    started()
    try:
        _language(args, argv)
        code = int(args.run(args))
        sys.stdout.flush()  # a full disk or a closed pipe is found here, not at exit
        return code
    except (OSError, UnicodeEncodeError):
        raise
    except DiagnosticsError as exc:
        return _diagnostics(exc, getattr(args, "format", None) == "json")
    except MatcherUnavailable as exc:
        sys.stderr.write(f"playbook: {exc}\n")
        return 1
    except UserMistake as exc:
        sys.stderr.write(f"playbook {args.command}: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:  # the edge: anything unexpected is our bug, reported as such
        import traceback  # only then: a command that works does not import it

        sys.stderr.write("playbook: internal error, please report it with this trace:\n")
        traceback.print_exc()
        return 2


def _diagnostics(exc: DiagnosticsError, json_wanted: bool) -> int:
    from engine.render import reporter

    output = reporter("json" if json_wanted else "text").diagnostics(exc.diagnostics)
    sys.stderr.write(output.err)
    sys.stdout.write(output.out)
    return 1
