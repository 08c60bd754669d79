"""Results out: JSON Lines (one recommendation per line, the default), CSV (one row per
action), XLSX (the same rows as an Excel workbook; the 'xlsx' extra), Parquet (the same rows;
the 'parquet' extra) or SQLite (a table of recommendations and one of actions), chosen by the
file's extension; ``-`` is stdout (JSON Lines). Everything is written as it comes, in input
order, into a temporary file beside the target that replaces it only when the run commits
(engine/portfolio/files.py): a failed run leaves the previous output as it was.

A JSON line is the recommendation as ``dry-run --format json`` gives it, except that an action's
playbook content is named, not copied: ``details`` is ``{"entry": ID}`` (``playbook show ID``
prints the entry), as the CSV, Parquet and SQLite rows leave it out. The content is the
knowledge base's, the same for every client that gets the action; copied into each line it was
four tenths of the bytes. Lines are written by orjson from the models' own data, in one call per
line (in Rust, without the standard library encoder's walk of every object in Python, and
without pydantic's per-field serializer): the same bytes ``json.dumps(..., ensure_ascii=False,
separators=(",", ":"))`` writes of the same data (pinned by tests/portfolio/test_writers.py).
An action the knowledge base prepared whole is one object shared by every recommendation that
has it (engine/runtime/plan.py): its JSON is made once, when it is met again, and spliced into
each line that has it (``_Shared``).

Every row says who and where the client is: its name, owner, CRM id and CRM link. CSV starts
with a byte-order mark (Excel then reads it as UTF-8); the ``excel`` dialect separates cells
with ``;``, as Excel does where the decimal separator is a comma (Russian Windows). A CSV or XLSX
cell that a spreadsheet would run as a formula (client ids and names, the reasons that quote
client facts are the clients' text) is written as text: see ``formula_safe``.
"""

from __future__ import annotations

import csv
import errno
import json
import sqlite3
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

from engine.errors import escaped_json, escaped_json_bytes
from engine.models import Action, Recommendation
from engine.portfolio.files import Replacement
from engine.portfolio.readers import ExtraUnavailable, ParquetUnavailable

OUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
               ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet", ".sqlite": "sqlite",
               ".db": "sqlite", ".sqlite3": "sqlite"}
WHO_COLUMNS = ("client_id", "client_name", "owner", "crm_id", "crm_url")
ACTION_COLUMNS = (*WHO_COLUMNS, "as_of", "kb_version", "position", "kind", "id", "title",
                  "reason", "priority", "rules", "sources", "missing")
# name -> (cell delimiter, line end)
CSV_DIALECTS = {"standard": (",", "\n"), "excel": (";", "\r\n")}
BATCH = 4096


# what a JSON line leaves out of each action's details: the entry's content (its id stays)
_CONTENT_OF_ONE = {"details": {"title", "summary", "items"}}
_CONTENT = {"actions": {"__all__": _CONTENT_OF_ONE}}


class XlsxUnavailable(ExtraUnavailable):
    """XlsxWriter is not installed (the 'xlsx' extra)."""


def recommendation_record(rec: Recommendation) -> dict[str, Any]:
    """The published JSON form of one recommendation in a JSON line (``recommendation_line``
    writes it)."""
    return rec.model_dump(mode="json", exclude=_CONTENT)


def recommendation_line(rec: Recommendation) -> str:
    """One recommendation as a JSON line: ``json_line(recommendation_record(rec))``."""
    raw = _dumped(rec)
    if raw is None:  # text that is no UTF-8 (a lone surrogate): as the standard library has it
        return json_line(recommendation_record(rec))
    return raw.decode() + "\n"


def recommendation_bytes(rec: Recommendation) -> bytes:
    """``recommendation_line(rec)`` in UTF-8, without its line end. A lone surrogate (no UTF-8)
    is written as its JSON escape, ``\\ud800``: the same text once read."""
    raw = _dumped(rec)
    if raw is None:
        return json_line(recommendation_record(rec))[:-1].encode("utf-8", "backslashreplace")
    return raw


