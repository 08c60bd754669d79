"""The only place text for people is made and the only import of rich: one reporter per output
format (table, markdown, json, text), all words of both languages in render/words.py.

Commands pick a reporter by the name given to ``--format`` and hand it their results; a
reporter returns an ``Output`` (standard output and standard error text), written at the edge.
Importing this package is light: a reporter's module is imported when its format is asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engine.render.output import Output

if TYPE_CHECKING:
    from engine.render.text import TextReporter

__all__ = ["FORMATS", "Output", "TextReporter", "reporter"]


# format -> (module, class); a module is imported only when its format is asked for
FORMATS = {
    "text": ("engine.render.text", "TextReporter"),
    "table": ("engine.render.table", "TableReporter"),
    "markdown": ("engine.render.markdown", "MarkdownReporter"),
    "json": ("engine.render.json", "JsonReporter"),
    "sarif": ("engine.render.sarif", "SarifReporter"),
    "github": ("engine.render.github", "GithubReporter"),
}


def reporter(fmt: str, source: dict[str, str] | None = None) -> TextReporter:
    """The reporter of a format; ``source``: which knowledge base was used and how it was
    chosen, for the formats that say so (JSON)."""
    module, name = FORMATS[fmt]
    found: type[TextReporter] = getattr(importlib.import_module(module), name)
    made = found()
    made.source = source
    return made


def __getattr__(name: str) -> Any:
    if name == "TextReporter":
        from engine.render.text import TextReporter

        return TextReporter
    raise AttributeError(f"module 'engine.render' has no attribute {name!r}")
