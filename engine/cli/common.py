"""Arguments and helpers shared by several commands."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.load import load
from engine.matchers import NAMES
from engine.render import Output
from engine.vocabulary import ACTION_KINDS


def add_kb(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", metavar="DIR", help="knowledge base folder with rules/, "
                        "journey_maps/ and playbooks/ (default: the bundled one)")


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


def load_kb(args: argparse.Namespace) -> KnowledgeBase:
    return load(args.kb, matcher=getattr(args, "matcher", "python"))


def emit(output: Output) -> None:
    """Write a reporter's output: errors first, so a pipe reading both keeps their order."""
    sys.stderr.write(output.err)
    sys.stdout.write(output.out)


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
