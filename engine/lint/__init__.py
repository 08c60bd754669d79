"""What is valid but almost certainly a mistake in a compiled knowledge base, and ``check``:
compile plus lint, every diagnostic at once (see engine/lint/findings.py for the findings)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from engine.errors import Diagnostic, KnowledgeBaseError
from engine.kb import load as kb_load
from engine.kb.cache import cached
from engine.kb.files import bundled_root
from engine.kb.knowledge_base import KnowledgeBase
from engine.lint.findings import lint

__all__ = ["check", "lint", "load"]


def check(path: str | os.PathLike[str] | None = None, matcher: str = "python",
          cache: bool = False) -> tuple[KnowledgeBase | None, list[Diagnostic]]:
    """Every diagnostic of a knowledge base (errors and lint warnings), and the KB if it
    compiled; the KB carries its warnings. With ``cache``, the result is kept in the user's
    cache folder and read from there while the files are unchanged (engine/kb/cache.py)."""
    if cache:
        root = Path(path) if path is not None else bundled_root()
        return cached(root, ("check", matcher), lambda: check(root, matcher))
    kb, problems = kb_load.check(path, matcher)
    if kb is None:
        return None, problems
    warnings = lint(kb)
    return dataclasses.replace(kb, warnings=tuple(warnings)), problems + warnings


def load(path: str | os.PathLike[str] | None = None, matcher: str = "python",
         cache: bool = False) -> KnowledgeBase:
    """Load and compile a knowledge base, with its lint warnings; raises KnowledgeBaseError
    listing every mistake. ``cache``: as for ``check``."""
    kb, problems = check(path, matcher, cache)
    if kb is None:
        raise KnowledgeBaseError([d for d in problems if d.severity == "error"])
    return kb
