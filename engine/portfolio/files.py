"""Output files written whole or not at all: each is written to a temporary file beside the
target and renamed over it only when the run commits it, so a failed or interrupted run leaves
yesterday's file byte for byte as it was (a rename within one folder is atomic)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class Replacement:
    """A temporary file standing in for ``target`` until ``commit()`` renames it into place;
    ``discard()`` (or leaving without commit) removes it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                        dir=target.parent)
        os.close(handle)
        self.path = Path(name)
        self.done = False

    def commit(self) -> None:
        if not self.done:
            self.done = True
            with contextlib.suppress(OSError):  # the new file keeps the old one's permissions
                os.chmod(self.path, self.target.stat().st_mode & 0o7777)
            if not self.target.exists():
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.path, 0o666 & ~umask)
            os.replace(self.path, self.target)

    def discard(self) -> None:
        if not self.done:
            self.done = True
            self.path.unlink(missing_ok=True)
