"""Bounds on what one file may cost to read, and reading a file's text within them.

Every file the engine reads (knowledge base, client, scenario) goes through ``read_text``:
only regular files are opened (a FIFO or a device would block or never end), never more than
``max_bytes`` are read, and the text must be UTF-8. The YAML and JSON readers then cap the
nesting depth and the nodes that aliases expand to. The defaults can be changed per process with
environment variables (see docs/authoring.md, "Limits").
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from engine.errors import Diagnostic, Location

ENV = {"max_bytes": "PLAYBOOK_MAX_FILE_BYTES", "max_depth": "PLAYBOOK_MAX_DEPTH",
       "max_alias_nodes": "PLAYBOOK_MAX_ALIAS_NODES", "max_record": "PLAYBOOK_MAX_RECORD_CHARS"}
KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


@dataclass(frozen=True)
class Limits:
    """What one file may cost: its size, its nesting depth, the nodes its aliases expand to;
    and what one record of a streamed file (a JSON Lines line, a CSV record) may cost."""

    max_bytes: int = 32 * 2**20      # 32 MiB
    max_depth: int = 64              # mappings and lists inside each other
    max_alias_nodes: int = 100_000   # nodes copied by all the aliases (*name) of one file
    max_record: int = 2**20          # characters of one JSON Lines line or CSV record

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, overridden by PLAYBOOK_MAX_FILE_BYTES, _DEPTH, _ALIAS_NODES and
        _RECORD_CHARS."""
        values: dict[str, int] = {}
        for name, variable in ENV.items():
            text = os.environ.get(variable, "").strip()
            if text.isdigit() and int(text) > 0:
                values[name] = min(int(text), 2**62)
        return cls(**values)


def limit_error(code: str, message: str, where: Location, variable: str) -> Diagnostic:
    return Diagnostic(code, message, where, expected="a smaller file",
                      hint=f"the limit can be raised with the environment variable {variable}")


def open_regular(path: Path | str, name: str) -> tuple[int | None, Diagnostic | None]:
    """A file descriptor open for reading on a regular file, or why not: a FIFO or a device
    (which could block or never end), a folder, a missing file. Opening never blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, _unreadable(name, exc.strerror or str(exc))
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        return None, _unreadable(name, exc.strerror or str(exc))
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = KINDS.get(stat.S_IFMT(mode), "not a regular file")
        return None, Diagnostic("not-a-file", f"cannot read {kind}", Location(name),
                                expected="a regular file")
    return fd, None


def read_text(path: Path, name: str, limits: Limits) -> tuple[str | None, Diagnostic | None]:
    """The UTF-8 text of a regular file of at most ``limits.max_bytes``, or why not."""
    fd, problem = open_regular(path, name)
    if fd is None:
        return None, problem
    try:
        data = _read_at_most(fd, limits.max_bytes + 1)
    except OSError as exc:
        return None, _unreadable(name, exc.strerror or str(exc))
    finally:
        os.close(fd)
    if len(data) > limits.max_bytes:
        return None, limit_error("file-too-large", f"the file is larger than "
                                 f"{limits.max_bytes:,} bytes".replace(",", " "),
                                 Location(name), ENV["max_bytes"])
    return _decode(data, name)


def _read_at_most(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = os.read(fd, min(left, 2**20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _decode(data: bytes, name: str) -> tuple[str | None, Diagnostic | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode(
            "utf-8", "replace")) + 1
        return None, Diagnostic("unreadable-file", f"byte 0x{data[exc.start]:02x} is not "
                                "UTF-8 text", Location(name, line, col),
                                expected="a readable UTF-8 text file",
                                hint="save the file as UTF-8")


def _unreadable(name: str, reason: str) -> Diagnostic:
    return Diagnostic("unreadable-file", reason, Location(name),
                      expected="a readable UTF-8 text file")


def position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