def _dumped(rec: Recommendation) -> bytes | None:
    """The JSON line's UTF-8, escaped (``escaped_json``): made by orjson in one call from the
    models' fields (in their declared order: every model is built with its fields in that
    order, ``trusted`` included), and kept as made when nothing in it needs escaping
    (``escaped_json_bytes``). None for text that is no UTF-8."""
    data = rec.__dict__
    shared = _SHARED.json
    try:
        raw = orjson.dumps({**data, "actions": [shared(a) for a in data["actions"]],
                            "held": [h.__dict__ for h in data["held"]]})
    except orjson.JSONEncodeError:
        return None
    return escaped_json_bytes(raw)


def _named(action: Action) -> dict[str, Any]:
    """An action's fields, its playbook content named by the entry's id."""
    data = action.__dict__
    details = data["details"]
    return data if details is None else {**data, "details": {"entry": details.entry}}


class _Shared:
    """The JSON of the actions many recommendations share (the ones the knowledge base
    prepared whole), made once: an action met a second time, the same object, gets its JSON
    made and kept; others are written afresh. Both tables hold the actions they name (an
    object's id is not reused while it is held) and start again when full, so memory stays
    bounded whatever the portfolio."""

    SEEN, MADE = 1024, 4096

    def __init__(self) -> None:
        self.seen: dict[int, Action] = {}
        self.made: dict[int, tuple[Action, orjson.Fragment]] = {}

    def json(self, action: Action) -> dict[str, Any] | orjson.Fragment:
        key = id(action)
        found = self.made.get(key)
        if found is not None and found[0] is action:
            return found[1]
        if self.seen.get(key) is action:
            made = orjson.Fragment(orjson.dumps(_named(action)))
            if len(self.made) >= self.MADE:
                self.made.clear()
            self.made[key] = (action, made)
            return made
        if len(self.seen) >= self.SEEN:
            self.seen.clear()
        self.seen[key] = action
        return _named(action)


_SHARED = _Shared()


def json_line(data: Any) -> str:
    return escaped_json(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: Any) -> Any:
    """A cell for a spreadsheet (CSV, XLSX) that shows as the text it is: a text starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so Excel,
    LibreOffice and Google Sheets do not evaluate it as a formula (``=HYPERLINK(...)``); other
    values are returned as they are. ``playbook run --allow-formulas`` turns it off. (XLSX
    writes such a text with Excel's quote prefix instead: engine/portfolio/xlsx.py.)"""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def action_rows(rec: Recommendation) -> Iterator[tuple[Any, ...]]:
    """One row per action, in ACTION_COLUMNS order; lists are joined with ';'."""
    who = (rec.client_id, rec.client_name, rec.owner, rec.crm_id, rec.crm_url)
    day = rec.as_of.isoformat()
    for i, a in enumerate(rec.actions, start=1):
        yield (*who, day, rec.kb_version, i, a.kind, a.id, a.title, a.reason, a.priority,
               ";".join(a.rules), ";".join(a.sources), ";".join(a.missing))


class Writer(Protocol):
    def write(self, rec: Recommendation) -> None: ...

    def close(self) -> None: ...


