"""CRM cells -> typed client facts: columns renamed and values mapped by the mapping file, then
text typed by the client model's field types (custom facts by the knowledge base's types).

A table (CSV, Parquet) is read through a ``Table`` (engine/portfolio/table.py) made once from
its header, with one converter per column (``Cells.converter``). A cell that cannot be
read (a date not in the column's format, a number that is none, a value the field does not
have) is a located error naming the column, the cell and what was expected; the row's other
cells are still checked. Records of JSON and YAML files go through ``Cells.client``: a value
that cannot be typed is left as written, so the client's validation names it. An empty cell is
a missing fact.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import types
from collections.abc import Callable, Iterable
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from engine.errors import did_you_mean, one_of, shown
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.portfolio.mapping import Column, Mapping, allowed_values
from engine.runtime.crm import crm_link

Kind = Literal["text", "int", "number", "bool", "date", "json"]
FieldType = tuple[bool, Kind]  # (a list?, the kind of the value or of each item)
MISSING: Any = object()
Convert = Callable[[Any], Any]  # a cell -> its value, or MISSING; raises BadCell
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
# dates as CRMs and spreadsheets write them; a hint names the one a cell is written in
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y",
                "%d-%m-%Y")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009\u200a']")  # thousands separators
_MONEY = re.compile(r"^(?:₽|руб\.?|р\.|rub|usd|eur|\$|€)|(?:₽|руб\.?|р\.|rub|usd|eur|\$|€)$",
                    re.IGNORECASE)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


class BadCell(ValueError):
    """A cell that cannot be read as its field's value."""

    def __init__(self, message: str, expected: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message, self.expected, self.hint = message, expected, hint


def number(text: str, decimal_comma: bool) -> float:
    """``1 234 567,5`` (any space-like thousands separator), ``180 000,00 ₽``, ``1,234.5``."""
    t = _SPACES.sub("", _MONEY.sub("", text.strip()).strip())
    if decimal_comma:
        t = t.replace(".", "").replace(",", ".") if "," in t else t
    elif _THOUSANDS.match(t):
        t = t.replace(",", "")
    return float(t)


def whole(text: str, decimal_comma: bool) -> int:
    try:
        return int(text.strip())
    except ValueError:
        value = number(text, decimal_comma)
    if not value.is_integer():
        raise ValueError(f"{value} is not a whole number")
    return int(value)


@functools.lru_cache(maxsize=4096)  # an export's dates repeat: each text read once
def date(text: str, fmt: str) -> dt.date:
    """A date written ``fmt``; a date-time cell for a date field is read as its date."""
    if (fmt == "%Y-%m-%d" and len(text) == 10 and text[4] == "-" and text[7] == "-"
            and text.isascii()):  # ISO: what strptime gives, faster
        return dt.date.fromisoformat(text)
    head = text.replace("T", " ").split(" ", 1)[0]
    for value, form in ((text, fmt), (head, fmt), (text, fmt.split(" ", 1)[0]),
                        (head, fmt.split(" ", 1)[0])):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError(f"not a date written {fmt}")


def date_format_of(text: str) -> str | None:
    """The format (of DATE_FORMATS) a cell is written in, if any."""
    for form in DATE_FORMATS:
        try:
            dt.datetime.strptime(text.strip(), form)
        except ValueError:
            continue
        return form
    return None


class Cells:
    """Turns CRM records (column -> cell) into client data, for one mapping and KB."""

    def __init__(self, mapping: Mapping, kb: KnowledgeBase, strict_columns: bool = False
                 ) -> None:
        self.mapping, self.kb, self.strict_columns = mapping, kb, strict_columns
        self.types = dict(CLIENT_TYPES)
        for name, ftype in kb.facts.items():
            if name.startswith("facts."):
                item = ftype.item if ftype.kind == "list" and ftype.item else ftype
                self.types[name] = (ftype.kind == "list", FACT_KINDS.get(item.kind, "text"))
        self.values = {f: mapping.value_map(f) for f in mapping.values}
        self.ignored = frozenset(mapping.ignore) | mapping.kpi_columns()
        # fields of text (or lists of text) that no value map changes: taken as they are
        self._plain_text = frozenset(f for f, (many, kind) in self.types.items()
                                     if kind == "text" and not many and f not in self.values)
        self._plain_lists = frozenset(f for f, (many, kind) in self.types.items()
                                      if kind == "text" and many and f not in self.values)
        # lists of numbers, dates or true/false: a list whose items are all typed is as it is
        self._scalar_lists = frozenset(f for f, (many, kind) in self.types.items()
                                       if many and kind not in ("text", "json"))
        self._loose: dict[str, tuple[str, Convert] | None] = {}
        self._loose_facts: dict[str, Convert | None] = {}  # fact name -> its converter, if typed
        self.left_out: dict[str, tuple[str, ...]] = {}  # source -> columns no field reads

    def field(self, column: str) -> str | None:
        """The client field of a column (facts.NAME for a custom fact), None if ignored."""
        return None if column in self.ignored else self.mapping.field(column)

    def known(self, column: str) -> bool:
        """Whether a column holds a client field (or is ignored or read by a KPI)."""
        name = self.field(column)
        return name is None or name in Client.model_fields or name.startswith("facts.")

    def client(self, cells: Iterable[tuple[str, Any]]) -> dict[str, Any]:
        """Client data from (column, cell) pairs; custom facts go under "facts"."""
        data: dict[str, Any] = {}
        known = self._loose  # column -> its field and converter, for the columns met so far
        for column, cell in cells:
            found = known.get(column, MISSING)
            if found is MISSING:
                name = self.field(column)
                found = None if name is None else (name, self.converter(column, strict=False))
                if len(known) < MAX_COLUMNS:  # bounded: a file of ever new keys
                    known[column] = found
            if found is None or cell is None:
                continue
            name, convert = found
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
                    try:  # texts, each trimmed once (the empty ones left out)
                        data[name] = [t for t in map(str.strip, cell) if t]
                    except TypeError:  # an item that is no text: as it is
                        data[name] = [p.strip() if isinstance(p, str) else p for p in cell
                                      if not isinstance(p, str) or p.strip()]
                    continue
                if kind is list and name in self._scalar_lists and all(
                        type(p) in _TYPED for p in cell):
                    data[name] = list(cell)  # numbers as JSON gives them: as they are
                    continue
            elif name == "facts" and type(cell) is dict:  # custom facts as JSON gives them
                put(data, name, cell, self)
                continue
            value = convert(cell)
            if value is not MISSING:
                put(data, name, value, self)
        self.link(data)
        return data

    def link(self, data: dict[str, Any]) -> None:
        """The CRM link of the mapping's template, for a client without one."""
        template = self.mapping.crm_url
        client_id = data.get("id")
        if template and "crm_url" not in data and isinstance(client_id, str):
            crm_id = data.get("crm_id")
            found = crm_link(template, client_id, crm_id if isinstance(crm_id, str) else None)
            if found:
                data["crm_url"] = found

    def fact_converter(self, name: str) -> Convert | None:
        """The lenient converter of custom fact ``name`` inside a "facts" cell (None: a fact
        the knowledge base does not type, taken as it is), made once per name."""
        if name in self._loose_facts:
            return self._loose_facts[name]
        column = f"facts.{name}"
        found = self.converter(column, strict=False) if column in self.types else None
        if len(self._loose_facts) < MAX_COLUMNS:  # bounded: a file of ever new keys
            self._loose_facts[name] = found
        return found

    def converter(self, column: str, strict: bool = True) -> Convert:
        """A column's cells -> its field's values. ``strict``: a cell that cannot be read
        raises BadCell (else it is left as written)."""
        spec = self.mapping.column(column)
        many, kind = self.types.get(spec.field, (False, "text"))
        item = self._item(spec, kind, strict)
        sep = spec.list_separator or ";"

        def convert(cell: Any) -> Any:
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                return MISSING
            if many and kind != "json" and isinstance(cell, str | list):
                parts = cell.split(sep) if isinstance(cell, str) else cell
                out: list[Any] = []
                for part in parts:
                    if isinstance(part, str) and not part.strip():
                        continue
                    value = item(part)
                    out.extend(value if isinstance(value, list) else [value])
                return out
            return item(cell)

        return convert

    def _item(self, spec: Column, kind: Kind, strict: bool) -> Convert:
        """One value (or list item) of a column."""
        values = self.values.get(spec.field, {})
        allowed = allowed_values(self.kb, spec.field) if strict else ()
        parse = self._parser(spec, kind)

        def item(cell: Any) -> Any:
            if not isinstance(cell, str):
                return cell
            text = cell.strip()
            mapped = values.get(text.casefold(), text) if values else text
            if not isinstance(mapped, str):
                return mapped
            try:
                value = parse(mapped)
            except (ValueError, OverflowError):
                if strict:
                    raise self._bad(spec, kind, mapped) from None
                return mapped
            if allowed and value not in allowed:
                raise BadCell(f"{shown(text)} is not a value of {spec.field}",
                              expected=one_of(allowed),
                              hint=did_you_mean(value, allowed) or (
                                  f"map it in the mapping file: values: {{{spec.field}: "
                                  f"{{{text}: VALUE}}}}"))
            return value

        return item

    def _parser(self, spec: Column, kind: Kind) -> Callable[[str], Any]:
        comma = bool(spec.decimal_comma)
        fmt = spec.date_format or "%Y-%m-%d"
        parsers: dict[Kind, Callable[[str], Any]] = {
            "text": str, "int": lambda t: whole(t, comma), "number": lambda t: number(t, comma),
            "bool": self._bool, "date": lambda t: date(t, fmt), "json": json.loads}
        return parsers[kind]

    def _bool(self, text: str) -> bool:
        folded = text.casefold()
        if folded in (v.casefold() for v in self.mapping.true_values):
            return True
        if folded in (v.casefold() for v in self.mapping.false_values):
            return False
        raise ValueError(text)

    def _bad(self, spec: Column, kind: Kind, text: str) -> BadCell:
        if kind == "date":
            fmt = spec.date_format or "%Y-%m-%d"
            seen = date_format_of(text)
            return BadCell(f"{shown(text)} is not a date written {fmt}",
                           expected=f"a date as {fmt}, e.g. {dt.date(2026, 12, 31):{fmt}}",
                           hint=(f"it is written {seen}: set date_format: \"{seen}\" (for the "
                                 f"file, or for this column: {{field: {spec.field}, "
                                 f"date_format: \"{seen}\"}})") if seen else None)
        if kind == "bool":
            return BadCell(f"{shown(text)} is neither true nor false",
                           expected="one of " + ", ".join(
                               [*self.mapping.true_values, *self.mapping.false_values]),
                           hint="add it to true_values or false_values in the mapping file")
        what = {"int": "a whole number", "number": "a number", "json": "JSON"}.get(kind, kind)
        hint = None
        if kind in ("int", "number") and "," in text and not spec.decimal_comma:
            hint = "numbers written 1 234,5 need decimal_comma: true in the mapping file"
        return BadCell(f"{shown(text)} is not {what}", expected=what, hint=hint)


def put(data: dict[str, Any], name: str, value: Any, cells: Cells) -> None:
    """A field's value into client data; custom facts under "facts"."""
    if name == "facts" and isinstance(value, dict):
        facts = data.setdefault("facts", {})
        for k, v in value.items():
            if type(v) in _TYPED:  # a number or true/false as JSON gives it: as it is
                facts[k] = v
                continue
            convert = cells.fact_converter(k)
            typed = v if convert is None else convert(v)
            if typed is not MISSING:
                facts[k] = typed
    elif name.startswith("facts."):
        data.setdefault("facts", {})[name.removeprefix("facts.")] = value
    else:
        data[name] = value
