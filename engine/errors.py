"""Errors are data: a code, a message, a location, what was expected and a hint.

They are rendered to text only at the edge (``render``), in the form
``path:line:col: error[code] message``.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}" if self.line else self.path


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    location: Location | None = None
    expected: str | None = None
    hint: str | None = None
    severity: Severity = "error"
    field: str | None = None  # the field (key, column, parameter) the mistake is about

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        lines = [f"{where}{self.severity}[{self.code}] {self.message}"]
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return escaped("\n".join(lines))

    def as_dict(self) -> dict[str, object]:
        loc = self.location
        return {
            "severity": self.severity,
            "code": self.code,
            "message": escaped(self.message),
            "field": escaped(field) if (field := field_of(self)) else None,
            "path": escaped(loc.path) if loc else None,
            "line": loc.line if loc else None,
            "col": loc.col if loc else None,
            "expected": escaped(self.expected) if self.expected else None,
            "hint": escaped(self.hint) if self.hint else None,
        }


# "nps: ...", "facts.x: ...", "unknown key 'x'", "missing required key 'x'", "column 'x' ..."
_FIELD = re.compile(r"^(?P<path>[a-z_][\w.]*): |\b(?:key|column) '(?P<name>[^']+)'")


def field_of(diagnostic: Diagnostic) -> str | None:
    """The field (a client's fact, a key, a CRM column, a request's parameter) a mistake is
    about: the one it was made with, else the one its message starts with or names."""
    if diagnostic.field is not None:
        return diagnostic.field
    found = _FIELD.search(diagnostic.message)
    return (found.group("path") or found.group("name")) if found else None


def sort_key(d: Diagnostic) -> tuple[Location, str, str]:
    return (d.location or Location(""), d.code, d.message)


class DiagnosticsError(Exception):
    """Raised with every diagnostic found, never just the first one."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=sort_key)
        super().__init__("\n".join(d.render() for d in self.diagnostics))


class KnowledgeBaseError(DiagnosticsError):
    """The knowledge base has mistakes; nothing was loaded."""


class ClientError(DiagnosticsError):
    """A client's facts are invalid."""


class UserMistake(Exception):
    """What the user asked for cannot be done (a file that cannot be written, a folder that is
    not empty); the message says what and why. The command line exits 1 with it."""


class MatcherUnavailable(RuntimeError):
    """An optional matcher cannot be used on this installation."""


class WorkersFailed(RuntimeError):
    """The processes a portfolio runs on (a process pool's, a Dask cluster's) could not start
    or stopped: the run cannot go on. The message says which and what to look at."""


def did_you_mean(word: object, choices: Iterable[str]) -> str | None:
    """A hint naming the closest choice, if one is close enough."""
    if not isinstance(word, str):
        return None
    import difflib  # only for a mistake: a command that runs well does not import it

    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def one_of(choices: Iterable[object]) -> str:
    return "one of " + ", ".join(f"'{c}'" for c in choices)


# --- showing input in messages ----------------------------------------------------------------
# Input text reaches messages (keys, values, paths): control characters (terminal escapes),
# bidirectional overrides and zero-width characters are written as escapes, and values are
# shortened, so a message is always short, one-line per field and harmless on a terminal.

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                      "\u2066-\u2069\ufeff]")
MAX_SHOWN = 60  # characters of one value shown in a message


def escaped(text: str) -> str:
    """``text`` with every control or invisible formatting character written as an escape."""
    return _CONTROL.sub(lambda m: ascii(m.group(0))[1:-1], text)


def escaped_line(text: str) -> str:
    """``escaped``, line breaks and tabs too: a value shown on one line (an id, a name)."""
    return escaped(text).replace("\t", "\\t").replace("\n", "\\n")


# what json.dumps(ensure_ascii=False) leaves raw of the characters ``escaped`` writes as escapes
_JSON_RAW = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def escaped_json(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with every control or invisible
    formatting character written as a ``\\uXXXX`` escape: the same data when parsed, harmless
    on a terminal. Every JSON the engine writes goes through here."""
    if (text.isascii() and "\x7f" not in text) or text.isprintable():
        return text  # the common cases, checked at C speed: every character escaped is not
        # printable (Cc, Cf, Zl, Zp), so printable text has none of them
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


# the characters ``escaped_json`` escapes, as UTF-8: DEL and the byte-order mark (U+FEFF) are
# looked for as bytes; the C1 controls (U+0080..U+009F) start with 0xC2, the invisible
# formatting ones (U+200B..U+200F, U+2028..U+202E, U+2066..U+2069) with 0xE2
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
_FORMAT_UTF8 = re.compile(b"\xe2(?:\x80[\x8b-\x8f\xa8-\xae]|\x81[\xa6-\xa9])")


def escaped_json_bytes(data: bytes) -> bytes:
    """``escaped_json`` of UTF-8 JSON text, as UTF-8: what ``escaped_json(data.decode())
    .encode()`` gives, found on the bytes (no decoding) when nothing needs escaping. Each
    pattern is looked for only where its lead byte occurs: a lone byte is found at memchr's
    speed, where a pattern (or a longer needle) is scanned for byte by byte."""
    if data.isascii():
        found = b"\x7f" in data
    else:
        found = (b"\x7f" in data or (b"\xef" in data and b"\xef\xbb\xbf" in data)
                 or (b"\xc2" in data and _C1_UTF8.search(data) is not None)
                 or (b"\xe2" in data and _FORMAT_UTF8.search(data) is not None))
    return escaped_json(data.decode()).encode() if found else data


class _Short(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxstring = self.maxother = MAX_SHOWN
        self.maxlong = 24
        self.maxlevel = 3

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 64:  # never build the digits of a huge number
            return f"<a number of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)

    def repr_instance(self, x: object, level: int) -> str:
        try:
            repr(x)
        except Exception:  # no address in messages: the same input, the same message
            return f"<{type(x).__name__}>"
        return super().repr_instance(x, level)

    def repr_dict(self, x: dict[object, object], level: int) -> str:  # in written order
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        items = [f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
                 for k, v in list(x.items())[:self.maxdict]]
        return "{" + ", ".join(items) + (", ..." if len(x) > self.maxdict else "") + "}"


_SHORT = _Short()


def shown(value: object) -> str:
    """``repr(value)`` for a message: shortened, escaped, and never raising."""
    try:
        return escaped(_SHORT.repr(value))
    except Exception:  # a value whose repr fails is still named, by its type
        return f"<{type(value).__name__}>"


def quoted(name: object) -> str:
    """A key or name the user wrote, in quotes: ``'name'``, shortened and escaped."""
    text = name if isinstance(name, str) else shown(name)
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN - 3] + "..."
    return f"'{escaped(text)}'"
