"""One client as read from a portfolio file: where it was written and its data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Diagnostic, Location
from engine.language.document import Document, PathKey
from engine.models import Client

Positions = Mapping[PathKey, tuple[int, int]]  # line 0: the record's own line


@dataclass(frozen=True)
class Record:
    """A client read from ``source``: its line (the row number for Parquet), its 1-based row
    among the source's clients, its data, and where each field was written."""

    source: str
    line: int
    row: int
    data: Any
    positions: Positions | None = field(default=None, repr=False, compare=False)
    problems: tuple[Diagnostic, ...] = ()  # the record could not be read
    bad_cells: tuple[Diagnostic, ...] = ()  # cells that could not be read (left out of data)

    def document(self) -> Document:
        marks = {k: (line or self.line, col) for k, (line, col) in (self.positions or {}).items()}
        marks.setdefault((), (self.line, 1))
        return Document(self.source, self.data, marks)

    @property
    def client_id(self) -> str | None:
        """The id as written (as text), or None when there is none that can be written: a
        number of thousands of digits, a value whose text cannot be had, data that fails when
        it is read."""
        if isinstance(self.data, Client):
            return self.data.id
        try:
            found = self.data.get("id") if isinstance(self.data, Mapping) else None
            if found is None or isinstance(found, str):
                return found
            if isinstance(found, int) and found.bit_length() > 64:
                return None
            return str(found)
        except Exception:  # the client's own object failed: it has no id to show
            return None

    def location(self) -> Location:
        return Location(self.source, self.line, 1)
