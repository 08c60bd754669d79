"""YAML events -> plain data with marks, in one bounded, non-recursive pass.

The events come from libyaml (``yaml.CSafeLoader``), or from PyYAML's pure-Python parser when
libyaml is absent; both give the same events with the same marks. Nothing is composed
recursively, so no input can exhaust the stack: the depth is counted and capped, every alias
adds the size of what it copies to a budget, and an alias to a node that contains it (a loop)
is refused. Only plain data is built: tags other than the standard ones are refused, duplicate
keys are reported and the first one kept.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.errors import Diagnostic, Location, quoted, shown
from engine.kb.limits import ENV, Limits, limit_error
from engine.language.document import Document, PathKey

PLAIN = {yaml.MappingStartEvent: "tag:yaml.org,2002:map",
         yaml.SequenceStartEvent: "tag:yaml.org,2002:seq"}
PLAIN_DATA = "plain data: text, numbers, dates, lists, mappings"
C_LOADER: type[Any] | None = getattr(yaml, "CSafeLoader", None)
LOADER: type[Any] = C_LOADER or yaml.SafeLoader  # tests switch this to the pure-Python one
CONSTRUCTORS = yaml.SafeLoader.yaml_constructors
MAX_DIGITS = 4000  # longer numbers are refused as written (Python refuses over 4300 digits)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()


class Stop(Exception):
    """A limit was reached: the file is not read any further."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


@dataclass
class _Frame:
    data: dict[Any, Any] | list[Any]
    key: PathKey
    record: bool                      # marks are recorded (not inside a complex key)
    anchor: str | None
    size: int = 1
    depth: int = 0                    # how deep this node is (the top one is 1)
    height: int = 1                   # how many levels this node holds (itself included)
    refused: bool = False             # tagged with a tag that is not plain data
    name: Any = None                  # a mapping's key waiting for its value
    name_mark: tuple[int, int] = (0, 0)
    have_name: bool = False
    skip: bool = False                # the value of a duplicate key: built, then dropped


