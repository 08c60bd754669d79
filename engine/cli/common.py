"""Arguments and helpers shared by several commands."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import Diagnostic, DiagnosticsError, Location, UserMistake
from engine.matchers import NAMES
from engine.render import Output
from engine.vocabulary import ACTION_KINDS, LANGUAGES

if TYPE_CHECKING:  # the journal's modules need the 'journal' extra: imported when used
    from engine.config import Config
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


_RELATIVE = re.compile(r"^\+(\d{1,4})([dw])$")


def day(text: str) -> dt.date:
    """A day as people write it: 2026-12-20, 20.12.2026, or +7d / +2w from today."""
    said = text.strip().lower()
    relative = _RELATIVE.match(said)
    if relative:
        count = int(relative[1]) * (7 if relative[2] == "w" else 1)
        return dt.date.today() + dt.timedelta(days=count)
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(said, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"'{text}' is not a date: expected 2026-12-20, 20.12.2026, +7d or +2w")


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

    # A command loads once and ends: what is loaded lives as long as the process, so the
    # collector need not scan it, during the load (it would find no garbage among objects that
    # all live on) or after it. Not in the library, where a process may load many knowledge
    # bases (a server reloading) and a frozen load would never be collected.
    collecting = gc.isenabled()
    gc.disable()
    try:
        kb = load(kb_choice(args).root, matcher=getattr(args, "matcher", "python"),
                  cache=use_cache(args))
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    return kb


def emit(output: Output) -> None:
    """Write a reporter's output: errors first, so a pipe reading both keeps their order."""
    sys.stderr.write(output.err)
    sys.stdout.write(output.out)


def add_journal(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--journal", metavar="PATH_OR_URL",
                        help="the run journal: a SQLite file, or a database URL "
                             "(postgresql://USER@HOST:PORT/DB); default: 'journal' of "
                             "playbook.toml or PLAYBOOK_JOURNAL")


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES,
                        help="language of the output (default: 'lang' of playbook.toml or "
                             "PLAYBOOK_LANG, else en)")


def add_owner(parser: argparse.ArgumentParser) -> None:
    """--owner NAME or --mine (the owner of playbook.toml or PLAYBOOK_OWNER)."""
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--owner", metavar="NAME", help="only this account manager's clients")
    who.add_argument("--mine", action="store_true",
                     help="only my clients: the 'owner' of playbook.toml or PLAYBOOK_OWNER")


def add_view(parser: argparse.ArgumentParser) -> None:
    """What a journal view needs: its day, the knowledge base that words it, the CRM links."""
    parser.add_argument("--as-of", type=day, metavar="DATE",
                        help="the day the view is for: what is due, overdue, new (default: "
                             "today; 2026-12-20, 20.12.2026 or +1d)")
    add_kb(parser)
    parser.add_argument("--crm-url", metavar="TEMPLATE",
                        help="a client's CRM link, {crm_id} standing for its CRM id (default: "
                             "'crm_url' of playbook.toml or PLAYBOOK_CRM_URL)")


def add_advice(parser: argparse.ArgumentParser) -> None:
    """CLIENT KIND ID of one piece of advice, and the journal it is in."""
    parser.add_argument("client", metavar="CLIENT", help="the client's id")
    parser.add_argument("kind", metavar="KIND", help=f"kind of action: {', '.join(ACTION_KINDS)}")
    parser.add_argument("id", metavar="ID", help="the action's id (as `playbook inbox` lists it)")
    parser.add_argument("--comment", metavar="TEXT", help="a note kept in the journal's log")
    parser.add_argument("--by", metavar="NAME",
                        help="who acts (default: 'owner' of playbook.toml or PLAYBOOK_OWNER, "
                             "else the login name)")
    add_journal(parser)
    add_format(parser, "text", "json")
    add_lang(parser)


def settings(args: argparse.Namespace) -> Config:
    """The settings in effect (playbook.toml, PLAYBOOK_*), read once per command."""
    found: Config | None = getattr(args, "settings", None)
    if found is None:
        from engine.config import in_effect

        found = args.settings = in_effect()
    return found


def open_journal(args: argparse.Namespace) -> Journal:
    """The journal of ``--journal`` (or of the settings); a missing ``journal`` extra is the
    user's to install."""
    target = args.journal or settings(args).get("journal")
    if not target:
        raise UserMistake("which journal? give --journal PATH_OR_URL, or set 'journal' in "
                          "playbook.toml or PLAYBOOK_JOURNAL")
    try:
        from engine.journal import Journal
    except ImportError:
        raise DiagnosticsError([Diagnostic(
            "journal-unavailable", "the journal needs SQLAlchemy, Alembic and filelock",
            Location(target), hint="pip install 'playbook-engine[journal]'")]) from None
    return Journal(target)


def lang_of(args: argparse.Namespace) -> str:
    return str(args.lang or settings(args).get("lang") or "en")


def owner_of(args: argparse.Namespace) -> str | None:
    """--owner NAME, or with --mine the owner of the settings."""
    if getattr(args, "mine", False):
        mine = settings(args).get("owner")
        if not mine:
            raise UserMistake("--mine needs your name: set 'owner' in playbook.toml or "
                              "PLAYBOOK_OWNER, or give --owner NAME")
        return mine
    return getattr(args, "owner", None)


def actor_of(args: argparse.Namespace) -> str:
    """Who acts: --by, else the owner of the settings, else the login name."""
    if args.by:
        return str(args.by)
    import getpass

    try:
        login = getpass.getuser()
    except (OSError, KeyError):
        login = "unknown"
    return settings(args).get("owner") or login


def crm_url_of(args: argparse.Namespace) -> str | None:
    return getattr(args, "crm_url", None) or settings(args).get("crm_url")


def show_advice(args: argparse.Namespace, advice: Advice) -> int:
    from engine.render import journal as render

    sys.stdout.write(render.one_json(advice) if args.format == "json"
                     else render.advice_text(advice, lang_of(args)))
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


def write_out(path: Path | None, text: str) -> None:
    """A view to standard output, or to the file the user named."""
    if path is None:
        sys.stdout.write(text)
    else:
        write_file(path, text)


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


def seconds(text: str) -> float:
    """A number of seconds, 0 or more (``0``: do not wait)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds from 0 to 86400")
    return value
