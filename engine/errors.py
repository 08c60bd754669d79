"""Errors are data: a code, a message, a location, what was expected and a hint.

They are rendered to text only at the edge (``render``), in the form
``path:line:col: error[code] message``.
"""

from __future__ import annotations

import difflib
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

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        lines = [f"{where}{self.severity}[{self.code}] {self.message}"]
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        loc = self.location
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": loc.path if loc else None,
            "line": loc.line if loc else None,
            "col": loc.col if loc else None,
            "expected": self.expected,
            "hint": self.hint,
        }


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


def did_you_mean(word: object, choices: Iterable[str]) -> str | None:
    """A hint naming the closest choice, if one is close enough."""
    if not isinstance(word, str):
        return None
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def one_of(choices: Iterable[object]) -> str:
    return "one of " + ", ".join(f"'{c}'" for c in choices)
