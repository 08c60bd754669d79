"""CRM cells -> typed client facts: columns renamed and values mapped by the mapping file, then
text typed by the client model's field types (custom facts by the knowledge base's types).

A cell that cannot be typed is left as written, so the client's validation names it. An empty
cell is a missing fact.
"""

from __future__ import annotations

import datetime as dt
import json
import types
from collections.abc import Callable, Iterable
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.portfolio.mapping import Mapping

Kind = Literal["text", "int", "number", "bool", "date", "json"]
FieldType = tuple[bool, Kind]  # (a list?, the kind of the value or of each item)
MISSING = object()
MAX_COLUMNS = 4096  # column names whose field is remembered
_TYPED = frozenset({int, float, bool})  # cells that are typed already


def _unwrap(annotation: Any) -> Any:
    while True:
        if get_origin(annotation) in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        elif hasattr(annotation, "__metadata__"):
            annotation = get_args(annotation)[0]
        else:
            return annotation


def _kind(annotation: Any) -> Kind:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "json"
    return {bool: "bool", int: "int", float: "number", dt.date: "date"}.get(  # type: ignore[return-value]
        annotation, "text")


def _field_type(annotation: Any) -> FieldType:
    annotation = _unwrap(annotation)
    if get_origin(annotation) is list:
        return True, _kind(get_args(annotation)[0])
    if get_origin(annotation) is dict:
        return False, "json"
    return False, _kind(annotation)


CLIENT_TYPES: dict[str, FieldType] = {
    name: _field_type(info.annotation) for name, info in Client.model_fields.items()}
FACT_KINDS: dict[str, Kind] = {"bool": "bool", "int": "int", "number": "number", "date": "date"}


class Cells:
    """Turns one CRM record (column -> cell) into client data, for one mapping and KB."""

    def __init__(self, mapping: Mapping, kb: KnowledgeBase) -> None:
        self.mapping = mapping
        self.types = dict(CLIENT_TYPES)
        for name, ftype in kb.facts.items():
            if name.startswith("facts."):
                item = ftype.item if ftype.kind == "list" and ftype.item else ftype
                self.types[name] = (ftype.kind == "list", FACT_KINDS.get(item.kind, "text"))
        self.values = {f: mapping.value_map(f) for f in mapping.values}
        self.ignored = frozenset(mapping.ignore)
        # fields of text (or lists of text) that no value map changes: taken as they are
        self._plain_text = frozenset(f for f, (many, kind) in self.types.items()
                                     if kind == "text" and not many and f not in self.values)
        self._plain_lists = frozenset(f for f, (many, kind) in self.types.items()
                                      if kind == "text" and many and f not in self.values)
        self._fields: dict[str, Any] = {}
        self.parse: dict[Kind, Callable[[str], Any]] = {
            "text": str, "int": int, "number": self._number, "bool": self._bool,
            "date": self._date, "json": json.loads}

    def field(self, column: str) -> str | None:
        """The client field of a column (facts.NAME for a custom fact), None if ignored."""
        return None if column in self.ignored else self.mapping.field(column)

    def client(self, cells: Iterable[tuple[str, Any]]) -> dict[str, Any]:
        """Client data from (column, cell) pairs; custom facts go under "facts"."""
        data: dict[str, Any] = {}
        known = self._fields  # column -> its field, for the columns met so far (bounded)
        for column, cell in cells:
            name = known.get(column, MISSING)
            if name is MISSING:
                name = self.field(column)
                if len(known) < MAX_COLUMNS:
                    known[column] = name
            if name is None or cell is None:
                continue
            if not name.startswith("facts"):
                kind = type(cell)
                if kind in _TYPED:
                    data[name] = cell  # a number or true/false, as JSON and Parquet give them
                    continue
                if kind is str and name in self._plain_text:  # text as it is, trimmed
                    text = cell.strip()
                    if text:
                        data[name] = text
                    continue
                if kind is list and name in self._plain_lists:
                    data[name] = [p.strip() if type(p) is str else p for p in cell]
                    continue
            value = self.value(name, cell)
            if value is MISSING:
                continue
            if name == "facts" and isinstance(value, dict):
                facts = data.setdefault("facts", {})
                typed = {k: self.value(f"facts.{k}", v) for k, v in value.items()}
                facts.update({k: v for k, v in typed.items() if v is not MISSING})
            elif name.startswith("facts."):
                data.setdefault("facts", {})[name.removeprefix("facts.")] = value
            else:
                data[name] = value
        return data

    def value(self, field: str, cell: Any) -> Any:
        """One cell, mapped and typed; MISSING for an empty cell."""
        if cell is None:
            return MISSING
        many, kind = self.types.get(field, (False, "text"))
        if isinstance(cell, str):
            if not cell.strip():
                return MISSING
            if many and kind != "json":
                sep = self.mapping.list_separator
                return [self._typed(field, kind, p) for p in cell.split(sep) if p.strip()]
            return self._typed(field, kind, cell)
        if many and isinstance(cell, list):
            return [self._typed(field, kind, p) for p in cell]
        return cell  # typed already (JSON, Parquet): a number, a mapping, a list

    def _typed(self, field: str, kind: Kind, cell: Any) -> Any:
        if not isinstance(cell, str):
            return cell
        text = cell.strip()
        values = self.values.get(field)
        mapped = values.get(text.casefold(), text) if values else text
        if not isinstance(mapped, str) or kind == "text":
            return mapped
        try:
            return self.parse[kind](mapped)
        except ValueError:
            return mapped

    def _number(self, text: str) -> float:
        text = text.replace(" ", "").replace("\u00a0", "")
        return float(text.replace(",", ".") if self.mapping.decimal_comma else text)

    def _bool(self, text: str) -> bool | str:
        folded = text.casefold()
        if folded in (v.casefold() for v in self.mapping.true_values):
            return True
        if folded in (v.casefold() for v in self.mapping.false_values):
            return False
        return text

    def _date(self, text: str) -> dt.date:
        if (self.mapping.date_format == "%Y-%m-%d" and len(text) == 10 and text[4] == "-"
                and text[7] == "-" and text.isascii()):  # ISO: what strptime gives, faster
            return dt.date.fromisoformat(text)
        return dt.datetime.strptime(text, self.mapping.date_format).date()
