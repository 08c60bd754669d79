"""Portfolio readers: YAML, JSON, JSON Lines, CSV and Parquet files, and ``-`` for stdin.

JSON Lines, CSV and Parquet are streamed (memory does not grow with the number of clients);
a YAML or JSON file (one client or a list of them) is read whole. The format is chosen by
extension; stdin's is recognised from its first line (a JSON object: JSON Lines; a line of
cells with no ``:``: CSV; otherwise YAML or JSON).

A CSV file is read as a CRM or Excel saves it: its encoding and delimiter are detected
(engine/portfolio/sniff.py) unless the mapping file names them, a byte-order mark is dropped,
and each row goes through the table's converters (engine/portfolio/table.py): a cell that
cannot be read is an error of that row, located at its line and column.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from engine.errors import Diagnostic, Location
from engine.kb.limits import ENV, Limits, limit_error, open_regular
from engine.kb.source import parse, read
from engine.language.document import Document, PathKey
from engine.portfolio import EXTENSIONS, format_of
from engine.portfolio.bounded import Lines, RecordTooLong, open_bytes, open_text
from engine.portfolio.cells import Cells
from engine.portfolio.records import Record
from engine.portfolio.sniff import (
    SAMPLE,
    delimiter_of,
    encoding_of,
    sample_lines,
    text_stream,
    undecodable,
)
from engine.portfolio.table import Table, table

FORMATS = ("yaml", "json", "jsonl", "csv", "parquet")
STDIN = "-"


class ExtraUnavailable(RuntimeError):
    """An optional extra the input or output asks for is not installed."""


class ParquetUnavailable(ExtraUnavailable):
    """pyarrow is not installed (the 'parquet' extra)."""


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
    elif kind == "csv":
        yield from csv_file(path, cells)
    elif kind == "jsonl":
        stream, problem = open_text(path)
        if stream is None:
            yield Record(path, 0, 0, None, problems=(problem,) if problem else ())
            return
        try:
            with stream:
                yield from json_lines(Lines(stream), path, cells)
        except UnicodeDecodeError:
            yield Record(path, 0, 0, None, problems=(undecodable(path, "utf-8-sig", False),))
        except OSError as exc:
            yield _unreadable(path, "unreadable-file", _reason(exc), "a readable UTF-8 file")
    else:
        doc, problems = read(Path(path))
        yield from documents(doc, problems, cells)


def csv_file(path: str, cells: Cells) -> Iterator[Record]:
    """A CSV file in its own encoding and with its own delimiter, read within the same bounds
    as JSON Lines (a regular file only; no record longer than the limit)."""
    mapping = cells.mapping
    raw, problem = open_bytes(path)
    if raw is None:
        yield Record(path, 0, 0, None, problems=(problem,) if problem else ())
        return
    with raw:
        try:
            sample = raw.read(SAMPLE)
            raw.seek(0)
        except OSError as exc:
            yield _unreadable(path, "unreadable-file", _reason(exc), "a readable CSV file")
            return
        encoding = mapping.encoding or encoding_of(sample)
        delimiter = mapping.delimiter or delimiter_of(sample_lines(sample, encoding)) or ","
        try:
            yield from csv_rows(Lines(text_stream(raw, encoding)), path, cells, delimiter)
        except UnicodeDecodeError:
            yield Record(path, 0, 0, None, problems=(
                undecodable(path, encoding, mapped=bool(mapping.model_fields_set)),))
        except OSError as exc:
            yield _unreadable(path, "unreadable-file", _reason(exc), "a readable CSV file")


def _stdin(stream: IO[str], cells: Cells) -> Iterator[Record]:
    """Standard input, in the format its first line shows, read within the same bounds as a
    file: lines and records of JSON Lines and CSV, the whole of YAML or JSON."""
    lines = Lines(stream)
    try:
        first = next(lines, "")
    except RecordTooLong:
        yield Record(STDIN, 1, 1, None, problems=(lines.too_long(STDIN, 1, "line 1"),))
        return
    delimiter = cells.mapping.delimiter or delimiter_of([first]) or ","
    if _is_json_object(first):
        lines.again(first)
        yield from json_lines(lines, STDIN, cells)
    elif first.strip() and ":" not in first and delimiter in first:
        lines.again(first)
        yield from csv_rows(lines, STDIN, cells, delimiter)
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


def csv_rows(lines: Lines, path: str, cells: Cells, delimiter: str = ","
             ) -> Iterator[Record]:
    """One client per row; the first row names the columns. A record longer than the limit
    ends the file's reading (where the next one starts cannot be known)."""
    reader = csv.reader(lines, delimiter=delimiter)
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
    if header:
        header[0] = header[0].lstrip("\ufeff")  # a byte-order mark the encoding kept
    plan = table(cells, header, path)
    if plan.problems:
        yield Record(path, 1, 0, None, problems=tuple(plan.problems))
        return
    yield from _csv_body(reader, lines, header, path, plan)


def _csv_body(reader: Any, lines: Lines, header: list[str], path: str, plan: Table
              ) -> Iterator[Record]:
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
        data, bad = plan.row(cells_of_row, start)
        yield Record(path, start, row, data, positions=plan.positions, bad_cells=bad)


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
        source = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        yield _unreadable(path, "unreadable-file", _reason(exc), "a Parquet file")
        return
    header = list(source.schema_arrow.names)
    plan = table(cells, header, path)
    if plan.problems:
        yield Record(path, 0, 0, None, problems=tuple(plan.problems))
        return
    row = 0
    for batch in source.iter_batches(batch_size=2048):
        for item in batch.to_pylist():
            row += 1
            data, bad = plan.row([item[c] for c in header], row)
            yield Record(path, row, row, data, bad_cells=bad)


def _unreadable(path: str, code: str, message: str, expected: str) -> Record:
    return Record(path, 0, 0, None, problems=(Diagnostic(code, message, Location(path),
                                                         expected=expected),))


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


__all__ = ["FORMATS", "ExtraUnavailable", "ParquetUnavailable", "Record", "format_of", "read_all"]
