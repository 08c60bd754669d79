"""Results out: JSON Lines (one recommendation per line, the default), CSV (one row per
action), Parquet (the same rows; the 'parquet' extra) or SQLite (a table of recommendations and
one of actions), chosen by the file's extension; ``-`` is stdout (JSON Lines). Error records
go out as JSON Lines. Everything is written as it comes, in input order.

A JSON line is the recommendation as ``dry-run --format json`` gives it, except that an action's
playbook content is named, not copied: ``details`` is ``{"entry": ID}`` (``playbook show ID``
prints the entry), as the CSV, Parquet and SQLite rows leave it out. The content is the
knowledge base's, the same for every client that gets the action; copied into each line it was
four tenths of the bytes. Lines are written by pydantic's ``model_dump_json`` (in Rust, without
the standard library encoder's walk of every object in Python): the same bytes ``json.dumps``
writes of the same data. The JSON Lines writer goes further: an action the knowledge base
prepared is one shared object that many clients get, so its text is made once and kept
(``ActionTexts``).

A CSV cell that a spreadsheet would run as a formula (client ids and the reasons that quote
client facts are the clients' text) is written as text: see ``formula_safe``.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol

from pydantic_core import PydanticSerializationError

from engine.errors import escaped_json
from engine.models import Action, Recommendation
from engine.portfolio.readers import ParquetUnavailable

OUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
               ".parquet": "parquet", ".pq": "parquet", ".sqlite": "sqlite", ".db": "sqlite",
               ".sqlite3": "sqlite"}
ACTION_COLUMNS = ("client_id", "as_of", "kb_version", "position", "kind", "id", "title",
                  "reason", "priority", "rules", "sources", "missing")
BATCH = 4096


# what a JSON line leaves out of each action's details: the entry's content (its id stays)
_CONTENT_OF_ONE = {"details": {"title", "summary", "items"}}
_CONTENT = {"actions": {"__all__": _CONTENT_OF_ONE}}


def recommendation_record(rec: Recommendation) -> dict[str, Any]:
    """The published JSON form of one recommendation in a JSON line (``recommendation_line``
    writes it)."""
    return rec.model_dump(mode="json", exclude=_CONTENT)


def recommendation_line(rec: Recommendation) -> str:
    """One recommendation as a JSON line: ``json_line(recommendation_record(rec))``, made by
    pydantic in one pass."""
    try:
        return escaped_json(rec.model_dump_json(exclude=_CONTENT)) + "\n"
    except PydanticSerializationError:  # text that is no UTF-8 (a lone surrogate): as before
        return json_line(recommendation_record(rec))


def json_line(data: Any) -> str:
    return escaped_json(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: Any) -> Any:
    """A cell for a spreadsheet (CSV, XLSX) that shows as the text it is: a text starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so Excel,
    LibreOffice and Google Sheets do not evaluate it as a formula (``=HYPERLINK(...)``); other
    values are returned as they are. ``playbook run --allow-formulas`` turns it off."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def action_rows(rec: Recommendation) -> Iterator[tuple[Any, ...]]:
    """One row per action, in ACTION_COLUMNS order; lists are joined with ';'."""
    day = rec.as_of.isoformat()
    for i, a in enumerate(rec.actions, start=1):
        yield (rec.client_id, day, rec.kb_version, i, a.kind, a.id, a.title, a.reason,
               a.priority, ";".join(a.rules), ";".join(a.sources), ";".join(a.missing))


class Writer(Protocol):
    def write(self, rec: Recommendation) -> None: ...

    def close(self) -> None: ...


