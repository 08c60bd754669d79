"""The clients of one run, read from several files: the good ones, and those that failed.

Two clients with the same id in one run are both an error (``duplicate-client``), each naming
the other's place: their recommendations and explanations would be told apart by id alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import Diagnostic, Location
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.runtime.clients import ClientItem, read_items


@dataclass(frozen=True)
class Failed:
    """A client (or a whole file, client_id None) that got no recommendation, and why."""

    path: str
    client_id: str | None
    errors: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Batch:
    clients: list[Client] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)

    @property
    def problems(self) -> list[Diagnostic]:
        return [d for f in self.failed for d in f.errors]


def read_batch(paths: Iterable[Path], kb: KnowledgeBase) -> Batch:
    items: list[ClientItem] = []
    failed: list[Failed] = []
    for path in paths:
        found, problems = read_items(path, kb)
        items += found
        if problems:
            failed.append(Failed(str(path), None, tuple(problems)))
    places: dict[str, list[Location]] = {}
    for item in items:
        if item.client is not None:
            places.setdefault(item.client.id, []).append(item.location)
    batch = Batch(failed=failed)
    for item in items:
        errors = item.problems or _duplicate(item, places)
        if errors:
            failed.append(Failed(item.location.path, item.client_id, tuple(errors)))
        elif item.client is not None:
            batch.clients.append(item.client)
    return batch


def _duplicate(item: ClientItem, places: dict[str, list[Location]]) -> list[Diagnostic]:
    assert item.client is not None
    others = [str(p) for p in places[item.client.id] if p != item.location]
    if not others:
        return []
    return [Diagnostic("duplicate-client", f"client id '{item.client.id}' is used twice in "
                       f"this run: also at {', '.join(others)}", item.location,
                       expected="one client per id in a run",
                       hint="give each client its own id, or run the files separately")]
