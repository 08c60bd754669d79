"""A knowledge base as it was at a git ref, read without touching the work tree.

``git archive REF -- PREFIX/rules PREFIX/journey_maps PREFIX/playbooks`` is unpacked into a
temporary folder (only regular files and folders are kept) and loaded from there.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from engine.api import load
from engine.errors import Diagnostic, DiagnosticsError, Location
from engine.kb.knowledge_base import KnowledgeBase

FOLDERS = ("rules", "journey_maps", "playbooks")


def load_at_ref(ref: str, kb_dir: Path, matcher: str = "python") -> KnowledgeBase:
    """The knowledge base in ``kb_dir`` (inside a git repository) as it was at ``ref``."""
    root = _git(kb_dir, "rev-parse", "--show-toplevel").decode().strip()
    prefix = kb_dir.resolve().relative_to(Path(root).resolve()).as_posix()
    paths = [f"{prefix}/{f}" if prefix != "." else f for f in FOLDERS]
    archive = _git(Path(root), "archive", "--format=tar", ref, "--", *paths)
    with tempfile.TemporaryDirectory(prefix="playbook-base-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        return load(Path(tmp) / prefix, matcher=matcher)


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise DiagnosticsError([Diagnostic(
            "no-git", "git is not installed", Location(str(cwd)),
            hint="give --base a folder instead of a git ref")]) from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise DiagnosticsError([Diagnostic(
            "bad-base", f"cannot read the knowledge base at git ref: "
            f"{message[-1] if message else 'git ' + args[0] + ' failed'}", Location(str(cwd)),
            expected="--base: a knowledge-base folder, or a git ref (branch, tag, commit) of the "
                     "repository holding --kb")]) from None
    return done.stdout
