"""The library's front door: each call defined once, with its defaults.

- ``check(path)``: every diagnostic of a knowledge base (errors, and lint warnings unless
  ``lint=False``), and the compiled knowledge base if it has no errors;
- ``load(path)``: the same, raising ``KnowledgeBaseError`` listing every error;
- ``default_kb()``: the bundled knowledge base, loaded as ``load()`` loads it, once per matcher;
- ``recommend(client)`` and ``evaluate(client)``: the run time's calls (engine/runtime/) with
  the knowledge base, the day and the language filled in when not given.

It sits above the build time (engine/kb/), the lint (engine/lint/) and the run time
(engine/runtime/), which never import it: they take a knowledge base as an argument.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.errors import Diagnostic, KnowledgeBaseError
from engine.kb.cache import cached
from engine.kb.files import bundled_root
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client, Recommendation
from engine.runtime import recommend as runtime
from engine.runtime.recommend import Evaluation
from engine.vocabulary import LANGUAGES

__all__ = ["check", "default_kb", "evaluate", "load", "recommend"]


def check(path: str | os.PathLike[str] | None = None, *, lint: bool = True,
          matcher: str = "python", cache: bool = False
          ) -> tuple[KnowledgeBase | None, list[Diagnostic]]:
    """Every diagnostic of the knowledge base at ``path`` (default: the bundled one): its
    errors and, with ``lint``, its lint warnings, which the knowledge base then carries
    (``kb.warnings``); and the knowledge base itself when it has no errors. With ``cache``,
    the result is kept in the user's cache folder and read from there while the files, the
    engine and the matcher are unchanged (engine/kb/cache.py)."""
    root = Path(path) if path is not None else bundled_root()
    if cache:
        kind = "check" if lint else "compile"
        return cached(root, (kind, matcher), lambda: check(root, lint=lint, matcher=matcher))
    from engine.kb.compile import compile_kb  # not needed when the cache answers
    from engine.kb.files import parse_all

    parsed = parse_all(root)
    kb, problems = compile_kb(parsed, matcher)
    found = parsed.problems + problems
    if kb is None or any(d.severity == "error" for d in found):
        return None, found
    if not lint:
        return kb, found
    from engine.lint import with_warnings

    kb = with_warnings(kb)
    return kb, found + list(kb.warnings)


def load(path: str | os.PathLike[str] | None = None, *, lint: bool = True,
         matcher: str = "python", cache: bool = False) -> KnowledgeBase:
    """The compiled knowledge base at ``path`` (default: the bundled one), with its lint
    warnings unless ``lint=False``; raises KnowledgeBaseError listing every error."""
    kb, problems = check(path, lint=lint, matcher=matcher, cache=cache)
    if kb is None:
        raise KnowledgeBaseError([d for d in problems if d.severity == "error"])
    return kb


_bundled: dict[str, KnowledgeBase] = {}
_lock = threading.Lock()


def default_kb(matcher: str = "python") -> KnowledgeBase:
    """The bundled knowledge base as ``load()`` gives it, loaded once per matcher and shared
    (thread-safe)."""
    with _lock:
        if matcher not in _bundled:
            _bundled[matcher] = load(matcher=matcher)
        return _bundled[matcher]


def recommend(client: Client | Mapping[str, Any], *, kb: KnowledgeBase | None = None,
              as_of: dt.date | None = None, lang: str = "en",
              matcher: str | None = None) -> Recommendation:
    """What to do next for one client, and why (engine/runtime/recommend.py)."""
    return runtime.recommend(client, **_defaults(kb, as_of, lang, matcher))


def evaluate(client: Client | Mapping[str, Any], *, kb: KnowledgeBase | None = None,
             as_of: dt.date | None = None, lang: str = "en",
             matcher: str | None = None) -> tuple[Recommendation, Evaluation]:
    """The recommendation and what happened inside it (for explanations and scenario tests)."""
    return runtime.evaluate(client, **_defaults(kb, as_of, lang, matcher))


def _defaults(kb: KnowledgeBase | None, as_of: dt.date | None, lang: str,
              matcher: str | None) -> dict[str, Any]:
    if kb is None:
        kb = default_kb(matcher or "python")
    if matcher is not None and kb.matcher.name != matcher:
        raise ValueError(f"the knowledge base was compiled for the '{kb.matcher.name}' matcher; "
                         f"load it with engine.load(path, matcher='{matcher}')")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}': expected 'en' or 'ru'")
    return {"kb": kb, "as_of": as_of or dt.date.today(), "lang": lang}