class JsonLines:
    """One recommendation per line. The lines go to the text stream's binary buffer when it
    has one (a file, stdout): they are made as UTF-8 and written as they are."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.buffer: IO[bytes] | None = getattr(stream, "buffer", None)
        if self.buffer is not None:
            stream.flush()  # what the text side holds goes first

    def write(self, rec: Recommendation) -> None:
        if self.buffer is None:
            self.stream.write(recommendation_line(rec))
            return
        self.buffer.write(recommendation_bytes(rec))
        self.buffer.write(b"\n")

    def close(self) -> None:
        self.stream.flush()
        if self.buffer is not None:
            self.buffer.flush()


class Csv:
    """One row per action; cells ``formula_safe`` unless ``allow_formulas``."""

    def __init__(self, stream: IO[str], dialect: str = "standard",
                 allow_formulas: bool = False) -> None:
        delimiter, end = CSV_DIALECTS[dialect]
        self.stream = stream
        self.writer = csv.writer(stream, delimiter=delimiter, lineterminator=end)
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
        types = (*[pa.string()] * len(WHO_COLUMNS), pa.string(), pa.string(), pa.int32(),
                 *[pa.string()] * 4, pa.int32(), *[pa.string()] * 3)
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
    "client_name TEXT, owner TEXT, crm_id TEXT, crm_url TEXT, "
    "as_of TEXT NOT NULL, kb_version TEXT NOT NULL)",
    "CREATE TABLE actions (row INTEGER NOT NULL REFERENCES recommendations(row), "
    "position INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, "
    "reason TEXT NOT NULL, priority INTEGER NOT NULL, rules TEXT NOT NULL, "
    "sources TEXT NOT NULL, missing TEXT NOT NULL, PRIMARY KEY (row, position))",
)


class Sqlite:
    """A new database: ``recommendations`` (who and where each client is) and ``actions``."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        for statement in SQLITE_TABLES:
            self.db.execute(statement)
        self.count = 0

    def write(self, rec: Recommendation) -> None:
        self.count += 1
        self.db.execute("INSERT INTO recommendations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (self.count, rec.client_id, rec.client_name, rec.owner, rec.crm_id,
                         rec.crm_url, rec.as_of.isoformat(), rec.kb_version))
        first = len(WHO_COLUMNS) + 2  # the action's own columns, from its position on
        self.db.executemany("INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(self.count, *r[first:]) for r in action_rows(rec)])
        if self.count % BATCH == 0:
            self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def out_format(path: str) -> str | None:
    return "jsonl" if path == "-" else OUT_FORMATS.get(Path(path).suffix.lower())


class Output:
    """Where the results go: ``write`` each recommendation; the file replaces the target when
    the ``with`` block ends, unless ``discard()`` was called or the block raised."""

    def __init__(self, writer: Writer, file: Replacement | None) -> None:
        self.writer, self.file = writer, file
        self.kept = True

    def write(self, rec: Recommendation) -> None:
        self.writer.write(rec)

    def discard(self) -> None:
        """The run failed: leave the previous output as it was."""
        self.kept = False


@contextmanager
def open_writer(path: str, *, csv_dialect: str = "standard",
                labels: Mapping[str, str] | None = None,
                allow_formulas: bool = False) -> Iterator[Output]:
    """The output for ``path`` by its extension; ``-`` is JSON Lines on stdout. ``labels``
    names the XLSX columns and kinds of action for people (default: their codes). CSV and XLSX
    cells are ``formula_safe`` unless ``allow_formulas``."""
    if path == "-":
        out = Output(JsonLines(sys.stdout), None)
        yield out
        out.writer.close()
        return
    file = replacement(Path(path))
    try:
        with _writer(out_format(path), file.path, csv_dialect, labels,
                     allow_formulas) as writer:
            out = Output(writer, file)
            yield out
        if out.kept:
            file.commit()
    finally:
        file.discard()  # nothing once committed


def replacement(target: Path) -> Replacement:
    """A temporary file for ``target``; a target that cannot be written is said at once."""
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
    try:
        return Replacement(target)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None


@contextmanager
def _writer(kind: str | None, path: Path, csv_dialect: str,
            labels: Mapping[str, str] | None, allow_formulas: bool) -> Iterator[Writer]:
    if kind in ("jsonl", "csv"):
        encoding = "utf-8-sig" if kind == "csv" else "utf-8"  # a BOM: Excel reads UTF-8
        with open(path, "w", encoding=encoding, newline="") as stream:
            writer: Writer = Csv(stream, csv_dialect, allow_formulas) if kind == "csv" \
                else JsonLines(stream)
            yield writer
            writer.close()
        return
    if kind == "xlsx":
        from engine.portfolio.xlsx import Xlsx

        writer = Xlsx(path, labels or {}, None if allow_formulas else formula_safe)
    else:
        writer = Parquet(path) if kind == "parquet" else Sqlite(path)
    try:
        yield writer
    finally:
        writer.close()
