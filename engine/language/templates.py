"""Reason templates: text with ``{fact}`` and ``{$threshold}`` placeholders, nothing more.

Templates are parsed once at load; rendering only looks names up, so no author text can reach
attribute access, indexing or format specs. Numbers are written for people by
engine/language/numbers.py: ``12%``, ``14,000 ₽``, ``59 days``; ``12 %``, ``14 000 ₽``,
``59 дней`` in Russian. A threshold with a ``unit`` is written with it (``{$stats_days}``:
``14 days``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import escaped_line
from engine.language import numbers
from engine.language.fact_types import FactType, Unit

TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NAME = re.compile(r"^\$?[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
WORDS = {"en": {True: "yes", False: "no", None: "n/a"},
         "ru": {True: "да", False: "нет", None: "н/д"}}


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Template:
    parts: tuple[str | tuple[str, str], ...]  # literal text, or ("fact"|"threshold", name)

    def names(self) -> list[tuple[str, str]]:
        return [p for p in self.parts if isinstance(p, tuple)]

    def render(self, facts: Mapping[str, Any], types: Mapping[str, FactType],
               thresholds: Mapping[str, float], lang: str,
               units: Mapping[str, Unit | None] | None = None) -> str:
        """The text for ``facts``; recommend() binds once per knowledge base (``bind``)."""
        return self.bind(types, thresholds, lang, units).render(facts)

    def bind(self, types: Mapping[str, FactType], thresholds: Mapping[str, float],
             lang: str, units: Mapping[str, Unit | None] | None = None) -> Bound:
        """This template for one knowledge base and language: thresholds already written out,
        with their units (``units``: threshold name -> unit)."""
        parts: list[str | tuple[str, FactType]] = []
        for part in self.parts:
            if isinstance(part, tuple) and part[0] == "fact":
                parts.append((part[1], types[part[1]]))
                continue
            text = part if isinstance(part, str) else humanise(
                thresholds[part[1]], FactType("number", unit=(units or {}).get(part[1]) or ""),
                lang)
            last = parts[-1] if parts else None
            if isinstance(last, str):
                parts[-1] = last + text
            else:
                parts.append(text)
        static = None if any(isinstance(p, tuple) for p in parts) else "".join(map(str, parts))
        return Bound(tuple(parts), lang, static)


@dataclass(frozen=True)
class Bound:
    """A template bound to a knowledge base and a language: only fact values are left to fill."""

    parts: tuple[str | tuple[str, FactType], ...]  # literal text, or (fact, its type)
    lang: str
    text: str | None  # the whole text when it names no fact

    def render(self, facts: Mapping[str, Any]) -> str:
        if self.text is not None:
            return self.text
        return "".join([p if isinstance(p, str) else humanise(facts.get(p[0]), p[1], self.lang)
                        for p in self.parts])


def parse(text: str) -> Template:
    """Split a template into literal text and names; raises TemplateError on a bad placeholder."""
    parts: list[str | tuple[str, str]] = []
    last = 0
    for m in TOKEN.finditer(text):
        parts.append(text[last:m.start()])
        last = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif token in ("{", "}"):
            raise TemplateError(f"a lone '{token}' at column {m.start() + 1}: write '{token * 2}'")
        elif not NAME.match(name := m.group(1).strip()):
            raise TemplateError(f"'{{{m.group(1)}}}' is not a fact or $threshold name")
        else:
            parts.append(("threshold", name[1:]) if name.startswith("$") else ("fact", name))
    parts.append(text[last:])
    return Template(tuple(p for p in parts if p != ""))


def humanise(value: Any, ftype: FactType, lang: str) -> str:
    """A fact value as a person would write it (a control character in a client's text written
    as an escape: it is never meant for the reader's terminal)."""
    if value is None or isinstance(value, bool):
        return WORDS[lang][value]
    if isinstance(value, (frozenset, set, list, tuple)):
        return escaped_line(", ".join(map(str, _sorted(value)))) or WORDS[lang][None]
    if not isinstance(value, (int, float)):
        return escaped_line(str(value))
    if ftype.unit == "percent":
        return numbers.percent(value, lang)
    if ftype.unit == "rub":
        return numbers.roubles(value, lang)
    if ftype.unit in ("days", "months"):
        return numbers.counted(value, ftype.unit, lang)
    return numbers.decimal(value, lang)


def _sorted(values: Any) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:  # values of different types: ordered by their text
        return sorted(values, key=str)

