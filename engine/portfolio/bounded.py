"""Streamed portfolio files read within bounds: only regular files are opened (a FIFO or a
device could block or never end; a stream is read as standard input, ``-``), and no line of
JSON Lines and no CSV record may be longer than ``Limits.max_record`` characters, so memory
stays bounded whatever the file holds (one line of 2 GB, /dev/zero on stdin).
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Iterator
from typing import IO

from engine.errors import Diagnostic, Location
from engine.kb.limits import ENV, Limits, open_regular

STREAM_HINT = "to read a pipe or a device, give '-' and redirect it: playbook run - < SOURCE"


class RecordTooLong(Exception):
    """A line (or a CSV record over several lines) longer than the limit, starting at
    ``line``."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def open_text(path: str) -> tuple[IO[str] | None, Diagnostic | None]:
    """A UTF-8 text stream (a byte-order mark skipped) on a regular file, or why not."""
    raw, problem = open_bytes(path)
    if raw is None:
        return None, problem
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), None


def open_bytes(path: str) -> tuple[io.BufferedReader | None, Diagnostic | None]:
    """A binary stream on a regular file (a CSV file's encoding is found from its bytes), or
    why not."""
    fd, problem = open_regular(path, path)
    if fd is None:
        assert problem is not None
        if problem.code == "not-a-file" and "folder" not in problem.message:
            problem = dataclasses.replace(problem, hint=STREAM_HINT)
        return None, problem
    return os.fdopen(fd, "rb"), None


class Lines(Iterator[str]):
    """The lines of a text stream, none longer than ``limit`` characters, and at most
    ``limit`` characters between two ``reset()`` calls (a CSV record over several lines);
    ``number`` is the number of the last line read."""

    def __init__(self, stream: IO[str], limit: int | None = None) -> None:
        self.stream = stream
        self.limit = limit or Limits.from_env().max_record
        self.number = 0
        self.start = 1  # the first line since reset()
        self.taken = 0
        self.pending: str | None = None

    def __next__(self) -> str:
        line = self.pending or self.stream.readline(self.limit + 1)
        self.pending = None
        if not line:
            raise StopIteration
        self.number += 1
        self.taken += len(line)
        if self.taken > self.limit and not (self.taken == self.limit + 1
                                            and line.endswith("\n")):
            raise RecordTooLong(self.start)
        return line

    def again(self, line: str) -> None:
        """Give ``line``, the last line read, once more (the format was told by it)."""
        self.pending = line
        self.number -= 1
        self.taken -= len(line)

    def reset(self) -> None:
        """A new record starts with the next line."""
        self.start, self.taken = self.number + 1, 0

    def skip_line(self) -> None:
        """Read on to the end of the current line, a bounded piece at a time."""
        while True:
            piece = self.stream.readline(self.limit)
            if not piece or piece.endswith("\n"):
                return

    def too_long(self, path: str, line: int, what: str) -> Diagnostic:
        """``what`` (a line, a CSV record) starting at ``line`` is longer than the limit."""
        limit = f"{self.limit:,}".replace(",", " ")
        return Diagnostic("record-too-long", f"{what} is longer than {limit} characters",
                          Location(path, line, 1), expected=f"at most {limit} characters",
                          hint=f"the limit can be raised with the environment variable "
                               f"{ENV['max_record']}")
