"""Read YAML safely, keeping the line and column of every key and item.

Only plain data is built (no object construction); duplicate keys are reported.
JSON files go through the same reader (JSON is YAML).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from engine.errors import Diagnostic, Location
from engine.kb.yaml_errors import syntax_error
from engine.language.document import Document, PathKey

PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _Builder:
    def __init__(self, doc: Document, problems: list[Diagnostic]) -> None:
        self.doc = doc
        self.problems = problems
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, key: PathKey) -> Any:
        if isinstance(node, yaml.CollectionNode) and node.tag not in PLAIN_TAGS:
            self.problems.append(Diagnostic(
                "yaml-value", f"cannot read a value tagged {node.tag}",
                Location(self.doc.path, *_mark(node)),
                expected="plain data: text, numbers, dates, lists, mappings"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, child in enumerate(node.value):
                self.doc.marks[(*key, i)] = _mark(child)
                items.append(self.build(child, (*key, i)))
            return items
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Diagnostic(
                "yaml-value", f"cannot read {node.value!r}: {problem}",
                Location(self.doc.path, *_mark(node)),
                expected="plain data: text, numbers, dates, lists, mappings"))
            return None

    def _mapping(self, node: yaml.MappingNode, key: PathKey) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            name = self.build(key_node, key)
            if not isinstance(name, (str, int, bool)) or isinstance(name, bool):
                name = str(name)
            here = (*key, name)
            if name in out:
                self.problems.append(Diagnostic(
                    "duplicate-key", f"key '{name}' appears twice in one mapping",
                    Location(self.doc.path, *_mark(key_node)),
                    hint=f"the first one is on line {self.doc.marks[here][0]}",
                ))
                continue
            self.doc.marks[here] = _mark(key_node)
            out[name] = self.build(value_node, here)
        return out


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse(text: str, path: str) -> tuple[Document, list[Diagnostic]]:
    """Parse one YAML document; problems are returned, never raised."""
    doc = Document(path, None)
    problems: list[Diagnostic] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return doc, [syntax_error(exc, text, path)]
    except yaml.YAMLError as exc:
        return doc, [Diagnostic("yaml-syntax", str(exc), Location(path), expected="valid YAML")]
    if node is None:
        return doc, problems
    doc.marks[()] = _mark(node)
    doc.data = _Builder(doc, problems).build(node, ())
    return doc, problems


def read(path: Path, shown_as: str | None = None) -> tuple[Document, list[Diagnostic]]:
    """Read and parse a file; an unreadable file is a diagnostic too."""
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Document(name, None), [Diagnostic("unreadable-file", reason, Location(name),
                                                 expected="a readable UTF-8 text file")]
    return parse(text, name)
