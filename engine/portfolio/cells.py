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
        self.parse: dict[Kind, Callable[[str], Any]] = {
            "text": str, "int": int, "number": self._number, "bool": self._bool,
            "date": self._date, "json": json.loads}

    def field(self, column: str) -> str | None:
        """The client field of a column (facts.NAME for a custom fact), None if ignored."""
        return None if column in self.ignored else self.mapping.field(column)

    def client(self, cells: Iterable[tuple[str, Any]]) -> dict[str, Any]:
        """Client data from (column, cell) pairs; custom facts go under "facts"."""
        data: dict[str, Any] = {}
        for column, cell in cells:
            name = self.field(column)
            if name is None:
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
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return MISSING
        many, kind = self.types.get(field, (False, "text"))
        if many and isinstance(cell, str) and kind != "json":
            sep = self.mapping.list_separator
            return [self._typed(field, kind, p) for p in cell.split(sep) if p.strip()]
        if many and isinstance(cell, list):
            return [self._typed(field, kind, p) for p in cell]
        return self._typed(field, kind, cell)

    def _typed(self, field: str, kind: Kind, cell: Any) -> Any:
        if not isinstance(cell, str):
            return cell
        text = cell.strip()
        mapped = self.values.get(field, {}).get(text.casefold(), text)
        if not isinstance(mapped, str):
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
        return dt.datetime.strptime(text, self.mapping.date_format).date()
