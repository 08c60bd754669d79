"""Turn pydantic validation errors into located diagnostics with expectations and hints."""

from __future__ import annotations

import dataclasses
import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from engine.errors import Diagnostic, Location, did_you_mean, one_of, quoted, shown
from engine.language.document import Document, PathKey
from engine.vocabulary import LANGUAGES


def diagnostics(exc: ValidationError, model: type[BaseModel], doc: Document,
                prefix: PathKey = (), data: Any = None) -> list[Diagnostic]:
    """One diagnostic per mistake: the branches of a union that all refused one value make one
    error, and a key indented under its neighbour is reported where it stands, once. ``data``
    is what was validated (default: found in ``doc``)."""
    data = _at(doc.data, prefix) if data is None else data
    found: dict[tuple[Location | None, str], Diagnostic] = {}
    for err in exc.errors(include_url=False):
        diagnostic = _misplaced(err, doc, prefix) or _one(err, model, doc, prefix, data)
        # one mistake per place and field: where nothing was located (a dict, not a file),
        # each field keeps its own
        where = (diagnostic.location, _field_of(err, data, doc))
        earlier = found.get(where)
        if earlier is None:
            found[where] = diagnostic
        elif earlier.code == diagnostic.code == "bad-value":
            found[where] = _either(earlier, diagnostic)
        elif diagnostic.code == "misplaced-key":  # it explains the unknown key found there
            found[where] = diagnostic
    return list(found.values())


def _field_of(err: Any, data: Any, doc: Document) -> str:
    """The field an error is about, where the document does not tell fields apart by place."""
    if doc.marks or doc.locate is not None:
        return ""
    return ".".join(str(p) for p in _real_path(tuple(err["loc"]), data))


def _either(first: Diagnostic, second: Diagnostic) -> Diagnostic:
    """Two refusals of one value (int or number, say) as one message."""
    head, _, got = first.message.rpartition("; got ")
    other = second.message.rpartition("; got ")[0].partition(": ")[2]
    return dataclasses.replace(first, message=f"{head} or {other.removeprefix('Input should be ')}"
                                              f"; got {got}")


def _misplaced(err: Any, doc: Document, prefix: PathKey) -> Diagnostic | None:
    """A missing key that stands, one level too deep, inside a sibling's mapping."""
    if err["type"] != "missing":
        return None
    loc: PathKey = (*prefix, *(p for p in err["loc"] if not _is_branch_tag(p)))
    parent, name = loc[:-1], loc[-1]
    data = _at(doc.data, parent)
    if not isinstance(data, dict):
        return None
    for sibling, value in data.items():
        if isinstance(value, dict) and name in value and (*parent, sibling) in doc.marks:
            line, col = doc.marks[(*parent, sibling)]
            return Diagnostic(
                "misplaced-key", f"'{name}' is indented under '{sibling}'",
                doc.loc((*parent, sibling, name)),
                expected=f"'{name}' at column {col}, lined up with '{sibling}' on line {line}",
                hint=f"move '{name}' left to column {col}, with what belongs to it")
    return None



def _at(data: Any, key: PathKey) -> Any:
    for part in key:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _one(err: Any, model: type[BaseModel], doc: Document, prefix: PathKey,
         data: Any) -> Diagnostic:
    loc = _real_path(tuple(err["loc"]), data)
    where = doc.loc((*prefix, *loc))
    name = loc[-1] if loc else ""
    if err["type"] == "extra_forbidden":
        allowed = sorted(_fields_at(model, loc[:-1]))
        return Diagnostic("unknown-key", f"unknown key {quoted(name)}", where,
                          expected=one_of(allowed), hint=did_you_mean(name, allowed))
    if err["type"] == "missing":
        if name in LANGUAGES:
            return Diagnostic("missing-translation", f"missing the '{name}' text", where,
                              expected="a text in every language: en and ru")
        return Diagnostic("missing-key", f"missing required key {quoted(name)}", where)
    field = ".".join(str(p) for p in loc) or "document"
    choices = _literal_choices(model, loc)
    got = err.get("input")
    return Diagnostic("bad-value", f"{field}: {_message(err)}; got {shown(got)}"[:300], where,
                      expected=one_of(choices) if choices else None,
                      hint=did_you_mean(got, choices))


def _message(err: Any) -> str:
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def _real_path(loc: PathKey, data: Any) -> PathKey:
    """The error's path in the data: pydantic also names union branches in locations (``int``,
    ``literal['a']``); they are dropped unless the data has a key of that name there."""
    out: list[str | int] = []
    for part in loc:
        if _has(data, part):
            data = data[part]
        elif _is_branch_tag(part):
            continue
        else:
            data = None
        out.append(part)
    return tuple(out)


def _has(data: Any, part: str | int) -> bool:
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _is_branch_tag(part: object) -> bool:
    return isinstance(part, str) and ("[" in part or part in (
        "int", "float", "str", "bool", "date", "list", "dict", "none", "function-after"))


def _resolve(annotation: Any, loc: PathKey) -> Any:
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        elif get_origin(annotation) in (list, dict):
            annotation = get_args(annotation)[-1]
        else:
            return None
    return _unwrap(annotation)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    while hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
        annotation = _unwrap(annotation)
    return annotation


def _fields_at(model: type[BaseModel], loc: PathKey) -> list[str]:
    target = _resolve(model, loc)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return list(target.model_fields)
    return []


def _literal_choices(model: type[BaseModel], loc: PathKey) -> list[str]:
    target = _resolve(model, loc)
    if get_origin(target) is list:
        target = _unwrap(get_args(target)[0])
    if get_origin(target) is Literal:
        return [str(a) for a in get_args(target)]
    return []
