"""Arguments and helpers shared by several commands."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import Diagnostic, DiagnosticsError, Location, UserMistake
from engine.matchers import NAMES
from engine.render import Output
from engine.vocabulary import ACTION_KINDS, LANGUAGES

if TYPE_CHECKING:  # the journal's modules need the 'journal' extra: imported when used
    from engine.journal import Advice, Journal
    from engine.kb.discover import Choice
    from engine.kb.knowledge_base import KnowledgeBase


def add_kb(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", metavar="DIR", help="knowledge base folder with rules/, "
                        "journey_maps/ and playbooks/ (default: the current folder or its "
                        "nearest parent that has them, else the bundled one)")


def add_format(parser: argparse.ArgumentParser, *choices: str) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0],
                        help=f"output format (default: {choices[0]})")


def add_matcher(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--matcher", choices=NAMES, default="python",
                        help="rule matcher: generated python (default) or durable "
                             "(needs the 'durable' extra)")


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: expected YYYY-MM-DD") from None


def kb_choice(args: argparse.Namespace) -> Choice:
    """The knowledge base to use (--kb, else the one the user stands in, else the bundled one),
    said on standard error when the user did not name it; kept in ``args.kb_choice``."""
    from engine.kb.discover import choose  # only for the commands that read a knowledge base
    from engine.render.authoring import header

    choice: Choice = choose(args.kb)
    sys.stderr.write(header(choice))
    args.kb_choice = choice
    return choice


def use_cache(args: argparse.Namespace) -> bool:
    return not getattr(args, "no_cache", False)


def load_kb(args: argparse.Namespace) -> KnowledgeBase:
    from engine.api import load

    kb = load(kb_choice(args).root, matcher=getattr(args, "matcher", "python"),
              cache=use_cache(args))
    # A command loads once and ends: what is loaded lives as long as the process, so later
    # collections need not scan it again. Not in the library, where a process may load many
    # knowledge bases (a server reloading) and a frozen load would never be collected.
    gc.freeze()
    return kb


def emit(output: Output) -> None:
    """Write a reporter's output: errors first, so a pipe reading both keeps their order."""
    sys.stderr.write(output.err)
    sys.stdout.write(output.out)


def add_journal(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--journal", required=True, metavar="PATH_OR_URL",
                        help="the run journal: a SQLite file, or a database URL "
                             "(postgresql://USER@HOST:PORT/DB)")


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of the text output (default: en)")


def add_advice(parser: argparse.ArgumentParser) -> None:
    """CLIENT KIND ID of one piece of advice, and the journal it is in."""
    parser.add_argument("client", metavar="CLIENT", help="the client's id")
    parser.add_argument("kind", metavar="KIND", help=f"kind of action: {', '.join(ACTION_KINDS)}")
    parser.add_argument("id", metavar="ID", help="the action's id (as `playbook inbox` lists it)")
    parser.add_argument("--comment", metavar="TEXT", help="a note kept in the journal's log")
    add_journal(parser)
    add_format(parser, "text", "json")
    add_lang(parser)


def open_journal(args: argparse.Namespace) -> Journal:
    """The journal of ``--journal``; a missing ``journal`` extra is the user's to install."""
    try:
        from engine.journal import Journal
    except ImportError:
        raise DiagnosticsError([Diagnostic(
            "journal-unavailable", "the journal needs SQLAlchemy and Alembic",
            Location(args.journal), hint="pip install 'playbook-engine[journal]'")]) from None
    return Journal(args.journal)


def show_advice(args: argparse.Namespace, advice: Advice) -> int:
    from engine.render import journal as render

    sys.stdout.write(render.one_json(advice) if args.format == "json"
                     else render.advice_text(advice, args.lang))
    return 0


def write_file(path: Path, data: bytes | str) -> None:
    """Write a file the user named; a path that cannot be written is the user's mistake."""
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise UserMistake(f"cannot write {path}: {exc.strerror or exc}") from None


def kinds(text: str) -> frozenset[str]:
    """``--kind warning,next_step``: action kinds, comma-separated."""
    found = frozenset(k.strip() for k in text.split(",") if k.strip())
    unknown = sorted(found - set(ACTION_KINDS))
    if unknown or not found:
        raise argparse.ArgumentTypeError(
            f"unknown action kind '{', '.join(unknown) or text}': expected "
            f"{', '.join(ACTION_KINDS)}, comma-separated")
    return found


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive whole number")
    return int(text)
