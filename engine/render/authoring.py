"""Words of the authoring commands: which knowledge base a command used (when the user did not
name one), and what ``playbook init`` made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.kb.discover import Choice
from engine.kb.files import shown_path
from engine.version import __version__

if TYPE_CHECKING:
    from engine.tools.init import Created

WORDS = {
    "found": "knowledge base {path} (found from the current folder)",
    "bundled": "knowledge base bundled with playbook-engine {version} (none in the current "
               "folder or above it; --kb DIR for another)",
}


def header(choice: Choice) -> str:
    """One line for standard error; nothing when the user named the knowledge base."""
    if choice.how == "given":
        return ""
    return "playbook: " + WORDS[choice.how].format(path=shown_path(choice.root),
                                                    version=__version__) + "\n"


def created(done: Created) -> str:
    """What ``playbook init`` made, and what to run next."""
    kb = done.kb
    where = shown_path(done.root)
    return (f"created {where}: {len(kb.rules)} rules, {len(kb.journeys)} journey maps, "
            f"{len(kb.playbook)} playbook entries in {len(done.files)} files, and "
            f"{len(done.schemas)} schemas in {shown_path(done.root / 'schemas')}/\n"
            f"next: cd {where} && playbook validate && playbook test\n")
