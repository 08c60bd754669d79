"""HTML pages for people, from Jinja2 templates (engine/render/templates) with autoescaping on:
every value is text, never markup. Pages for mail clients: inline styles, layout tables, no
scripts, nothing fetched from elsewhere."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from engine.errors import escaped_line

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["shown"] = lambda value: escaped_line(str(value))  # control characters as escapes
    return env


def page(template: str, **values: Any) -> str:
    return str(_environment().get_template(template).render(**values))
