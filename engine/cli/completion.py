"""Shell completion with argcomplete: command names, options and their choices, folders for
--kb, client files, and the project types of the knowledge base in use for ``graph``.

Enable it once per shell (bash; zsh with bashcompinit):

    eval "$(register-python-argcomplete playbook)"

Only a completing shell (``_ARGCOMPLETE`` set) imports this module and argcomplete.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import argcomplete
from argcomplete.completers import DirectoriesCompleter, FilesCompleter

CLIENT_FILES = FilesCompleter(["yaml", "yml", "json"])


def project_types(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The journey maps of the knowledge base the command would use."""
    from engine.api import load
    from engine.kb.discover import choose

    try:
        kb = load(choose(getattr(parsed_args, "kb", None)).root, cache=True)
    except Exception:  # a broken knowledge base completes nothing, quietly
        return []
    return [name for name in sorted(kb.journeys) if name.startswith(prefix)]


COMPLETERS: dict[str, Any] = {  # argument dest -> completer
    "kb": DirectoriesCompleter(), "clients": CLIENT_FILES, "client": CLIENT_FILES,
    "project_type": project_types, "folder": DirectoriesCompleter(),
    "write": DirectoriesCompleter(),
}


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's question and exit (argcomplete's protocol); return if not asked."""
    for action in _actions(parser):
        if action.dest in COMPLETERS and not action.choices:
            action.completer = COMPLETERS[action.dest]  # type: ignore[attr-defined]
    argcomplete.autocomplete(parser, exit_method=os._exit)


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _actions(sub)
    return found
