"""A knowledge base as it was at a git ref, read without touching the work tree.

The ref is first resolved to a tree id (``git rev-parse --verify --end-of-options REF^{tree}``,
so a ref that looks like an option, ``--output=FILE``, is only ever a name), then
``git archive TREE -- PREFIX/rules PREFIX/journey_maps PREFIX/playbooks`` is unpacked into a
temporary folder (only regular files and folders are kept) and loaded from there. Every
failure (no such ref, no knowledge base at it, an archive that cannot be read) is a ``bad-base``
diagnostic showing the ref shortened.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from engine.api import load
from engine.errors import Diagnostic, DiagnosticsError, Location, escaped, quoted
from engine.kb.files import shown_path
from engine.kb.knowledge_base import KnowledgeBase

FOLDERS = ("rules", "journey_maps", "playbooks")
EXPECTED = ("--base: a knowledge-base folder, or a git ref (branch, tag, commit) of the "
            "repository holding --kb")


def load_at_ref(ref: str, kb_dir: Path, matcher: str = "python") -> KnowledgeBase:
    """The knowledge base in ``kb_dir`` (inside a git repository) as it was at ``ref``."""
    if not ref or any(c < " " or c == "\x7f" for c in ref):
        raise _bad(kb_dir, f"{quoted(ref)} is not a git ref")
    root = _git(kb_dir, kb_dir, ref, "rev-parse", "--show-toplevel").decode().strip()
    prefix = kb_dir.resolve().relative_to(Path(root).resolve()).as_posix()
    paths = [f"{prefix}/{f}" if prefix != "." else f for f in FOLDERS]
    tree = _git(Path(root), kb_dir, ref, "rev-parse", "--verify", "--quiet", "--end-of-options",
                f"{ref}^{{tree}}").decode().strip()
    archive = _git(Path(root), kb_dir, ref, "archive", "--format=tar", tree, "--", *paths)
    with tempfile.TemporaryDirectory(prefix="playbook-base-") as tmp:
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(tmp, filter="data")
        except tarfile.TarError as exc:
            raise _bad(kb_dir, f"cannot read the knowledge base at git ref {quoted(ref)}: "
                       f"git archive gave no readable archive ({exc})") from None
        return load(Path(tmp) / prefix, matcher=matcher)


def _git(cwd: Path, kb_dir: Path, ref: str, *args: str) -> bytes:
    """git's output, run in ``cwd``; a failure is a mistake about ``ref``."""
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise DiagnosticsError([Diagnostic(
            "no-git", "git is not installed", Location(shown_path(kb_dir)),
            hint="give --base a folder instead of a git ref")]) from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        why = message[-1] if message else (
            "no such commit, branch or tag" if args[:2] == ("rev-parse", "--verify")
            else f"git {args[0]} failed")
        raise _bad(kb_dir, f"cannot read the knowledge base at git ref {quoted(ref)}: "
                   f"{_short(why)}")
    return done.stdout


def _short(text: str, most: int = 200) -> str:
    """git's own words, one line, escaped and at most ``most`` characters."""
    return escaped(text if len(text) <= most else text[:most - 3] + "...")


def _bad(kb_dir: Path, message: str) -> DiagnosticsError:
    """A ``bad-base`` mistake, located at the knowledge base whose history was asked for."""
    return DiagnosticsError([Diagnostic("bad-base", message, Location(shown_path(kb_dir)),
                                        expected=EXPECTED)])
