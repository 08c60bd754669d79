"""A parsed file as the language sees it: plain data plus where each part of it was written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Location

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed file: plain data plus where each part of it was written."""

    path: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # finds the marks when they are first needed (JSON: only messages need them)
    locate: Callable[[], dict[PathKey, tuple[int, int]]] | None = field(
        default=None, compare=False, repr=False)

    def loc(self, key: PathKey = ()) -> Location:
        """The location of ``key``, or of its nearest ancestor that was written."""
        if self.locate is not None:
            locate, self.locate = self.locate, None
            self.marks.update(locate())
        for end in range(len(key), -1, -1):
            mark = self.marks.get(tuple(key[:end]))
            if mark:
                return Location(self.path, *mark)
        return Location(self.path, 1, 1)
