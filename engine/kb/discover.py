"""Which knowledge base a command uses: the one given, else the one the user stands in (the
current folder or its nearest parent with rules/, journey_maps/ and playbooks/, as dbt finds its
project), else the bundled one."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from engine.kb.files import bundled_root, enclosing, shown_path

How = Literal["given", "found", "bundled"]


@dataclass(frozen=True)
class Choice:
    """The knowledge base a command runs on, and how it was chosen."""

    root: Path
    how: How

    def as_dict(self) -> dict[str, str]:
        return {"path": shown_path(self.root), "how": self.how}


def choose(given: str | os.PathLike[str] | None) -> Choice:
    if given is not None:
        return Choice(Path(given), "given")
    found = enclosing()
    return Choice(found, "found") if found is not None else Choice(bundled_root(), "bundled")
