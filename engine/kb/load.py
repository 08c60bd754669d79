"""Files -> models -> a compiled KnowledgeBase, with every mistake reported at once."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from engine.errors import Diagnostic, KnowledgeBaseError
from engine.kb.cache import cached
from engine.kb.files import bundled_root
from engine.kb.knowledge_base import KnowledgeBase


def check(path: str | os.PathLike[str] | None = None, matcher: str = "python",
          cache: bool = False) -> tuple[KnowledgeBase | None, list[Diagnostic]]:
    """Every diagnostic of a knowledge base (errors and warnings), and the KB if it compiled.
    With ``cache``, kept in and read from the user's cache folder (engine/kb/cache.py)."""
    root = Path(path) if path is not None else bundled_root()
    if cache:
        return cached(root, ("compile", matcher), lambda: check(root, matcher))
    from engine.kb.compile import compile_kb  # not needed when the cache answers
    from engine.kb.files import parse_all

    parsed = parse_all(root)
    kb, problems = compile_kb(parsed, matcher)
    gc.freeze()  # what is loaded lives long: later collections need not scan it again
    everything = parsed.problems + problems
    if any(d.severity == "error" for d in everything):
        return None, everything
    return kb, everything


def load(path: str | os.PathLike[str] | None = None, matcher: str = "python",
         cache: bool = False) -> KnowledgeBase:
    """Load and compile a knowledge base; raises KnowledgeBaseError listing every mistake."""
    kb, problems = check(path, matcher, cache)
    if kb is None:
        raise KnowledgeBaseError([d for d in problems if d.severity == "error"])
    return kb
