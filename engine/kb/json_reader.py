"""JSON and JSON Lines read as JSON (not as YAML 1.1): ``1e5`` is a number, surrogate pairs are
one character, keys may be long. Errors carry the line and column.

The standard library parses; the line and column of each key and item are found only when a
message needs one (``Locator``), by walking the text once with the decoder's own scanners.
Duplicate keys are refused, nesting is capped like YAML's, and text must be encodable (no lone
surrogates).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from engine.errors import Diagnostic, Location, quoted
from engine.kb.limits import ENV, Limits, limit_error
from engine.language.document import Document, PathKey

_NEWLINE = re.compile("\n")
_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?\d[\d.eE+-]*|true|false|null|NaN|-?Infinity")
MAX_DIGITS = 4000  # longer numbers are refused as written (Python refuses over 4300 digits)


class TooLong:
    """A number written with more than MAX_DIGITS digits, reported with its location."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _int(text: str) -> int | TooLong:
    return int(text) if len(text) <= MAX_DIGITS else TooLong(len(text))


def build(text: str, path: str, limits: Limits, lines: bool) -> tuple[Document, list[Diagnostic]]:
    """Plain data and (lazy) marks of a JSON document, or of JSON Lines as a list."""
    text = text.removeprefix("\ufeff")
    if not lines:
        return _one(text, path, limits, 0, ())
    doc = Document(path, [])
    problems: list[Diagnostic] = []
    offsets: list[int] = []
    for number, start, line in _lines(text):
        item, found = _one(line, path, limits, number - 1, (len(doc.data),))
        if found:
            problems.extend(found)
            continue
        offsets.append(start)
        doc.marks[(len(doc.data),)] = (number, 1)
        doc.data.append(item.data)
    doc.locate = Locator(text, offsets, items=True)
    return doc, problems


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield number, start, line
        start += len(line) + 1


def _one(text: str, path: str, limits: Limits, line0: int,
         key: PathKey) -> tuple[Document, list[Diagnostic]]:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            duplicates.append("")
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=_int)
    except json.JSONDecodeError as exc:
        return Document(path, None), [Diagnostic(
            "json-syntax", exc.msg, Location(path, line0 + exc.lineno, exc.colno),
            expected="valid JSON")]
    except RecursionError:
        return Document(path, None), [limit_error(
            "too-deep", f"the data is nested deeper than {limits.max_depth} levels",
            Location(path, line0 + 1, 1), ENV["max_depth"])]
    doc = Document(path, data, locate=Locator(text, [0], line0, key))
    problems = _check(data, doc, limits, key, bool(duplicates))
    return (Document(path, None), problems) if problems else (doc, [])


def _check(data: Any, doc: Document, limits: Limits, key: PathKey,
           duplicates: bool) -> list[Diagnostic]:
    """Nesting, text that cannot be written (lone surrogates), and duplicate keys."""
    bad: list[tuple[object, PathKey]] = []
    if _height(data, (), bad) > limits.max_depth:
        return [limit_error("too-deep", f"the data is nested deeper than {limits.max_depth} "
                            "levels", doc.loc(key), ENV["max_depth"])]
    problems = [_bad(value, doc.loc((*key, *where))) for value, where in bad[:20]]
    if duplicates and isinstance(doc.locate, Locator):
        problems.extend(Diagnostic("duplicate-key", f"key {quoted(name)} appears twice in one "
                                   "mapping", Location(doc.path, *mark),
                                   hint=f"the first one is on line {first}")
                        for name, mark, first in doc.locate.duplicates())
    return problems


def _bad(value: object, where: Location) -> Diagnostic:
    if isinstance(value, TooLong):
        return Diagnostic("json-value", f"cannot read a number of {value.digits} digits",
                          where, expected=f"a number of at most {MAX_DIGITS} digits")
    return Diagnostic("bad-text", "the text holds a lone surrogate escape (\\ud800-\\udfff)",
                      where, expected="text: a surrogate escape only as half of a pair")


def _height(value: Any, here: PathKey, bad: list[tuple[object, PathKey]]) -> int:
    if isinstance(value, TooLong):
        bad.append((value, here))
        return 0
    if isinstance(value, str):
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                bad.append((value, here))
        return 0
    if isinstance(value, dict):
        return 1 + max((_height(v, (*here, k), bad) for k, v in value.items()), default=0)
    if isinstance(value, list):
        return 1 + max((_height(v, (*here, i), bad) for i, v in enumerate(value)), default=0)
    return 0


class Locator:
    """The marks of every key and item of JSON text, found on first use."""

    def __init__(self, text: str, starts: list[int], line0: int = 0, key: PathKey = (),
                 items: bool = False) -> None:
        self.text, self.starts, self.line0, self.key = text, starts, line0, key
        self.items = items  # JSON Lines: each start is an item of the list
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.newlines: list[int] = []
        self.dups: list[tuple[str, tuple[int, int], int]] = []

    def __call__(self) -> dict[PathKey, tuple[int, int]]:
        self.newlines = [m.start() for m in _NEWLINE.finditer(self.text)]
        for i, start in enumerate(self.starts):
            here = (i,) if self.items else self.key
            try:
                self._value(_SPACE.match(self.text, start).end(), here)  # type: ignore[union-attr]
            except (ValueError, IndexError, AttributeError):
                continue  # a line that did not parse has no marks
        return self.marks

    def duplicates(self) -> list[tuple[str, tuple[int, int], int]]:
        self()
        return self.dups

    def _mark(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_left(self.newlines, index)  # newlines before index
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1 + self.line0, index - start + 1

    def _value(self, i: int, here: PathKey) -> int:
        char = self.text[i]
        if char == "{":
            return self._object(i + 1, here)
        if char == "[":
            return self._array(i + 1, here)
        if char == '"':
            return int(scanstring(self.text, i + 1)[1])
        match = _SCALAR.match(self.text, i)
        if match is None:
            raise ValueError(i)
        return match.end()

    def _object(self, i: int, here: PathKey) -> int:
        i = self._skip(i)
        while self.text[i] != "}":
            name, end = scanstring(self.text, self._skip(i) + 1)
            start = self._skip(i)
            if (*here, name) in self.marks:
                self.dups.append((name, self._mark(start), self.marks[(*here, name)][0]))
            else:
                self.marks[(*here, name)] = self._mark(start)
            i = self._skip(self._skip(end) + 1)  # past the colon
            i = self._skip(self._value(i, (*here, name)))
            i = self._skip(i + 1) if self.text[i] == "," else i
        return i + 1

    def _array(self, i: int, here: PathKey) -> int:
        i = self._skip(i)
        n = 0
        while self.text[i] != "]":
            self.marks[(*here, n)] = self._mark(i)
            i = self._skip(self._value(i, (*here, n)))
            i = self._skip(i + 1) if self.text[i] == "," else i
            n += 1
        return i + 1

    def _skip(self, i: int) -> int:
        return _SPACE.match(self.text, i).end()  # type: ignore[union-attr]
