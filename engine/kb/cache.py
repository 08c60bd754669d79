"""A cache of compiled knowledge bases in the user's cache folder (platformdirs).

An entry is keyed by everything the result depends on: the bytes of every knowledge-base file
(with their names), the engine (its version and the size and time of each of its source files,
so an edited checkout never reads an old entry), the matcher, the Python version, the folder and
where the user stands (messages show paths relative to it). An entry holds its own key and is
used only when that key matches; an entry that cannot be read or unpickled is ignored and
rewritten. Entries are written whole (a temporary file renamed into place), so a reader never
sees half of one. A folder that cannot be written means no caching, never an error. Entries are
pickles, read only from the user's own cache folder: as trusted as the installed code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from engine.kb.files import is_root, knowledge_files
from engine.kb.limits import Limits
from engine.version import __version__

T = TypeVar("T")
KEEP = 32  # entries kept; older ones are removed
ENGINE = Path(__file__).resolve().parent.parent
_fingerprint: list[str] = []  # the engine's, computed once per process


def folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("playbook-engine", appauthor=False)) / "kb"


def engine_fingerprint() -> str:
    """The engine's version, the Python's, and the size and time of each of its source files
    (walked with ``os``, not pathlib: it is done on every start of a command that reads a
    knowledge base, over some 200 files)."""
    if not _fingerprint:
        digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
        top = len(str(ENGINE)) + 1
        for folder, children, files in os.walk(ENGINE):
            children.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    info = os.stat(path)
                    digest.update(f"{path[top:]}\0{info.st_size}\0{info.st_mtime_ns}\0"
                                  .encode())
        _fingerprint.append(digest.hexdigest())
    return _fingerprint[0]


def key(root: Path, *parts: str) -> str | None:
    """The key of a knowledge base's entry, or None if ``root`` is not one (nothing cached)."""
    if not is_root(root):
        return None
    digest = hashlib.sha256()
    for part in (engine_fingerprint(), os.path.abspath(root), os.getcwd(), *parts):
        digest.update(f"{part}\0".encode())
    max_bytes = Limits.from_env().max_bytes
    for kind, path in knowledge_files(root):
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
                return None  # a FIFO, a device, a file too large: let the loader refuse it
            data = path.read_bytes()
        except OSError:
            return None  # an unreadable file: let the loader report it
        digest.update(f"{kind}/{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def cached(root: Path, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or its result from an earlier run on the same files."""
    entry_key = key(root, *parts)
    if entry_key is None:
        return compute()
    path = folder() / f"{entry_key}.pickle"
    found = _read(path, entry_key)
    if found is not None:
        return cast(T, found)
    value = compute()
    _write(path, entry_key, value)
    return value


def _read(path: Path, entry_key: str) -> object | None:
    try:
        with path.open("rb") as handle:
            stored_key, value = pickle.load(handle)
    except Exception:  # missing, truncated, corrupt, or written by another engine: recompute
        return None
    return value if stored_key == entry_key else None


def _write(path: Path, entry_key: str, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((entry_key, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _prune(path.parent)


def _prune(where: Path) -> None:
    """Keep the newest ``KEEP`` entries: each edit of a knowledge base makes a new one."""
    with contextlib.suppress(OSError):
        entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
