"""The clients of one run, read from several files: the good ones, and those that failed.

Two clients with the same id in one run are both an error (``duplicate-client``), each naming
the other's place: their recommendations and explanations would be told apart by id alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import Diagnostic, Location
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.portfolio import format_of
from engine.runtime.clients import ClientItem, read_items

if TYPE_CHECKING:  # an export's readers and mapping: imported only when one is read
    from engine.portfolio.mapping import Mapping

TABLES = ("csv", "parquet")  # exports, read through a mapping (with --map: any file)


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


def read_batch(paths: Iterable[Path], kb: KnowledgeBase, mapping: Mapping | None = None,
               only: Collection[str] = ()) -> Batch:
    """The clients of ``paths``: YAML, JSON and JSON Lines files as written, CSV and Parquet
    exports (and any file, with a ``mapping``) through the portfolio readers and the mapping.
    ``only``: just the clients with these ids (the others are not checked)."""
    items: list[ClientItem] = []
    failed: list[Failed] = []
    for path in paths:
        if mapping is not None or format_of(str(path)) in TABLES:
            found, problems = _exported(path, kb, mapping, only)
        else:
            found, problems = read_items(path, kb)
        items += [i for i in found if not only or i.client_id in only]
        if problems:
            failed.append(Failed(str(path), None, tuple(problems)))
    if only:
        failed += _not_found(only, items, paths)
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


def _exported(path: Path, kb: KnowledgeBase, mapping: Mapping | None, only: Collection[str]
              ) -> tuple[list[ClientItem], list[Diagnostic]]:
    """The clients of an export, read as `playbook run` reads them (without ``mapping``: the
    default one)."""
    from engine.portfolio.cells import Cells
    from engine.portfolio.mapping import DEFAULT
    from engine.portfolio.readers import read_source
    from engine.portfolio.run import client_of

    items: list[ClientItem] = []
    problems: list[Diagnostic] = []
    for record in read_source(str(path), Cells(mapping or DEFAULT, kb)):
        if not record.row:  # the file as a whole
            problems += record.problems
            continue
        if only and record.client_id not in only:
            continue
        client = client_of(record, kb)
        where = record.location()
        items.append(ClientItem(None, where, record.client_id, list(client))
                     if isinstance(client, tuple) else ClientItem(client, where, client.id, []))
    return items, problems


def _not_found(only: Collection[str], items: list[ClientItem], paths: Iterable[Path]
               ) -> list[Failed]:
    """A client asked for by id that no file holds."""
    found = {i.client_id for i in items}
    where = ", ".join(str(p) for p in paths)
    return [Failed(where, client_id, (Diagnostic(
        "unknown-client", f"no client '{client_id}' in {where}", Location(where),
        expected="the id of a client in the files"),)) for client_id in only
        if client_id not in found]


def _duplicate(item: ClientItem, places: dict[str, list[Location]]) -> list[Diagnostic]:
    assert item.client is not None
    others = [str(p) for p in places[item.client.id] if p != item.location]
    if not others:
        return []
    return [Diagnostic("duplicate-client", f"client id '{item.client.id}' is used twice in "
                       f"this run: also at {', '.join(others)}", item.location,
                       expected="one client per id in a run",
                       hint="give each client its own id, or run the files separately")]
