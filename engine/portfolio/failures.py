"""Error records: one JSON object per bad client's mistake, with the file, the line (the row
number for Parquet), the client's row among the file's clients, its id and the field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from engine.errors import Diagnostic, field_of
from engine.portfolio.records import Record
from engine.portfolio.writers import json_line, replacement


def error_records(record: Record, errors: tuple[Diagnostic, ...]) -> Iterator[dict[str, Any]]:
    for d in errors:
        loc = d.location
        yield {"file": record.source, "line": loc.line if loc and loc.line else record.line,
               "col": loc.col if loc and loc.line else None, "row": record.row,
               "client_id": record.client_id, "field": field_of(d), "code": d.code,
               "message": d.message, "expected": d.expected, "hint": d.hint}


class ErrorFile:
    """Error records as JSON Lines, one per mistake, in input order; the file replaces the
    previous one when the run ends (also a failed run: its errors say why it failed)."""

    def __init__(self, path: str) -> None:
        self.file = replacement(Path(path))
        self.stream: IO[str] = open(self.file.path, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, record: Record, errors: tuple[Diagnostic, ...]) -> None:
        self.stream.writelines(json_line(e) for e in error_records(record, errors))

    def close(self) -> None:
        self.stream.close()
        self.file.commit()