class ActionTexts:
    """The JSON text of each action as a line writes it, kept for the actions met first (up to
    ``size``): the actions the knowledge base prepared are shared objects, met over and over.
    Kept with the action itself, so an id is never taken for another object's."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.texts: dict[int, tuple[Action, str]] = {}

    def text(self, action: Action) -> str:
        found = self.texts.get(id(action))
        if found is not None and found[0] is action:
            return found[1]
        text = escaped_json(
            action.__pydantic_serializer__.to_json(action, exclude=_CONTENT_OF_ONE).decode())
        if len(self.texts) < self.size:
            self.texts[id(action)] = (action, text)
        return text

    def line(self, rec: Recommendation) -> str:
        """``recommendation_line(rec)``, from the actions' kept texts; each part escaped, the
        same as escaping the whole."""
        head = (f'{{"client_id":{_string(rec.client_id)},"as_of":"{rec.as_of.isoformat()}",'
                f'"kb_version":{_string(rec.kb_version)},"actions":[')
        held = ",".join([h.__pydantic_serializer__.to_json(h).decode() for h in rec.held])
        notes = ",".join([_string(n) for n in rec.notes])
        return (escaped_json(head) + ",".join([self.text(a) for a in rec.actions])
                + escaped_json(f'],"held":[{held}],"notes":[{notes}]}}') + "\n")


_string: Callable[[str], str] = json.encoder.encode_basestring  # what json.dumps writes of a str


class JsonLines:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.texts = ActionTexts()

    def write(self, rec: Recommendation) -> None:
        try:
            line = self.texts.line(rec)
        except (PydanticSerializationError, UnicodeEncodeError):  # no UTF-8: as before
            line = json_line(recommendation_record(rec))
        self.stream.write(line)

    def close(self) -> None:
        self.stream.flush()


class Csv:
    def __init__(self, stream: IO[str], allow_formulas: bool = False) -> None:
        self.stream = stream
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(ACTION_COLUMNS)
        self.allow_formulas = allow_formulas

    def write(self, rec: Recommendation) -> None:
        rows = action_rows(rec)
        self.writer.writerows(rows if self.allow_formulas
                              else (tuple(map(formula_safe, row)) for row in rows))

    def close(self) -> None:
        self.stream.flush()


class Parquet:
    def __init__(self, path: Path) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ParquetUnavailable("writing Parquet needs the 'parquet' extra: "
                                     "pip install 'playbook-engine[parquet]'") from None
        self.pa = pa
        types = (pa.string(), pa.string(), pa.string(), pa.int32(), *[pa.string()] * 4,
                 pa.int32(), *[pa.string()] * 3)
        self.schema = pa.schema(list(zip(ACTION_COLUMNS, types, strict=True)))
        self.writer = pq.ParquetWriter(str(path), self.schema)
        self.rows: list[tuple[Any, ...]] = []

    def write(self, rec: Recommendation) -> None:
        self.rows.extend(action_rows(rec))
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        columns = list(zip(*self.rows, strict=True)) or [()] * len(ACTION_COLUMNS)
        self.writer.write_table(self.pa.Table.from_arrays(
            [self.pa.array(c, type=f.type) for c, f in zip(columns, self.schema, strict=True)],
            schema=self.schema))
        self.rows = []

    def close(self) -> None:
        if self.rows:
            self._flush()
        self.writer.close()


SQLITE_TABLES = (
    "CREATE TABLE recommendations (row INTEGER PRIMARY KEY, client_id TEXT NOT NULL, "
    "as_of TEXT NOT NULL, kb_version TEXT NOT NULL)",
    "CREATE TABLE actions (row INTEGER NOT NULL REFERENCES recommendations(row), "
    "position INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, "
    "reason TEXT NOT NULL, priority INTEGER NOT NULL, rules TEXT NOT NULL, "
    "sources TEXT NOT NULL, missing TEXT NOT NULL, PRIMARY KEY (row, position))",
)


class Sqlite:
    """A new database file (written beside the target, then moved over it)."""

    def __init__(self, path: Path) -> None:
        self.path, self.partial = path, path.with_name(path.name + ".partial")
        self.partial.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.partial)
        for statement in SQLITE_TABLES:
            self.db.execute(statement)
        self.count = 0

    def write(self, rec: Recommendation) -> None:
        self.count += 1
        self.db.execute("INSERT INTO recommendations VALUES (?, ?, ?, ?)",
                        (self.count, rec.client_id, rec.as_of.isoformat(), rec.kb_version))
        self.db.executemany("INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(self.count, *r[3:]) for r in action_rows(rec)])
        if self.count % BATCH == 0:
            self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()
        os.replace(self.partial, self.path)


def out_format(path: str) -> str | None:
    return "jsonl" if path == "-" else OUT_FORMATS.get(Path(path).suffix.lower())


@contextmanager
def open_writer(path: str, *, allow_formulas: bool = False) -> Iterator[Writer]:
    """A writer for ``path`` by its extension; ``-`` is JSON Lines on stdout. CSV cells are
    ``formula_safe`` unless ``allow_formulas``."""
    kind = out_format(path)
    if kind in ("parquet", "sqlite"):
        writer: Writer = Parquet(Path(path)) if kind == "parquet" else Sqlite(Path(path))
        yield writer
        writer.close()
        return
    with _text(path) as stream:
        writer = Csv(stream, allow_formulas) if kind == "csv" else JsonLines(stream)
        yield writer
        writer.close()


@contextmanager
def _text(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as stream:
        yield stream