@dataclass
class Builder:
    doc: Document
    limits: Limits
    problems: list[Diagnostic] = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    anchors: dict[str, tuple[Any, int, int] | None] = field(default_factory=dict)
    aliased: int = 0
    done: bool = False

    def event(self, ev: Any) -> None:
        kind = type(ev)
        if kind is yaml.ScalarEvent:
            self._scalar(ev)
        elif kind in PLAIN:
            self._start(ev)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self._end()
        elif kind is yaml.AliasEvent:
            self._alias(ev)
        elif kind is yaml.DocumentStartEvent and self.done:
            raise Stop(Diagnostic("yaml-syntax", "expected a single document in the stream, "
                                  "but found another document", self._at(ev),
                                  expected="one YAML document per file"))

    def _at(self, ev: Any) -> Location:
        return Location(self.doc.path, ev.start_mark.line + 1, ev.start_mark.column + 1)

    def _start(self, ev: Any) -> None:
        parent = self.stack[-1] if self.stack else None
        depth = parent.depth + 1 if parent else 1
        if depth > self.limits.max_depth:
            raise Stop(limit_error("too-deep", f"the data is nested deeper than "
                                   f"{self.limits.max_depth} levels", self._at(ev),
                                   ENV["max_depth"]))
        tag = ev.tag if ev.tag not in (None, "!") else PLAIN[type(ev)]
        refused = tag != PLAIN[type(ev)]
        if refused:
            self.problems.append(Diagnostic("yaml-value", f"cannot read a value tagged "
                                            f"{shown(tag)}", self._at(ev), expected=PLAIN_DATA))
        key, record = self._place(ev)
        if ev.anchor is not None:
            self.anchors[ev.anchor] = None  # being built: an alias to it would be a loop
        data: Any = {} if type(ev) is yaml.MappingStartEvent else []
        self.stack.append(_Frame(data, key, record and not refused, ev.anchor, depth=depth,
                                 refused=refused))

    def _end(self) -> None:
        frame = self.stack.pop()
        data = None if frame.refused else frame.data
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (data, frame.size, frame.height)
        self._deliver(data, frame.size, frame.height)

    def _scalar(self, ev: Any) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and ev.anchor is None and isinstance(top.data, list):
            self._item(top, ev)  # the common case, kept short: long lists are read fast
            return
        self._place(ev)
        value = self._construct(ev)
        if ev.anchor is not None:
            self.anchors[ev.anchor] = (value, 1, 0)
        self._deliver(value, 1, 0)

    def _item(self, top: _Frame, ev: Any) -> None:
        if top.record:
            self.doc.marks[(*top.key, len(top.data))] = (ev.start_mark.line + 1,
                                                         ev.start_mark.column + 1)
        top.data.append(self._construct(ev))  # type: ignore[union-attr]
        top.size += 1

    def _construct(self, ev: Any) -> Any:
        tag = ev.tag
        if tag is None or tag == "!":
            tag = _resolve(ev.value, ev.implicit)
        if tag == "tag:yaml.org,2002:str":
            return ev.value
        if tag == "tag:yaml.org,2002:int" and len(ev.value) > MAX_DIGITS:
            self.problems.append(Diagnostic(
                "yaml-value", f"cannot read a number of {len(ev.value)} digits", self._at(ev),
                expected=f"a number of at most {MAX_DIGITS} digits"))
            return None
        node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
        try:
            build = CONSTRUCTORS.get(tag) or CONSTRUCTORS[None]
            return build(_CONSTRUCTOR, node)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Diagnostic(
                "yaml-value", f"cannot read {shown(ev.value)}: {problem[:200]}", self._at(ev),
                expected=PLAIN_DATA))
            return None

    def _alias(self, ev: Any) -> None:
        self._place(ev)
        if ev.anchor not in self.anchors:
            raise Stop(Diagnostic("yaml-syntax", f"found undefined alias {quoted(ev.anchor)}",
                                  self._at(ev), expected="an alias (*name) to an earlier "
                                  "anchor (&name)"))
        target = self.anchors[ev.anchor]
        if target is None:
            raise Stop(Diagnostic("yaml-alias-loop", f"the alias {quoted(ev.anchor)} is inside "
                                  "the value it names: it would never end", self._at(ev),
                                  expected="an alias to a value that does not contain it"))
        value, size, height = target
        self.aliased += size
        base = self.stack[-1].depth if self.stack else 0
        if self.aliased > self.limits.max_alias_nodes:
            raise Stop(limit_error("too-many-aliases", f"the aliases of this file copy more "
                                   f"than {self.limits.max_alias_nodes:,} values"
                                   .replace(",", " "), self._at(ev), ENV["max_alias_nodes"]))
        if base + height > self.limits.max_depth:
            raise Stop(limit_error("too-deep", f"the data is nested deeper than "
                                   f"{self.limits.max_depth} levels", self._at(ev),
                                   ENV["max_depth"]))
        self._deliver(value, size, height)

    def _place(self, ev: Any) -> tuple[PathKey, bool]:
        """The path of the node starting at ``ev``; its mark is recorded when it is a value."""
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        if not self.stack:
            self.doc.marks[()] = mark
            return (), True
        top = self.stack[-1]
        if isinstance(top.data, list):
            here: PathKey = (*top.key, len(top.data))
        elif not top.have_name:
            top.name_mark = mark
            return top.key, False  # a key: its mark is recorded once it is known
        else:
            here = (*top.key, top.name)
        record = top.record and not top.skip
        if record and isinstance(top.data, list):
            self.doc.marks[here] = mark
        return here, record

    def _deliver(self, value: Any, size: int, height: int) -> None:
        if not self.stack:
            self.doc.data, self.done = value, True
            return
        top = self.stack[-1]
        top.size += size
        top.height = max(top.height, height + 1)
        if isinstance(top.data, list):
            top.data.append(value)
        elif not top.have_name:
            self._key(top, value)
        else:
            if not top.skip:
                top.data[top.name] = value
            top.have_name, top.skip = False, False

    def _key(self, top: _Frame, value: Any) -> None:
        name = value if isinstance(value, (str, int)) and not isinstance(value, bool) else (
            shown(value) if isinstance(value, (dict, list)) else str(value))
        top.name, top.have_name = name, True
        here = (*top.key, name)
        if name in top.data:
            first = self.doc.marks.get(here, top.name_mark)[0]
            self.problems.append(Diagnostic(
                "duplicate-key", f"key {quoted(name)} appears twice in one mapping",
                Location(self.doc.path, *top.name_mark),
                hint=f"the first one is on line {first}"))
            top.skip = True
        elif top.record:
            self.doc.marks[here] = top.name_mark


@functools.lru_cache(maxsize=4096)
def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged scalar (int, float, bool, null, date or str)."""
    return str(_RESOLVER.resolve(yaml.ScalarNode, value, implicit))  # type: ignore[no-untyped-call]


def build(text: str, path: str, limits: Limits) -> tuple[Document, list[Diagnostic]]:
    """Plain data and marks of the one YAML document in ``text``.

    Raises yaml.YAMLError on a syntax error; a reached limit is returned as the only problem.
    """
    builder = Builder(Document(path, None), limits)
    loader = LOADER(text)
    try:
        get = loader.get_event
        while (ev := get()) is not None and type(ev) is not yaml.StreamEndEvent:
            builder.event(ev)
    except Stop as stop:
        return Document(path, None), [stop.diagnostic]
    finally:
        loader.dispose()
    return builder.doc, builder.problems


NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE  # characters YAML does not allow in a file
