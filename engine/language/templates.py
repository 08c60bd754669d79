"""Reason templates: text with ``{fact}`` and ``{$threshold}`` placeholders, nothing more.

Templates are parsed once at load; rendering only looks names up, so no author text can reach
attribute access, indexing or format specs. Numbers are written for people: ``12%``,
``150 000 ₽``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.language.fact_types import FactType

TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NAME = re.compile(r"^\$?[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
EXACT_INT = 2**53  # ints below this format as floats without rounding
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
               thresholds: Mapping[str, float], lang: str) -> str:
        """The text for ``facts``; recommend() binds once per knowledge base (``bind``)."""
        return self.bind(types, thresholds, lang).render(facts)

    def bind(self, types: Mapping[str, FactType], thresholds: Mapping[str, float],
             lang: str) -> Bound:
        """This template for one knowledge base and language: thresholds already written out."""
        parts: list[str | tuple[str, FactType]] = []
        for part in self.parts:
            if isinstance(part, tuple) and part[0] == "fact":
                parts.append((part[1], types[part[1]]))
                continue
            text = part if isinstance(part, str) else humanise(
                thresholds[part[1]], FactType("number"), lang)
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
    """A fact value as a person would write it."""
    if value is None or isinstance(value, bool):
        return WORDS[lang][value]
    if isinstance(value, (frozenset, set, list, tuple)):
        return ", ".join(map(str, _sorted(value))) or WORDS[lang][None]
    if not isinstance(value, (int, float)):
        return str(value)
    if ftype.unit == "percent":
        whole = value if isinstance(value, int) or not math.isfinite(value) or abs(
            value) < 10 else round(value)
        return f"{_number(whole, 1)}%"
    if ftype.unit == "rub":
        return f"{_number(value, 0)} ₽"
    return _number(value, 2)


def _sorted(values: Any) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:  # values of different types: ordered by their text
        return sorted(values, key=str)


def _number(value: float, digits: int) -> str:
    """Grouped by thousands with spaces, at most ``digits`` decimals, no trailing zeros.

    Never raises: the model bounds every number a template can meet, and a number beyond them
    (a custom fact of a caller who skipped validation) is written in scientific notation.
    """
    if isinstance(value, int) and -EXACT_INT < value < EXACT_INT:  # exact as a float too
        return f"{value:,}".replace(",", " ")
    try:
        number = float(value)
    except OverflowError:
        return "-inf" if value < 0 else "inf"
    if not math.isfinite(number) or abs(number) >= 10**15:
        return f"{number:.3g}"
    text = f"{number:,.{digits}f}".replace(",", " ")
    return text.rstrip("0").rstrip(".") if "." in text else text
