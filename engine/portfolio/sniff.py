"""How a CRM export is written, found from its first bytes: the text encoding (a byte-order
mark, else valid UTF-8, else what charset-normalizer finds: Windows-1251 for a Russian Excel
"CSV (разделители - точка с запятой)") and the cell delimiter (``;``, ``,``, tab or ``|``: the
one that cuts the header and the sample's rows into the same number of cells). A mapping
file's ``encoding:`` and ``delimiter:`` override both.

A byte that the encoding cannot read is one located error (line and column in the file) that
names the encoding the bytes look like and how to say so.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from pathlib import Path

from engine.errors import Diagnostic, Location

SAMPLE = 64 * 1024  # bytes read to detect the encoding and the delimiter
# Windows-1251's signs a Russian export holds: « » — – № … „ “ ” €, the no-break space
_CP1251_SIGNS = frozenset(b"\xab\xbb\x97\x96\xb9\xa0\x93\x94\x84\x85\x88")
DELIMITERS = (";", ",", "\t", "|")
NAMES = {"utf_8": "utf-8", "utf_8_sig": "utf-8-sig", "cp1251": "windows-1251",
         "cp1252": "windows-1252", "koi8_r": "koi8-r", "utf_16": "utf-16", "mac_cyrillic":
         "mac-cyrillic", "cp866": "cp866", "latin_1": "latin-1", "ascii": "ascii"}


def label(encoding: str) -> str:
    """The name people know an encoding by: ``cp1251`` -> ``windows-1251``."""
    try:
        name = codecs.lookup(encoding).name.replace("-", "_")
    except LookupError:
        return encoding
    return NAMES.get(name, encoding)


def encoding_of(sample: bytes) -> str:
    """The encoding of a file that starts with ``sample``."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:  # a sample cut inside a character is still UTF-8
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return "windows-1251" if _russian_excel(sample) else likely(sample) or "utf-8"


def _russian_excel(sample: bytes) -> bool:
    """Whether ``sample`` is plainly Windows-1251 Russian text, as Russian Excel saves CSV: its
    bytes above ASCII are Cyrillic letters in Windows-1251 (and the few signs it adds), most of
    them lower case (read as KOI8-R, the same bytes are mostly upper case), and in words: runs
    of such letters, where a Western text's accented letters stand one by one among ASCII. The
    common case, told without charset-normalizer; anything less plain is left to it."""
    high = [b for b in sample if b >= 0x80]
    if len(high) < 32:
        return False
    lower = sum(0xE0 <= b <= 0xFF or b == 0xB8 for b in high)
    upper = sum(0xC0 <= b <= 0xDF or b == 0xA8 for b in high)
    signs = sum(b in _CP1251_SIGNS for b in high)
    paired = sum(a >= 0xC0 and b >= 0xC0 for a, b in itertools.pairwise(sample))
    return (lower + upper + signs == len(high) and lower >= 2 * upper
            and paired >= (lower + upper) // 2)


def likely(data: bytes) -> str | None:
    """The encoding ``data`` looks like to charset-normalizer, by the name people know."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return label(best.encoding) if best is not None else None


def delimiter_of(lines: list[str]) -> str | None:
    """The delimiter that cuts the header into most cells and the other lines into as many;
    None when no candidate makes two cells."""
    best, score = None, (0, 0)
    for candidate in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=candidate))
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        found = (sum(len(r) == width for r in rows[1:]), width)
        if found > score:
            best, score = candidate, found
    return best


def sample_lines(sample: bytes, encoding: str) -> list[str]:
    """The whole lines of a sample, decoded (what cannot be decoded replaced)."""
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    return lines[:-1] if len(lines) > 1 and len(sample) >= SAMPLE else lines


def undecodable(path: str, encoding: str, mapped: bool) -> Diagnostic:
    """Where ``path`` stops being ``encoding``, what it looks like, and how to say so."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 0
    with Path(path).open("rb") as stream:
        for line, raw in enumerate(stream, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError as exc:
                rest = raw + stream.read(SAMPLE)
                return _diagnostic(path, encoding, line, exc, raw, rest, mapped)
    return Diagnostic("bad-encoding", f"the file ends inside a character of {label(encoding)}",
                      Location(path, line, 1), expected=f"text in {label(encoding)}")


def _diagnostic(path: str, encoding: str, line: int, exc: UnicodeDecodeError, raw: bytes,
                rest: bytes, mapped: bool) -> Diagnostic:
    col = len(raw[:exc.start].decode(encoding, errors="replace")) + 1
    guess = likely(rest)
    guess = guess if guess and guess != label(encoding) else None
    fix = (f"set encoding: {guess} in the mapping file" if mapped else
           f"give a mapping file (--map) with encoding: {guess}; `playbook map init {path}` "
           "writes one") if guess else "save the export as UTF-8"
    return Diagnostic(
        "bad-encoding", f"byte 0x{raw[exc.start]:02x} cannot be read as {label(encoding)}"
        + (f"; the file looks like {guess}" if guess else ""), Location(path, line, col),
        expected=f"text in {label(encoding)}", hint=fix)


def text_stream(raw: io.BufferedReader, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
