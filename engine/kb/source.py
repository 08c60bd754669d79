"""Read YAML and JSON safely, keeping the line and column of every key and item.

Only plain data is built (no object construction); duplicate keys are reported. Reading is
bounded (engine.kb.limits): file size, nesting depth and alias expansion are capped and only
regular files are opened. YAML goes through libyaml's C parser when it is installed (PyYAML's
pure-Python parser otherwise: the same events and marks), see engine.kb.yaml_reader. ``.json``
and ``.jsonl`` files are read as JSON, see engine.kb.json_reader.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from engine.errors import Diagnostic, Location
from engine.kb import json_reader, yaml_reader
from engine.kb.limits import Limits, position, read_text
from engine.kb.yaml_errors import syntax_error
from engine.language.document import Document

JSON_SUFFIXES = {".json": False, ".jsonl": True}  # suffix -> one value per line


def parse(text: str, path: str, limits: Limits | None = None) -> tuple[Document, list[Diagnostic]]:
    """Parse one YAML document; problems are returned, never raised."""
    limits = limits or Limits.from_env()
    bad = yaml_reader.NON_PRINTABLE.search(text)
    if bad:
        return Document(path, None), [_non_printable(text, bad.start(), path)]
    try:
        return yaml_reader.build(text, path, limits)
    except yaml.MarkedYAMLError as exc:
        return Document(path, None), [syntax_error(exc, text, path)]
    except yaml.YAMLError as exc:
        return Document(path, None), [Diagnostic("yaml-syntax", str(exc), Location(path),
                                                 expected="valid YAML")]


def _non_printable(text: str, index: int, path: str) -> Diagnostic:
    code = f"U+{ord(text[index]):04X}"
    return Diagnostic("yaml-syntax", f"the control character {code} is not allowed in YAML",
                      Location(path, *position(text, index)), expected="valid YAML",
                      hint="remove it, or write it as an escape inside double quotes")


def parse_as(text: str, path: str, suffix: str,
             limits: Limits | None = None) -> tuple[Document, list[Diagnostic]]:
    """Parse ``text`` by its file suffix: JSON for .json and .jsonl, YAML otherwise."""
    limits = limits or Limits.from_env()
    if suffix.lower() in JSON_SUFFIXES:
        return json_reader.build(text, path, limits, JSON_SUFFIXES[suffix.lower()])
    return parse(text, path, limits)


def read(path: Path, shown_as: str | None = None,
         limits: Limits | None = None) -> tuple[Document, list[Diagnostic]]:
    """Read and parse a file; an unreadable, special or too large file is a diagnostic too."""
    name = shown_as or str(path)
    limits = limits or Limits.from_env()
    text, problem = read_text(path, name, limits)
    if text is None:
        return Document(name, None), [problem] if problem else []
    return parse_as(text, name, path.suffix, limits)
