"""Portfolio readers: YAML, JSON, JSON Lines, CSV and Parquet files, and ``-`` for stdin.

JSON Lines, CSV and Parquet are streamed (memory does not grow with the number of clients);
a YAML or JSON file (one client or a list of them) is read whole. The format is chosen by
extension; stdin's is recognised from its first line (a JSON object: JSON Lines; a line of
cells with no ``:``: CSV; otherwise YAML or JSON).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from engine.errors import Diagnostic, Location, did_you_mean, quoted
from engine.kb.limits import ENV, Limits, limit_error, open_regular
from engine.kb.source import parse, read
from engine.language.document import Document, PathKey
from engine.models import Client
from engine.portfolio.bounded import Lines, RecordTooLong, open_text
from engine.portfolio.cells import Cells
from engine.portfolio.records import Positions, Record

FORMATS = ("yaml", "json", "jsonl", "csv", "parquet")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl",
              ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
STDIN = "-"


class ExtraUnavailable(RuntimeError):
    """An optional extra the input or output asks for is not installed."""


class ParquetUnavailable(ExtraUnavailable):
    """pyarrow is not installed (the 'parquet' extra)."""


def format_of(path: str) -> str | None:
    return EXTENSIONS.get(Path(path).suffix.lower())


def read_all(paths: Iterable[str], cells: Cells, stdin: IO[str] | None = None
             ) -> Iterator[Record]:
    """Every client of every source, in order."""
    for path in paths:
        yield from read_source(path, cells, stdin)


def read_source(path: str, cells: Cells, stdin: IO[str] | None = None) -> Iterator[Record]:
    if path == STDIN:
        yield from _stdin(stdin or sys.stdin, cells)
        return
    kind = format_of(path)
    if kind is None:
        yield _unreadable(path, "unknown-format", f"cannot tell the format of '{path}'",
                          "a file ending in " + ", ".join(sorted(EXTENSIONS)))
    elif kind == "parquet":
        yield from parquet(path, cells)
    elif kind in ("jsonl", "csv"):
        stream, problem = open_text(path)
        if stream is None:
            yield Record(path, 0, 0, None, problems=(problem,) if problem else ())
            return
        try:
            with stream:
                reader = json_lines if kind == "jsonl" else csv_rows
                yield from reader(Lines(stream), path, cells)
        except (OSError, UnicodeDecodeError) as exc:
            yield _unreadable(path, "unreadable-file", _reason(exc), "a readable UTF-8 file")
    else:
        doc, problems = read(Path(path))
        yield from documents(doc, problems, cells)


def _stdin(stream: IO[str], cells: Cells) -> Iterator[Record]:
    """Standard input, in the format its first line shows, read within the same bounds as a
    file: lines and records of JSON Lines and CSV, the whole of YAML or JSON."""
    lines = Lines(stream)
    try:
        first = next(lines, "")
    except RecordTooLong:
        yield Record(STDIN, 1, 1, None, problems=(lines.too_long(STDIN, 1, "line 1"),))
        return
    if _is_json_object(first):
        lines.again(first)
        yield from json_lines(lines, STDIN, cells)
    elif first.strip() and ":" not in first and cells.mapping.delimiter in first:
        lines.again(first)
        yield from csv_rows(lines, STDIN, cells)
    else:
        limits = Limits.from_env()
        text = first + stream.read(max(limits.max_bytes + 1 - len(first), 0))
        if len(text.encode()) > limits.max_bytes:
            yield Record(STDIN, 0, 0, None, problems=(limit_error(
                "file-too-large", f"standard input is longer than {limits.max_bytes:,} "
                "bytes".replace(",", " "), Location(STDIN), ENV["max_bytes"]),))
            return
        yield from documents(*parse(text, STDIN), cells)


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def documents(doc: Document, problems: list[Diagnostic], cells: Cells) -> Iterator[Record]:
    """The clients of a YAML or JSON document: one mapping or a list of them."""
    if problems:
        yield Record(doc.path, problems[0].location.line if problems[0].location else 0, 0,
                     None, problems=tuple(problems))
        return
    many = isinstance(doc.data, list)
    for i, item in enumerate(doc.data if many else [doc.data]):
        prefix: PathKey = (i,) if many else ()
        marks = {k[len(prefix):]: v for k, v in doc.marks.items()
                 if k[:len(prefix)] == prefix and len(k) >= len(prefix)}
        data = cells.client(item.items()) if isinstance(item, dict) else item
        yield Record(doc.path, marks.get((), (0, 0))[0], i + 1, data, positions=marks)


def json_lines(lines: Lines, path: str, cells: Cells) -> Iterator[Record]:
    """One client per line; a line longer than the limit is reported and skipped."""
    row = 0
    while True:
        lines.reset()
        try:
            line = next(lines)
        except StopIteration:
            return
        except RecordTooLong as exc:
            row += 1
            yield Record(path, exc.line, row, None,
                         problems=(lines.too_long(path, exc.line, f"line {exc.line}"),))
            lines.skip_line()
            continue
        if not line.strip():
            continue
        row += 1
        number = lines.number
        try:
            item = json.loads(line)
        except ValueError as exc:
            col = min(getattr(exc, "pos", 0), len(line.rstrip("\r\n"))) + 1
            yield Record(path, number, row, None, problems=(Diagnostic(
                "json-syntax", str(getattr(exc, "msg", exc)), Location(path, number, col),
                expected="one JSON object per line"),))
            continue
        data = cells.client(item.items()) if isinstance(item, dict) else item
        yield Record(path, number, row, data)


def csv_rows(lines: Lines, path: str, cells: Cells) -> Iterator[Record]:
    """One client per row; the first row names the columns. A record longer than the limit
    ends the file's reading (where the next one starts cannot be known)."""
    reader = csv.reader(lines, delimiter=cells.mapping.delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        yield _unreadable(path, "csv-syntax", str(exc), "a CSV file")
        return
    except RecordTooLong as exc:
        yield Record(path, exc.line, 0, None,
                     problems=(lines.too_long(path, exc.line, "the header"),))
        return
    if header is None:
        return
    problems = _header_problems(header, path, cells)
    if problems:
        yield Record(path, 1, 0, None, problems=tuple(problems))
        return
    positions = _positions(header, cells)
    yield from _csv_body(reader, lines, header, path, cells, positions)


def _csv_body(reader: Any, lines: Lines, header: list[str], path: str, cells: Cells,
              positions: Positions) -> Iterator[Record]:
    end, row = 1, 0
    while True:
        start = end + 1
        lines.reset()
        try:
            cells_of_row = next(reader, None)
        except csv.Error as exc:
            yield _unreadable(path, "csv-syntax", str(exc), "a CSV file")
            return
        except RecordTooLong as exc:
            yield Record(path, exc.line, row + 1, None, problems=(lines.too_long(
                path, exc.line, f"the record on line {exc.line}"),))
            return
        end = reader.line_num
        if cells_of_row is None:
            return
        if not any(c.strip() for c in cells_of_row):
            continue
        row += 1
        if len(cells_of_row) != len(header):
            yield Record(path, start, row, None, problems=(Diagnostic(
                "csv-row", f"row has {len(cells_of_row)} cells, the header has {len(header)}",
                Location(path, start, 1), expected=f"{len(header)} cells"),))
            continue
        yield Record(path, start, row, cells.client(zip(header, cells_of_row, strict=True)),
                     positions=positions)


def _positions(header: list[str], cells: Cells) -> Positions:
    positions: dict[PathKey, tuple[int, int]] = {}
    for col, column in enumerate(header, start=1):
        name = cells.field(column)
        if name is not None:
            key: PathKey = ("facts", name[6:]) if name.startswith("facts.") else (name,)
            positions[key] = (0, col)
    return positions


def _header_problems(header: list[str], path: str, cells: Cells) -> list[Diagnostic]:
    """Columns that are no client field (after the mapping) and not ignored, and columns that
    hold a field an earlier column holds (one of the two values would be lost)."""
    known = [*Client.model_fields, *cells.mapping.columns]
    problems = []
    first: dict[str, tuple[int, str]] = {}  # field -> (column number, column name)
    for col, column in enumerate(header, start=1):
        name = cells.field(column)
        if name is not None and name in first:
            problems.append(_duplicate(path, col, column, name, *first[name]))
            continue
        if name is not None:
            first[name] = (col, column)
        if name is None or name in Client.model_fields or name.startswith("facts."):
            continue
        problems.append(Diagnostic(
            "unknown-column", f"column {quoted(column)} is no client field",
            Location(path, 1, col), expected="a client field, facts.NAME, or a column the "
            "mapping file names (columns:) or leaves out (ignore:)",
            hint=did_you_mean(column, known)))
    return problems


def _duplicate(path: str, col: int, column: str, field: str, first_col: int,
               first: str) -> Diagnostic:
    same = "has the same name as" if column == first else "is mapped to the same field as"
    return Diagnostic(
        "duplicate-column", f"column {col} {quoted(column)} {same} column {first_col} "
        f"{quoted(first)}: both are the client field {quoted(field)}", Location(path, 1, col),
        expected="each client field in one column",
        hint="rename or drop one of them, or leave one out with the mapping file's ignore:")


def parquet(path: str, cells: Cells) -> Iterator[Record]:
    """One client per row, read in batches; the line of a client is its row number."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ParquetUnavailable("reading Parquet needs the 'parquet' extra: "
                                 "pip install 'playbook-engine[parquet]'") from None
    fd, problem = open_regular(path, path)
    if fd is None:
        yield Record(path, 0, 0, None, problems=(problem,) if problem else ())
        return
    os.close(fd)
    try:
        table = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        yield _unreadable(path, "unreadable-file", _reason(exc), "a Parquet file")
        return
    header = list(table.schema_arrow.names)
    problems = _header_problems(header, path, cells)
    if problems:
        yield Record(path, 0, 0, None, problems=tuple(problems))
        return
    row = 0
    for batch in table.iter_batches(batch_size=2048):
        for item in batch.to_pylist():
            row += 1
            yield Record(path, row, row, cells.client(item.items()))


def _unreadable(path: str, code: str, message: str, expected: str) -> Record:
    return Record(path, 0, 0, None, problems=(Diagnostic(code, message, Location(path),
                                                         expected=expected),))


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


__all__ = ["FORMATS", "ExtraUnavailable", "ParquetUnavailable", "Record", "format_of", "read_all"]
