"""Client facts in: from dicts and files, checked against the model and the knowledge base."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from engine.errors import ClientError, Diagnostic, Location, did_you_mean, one_of, quoted, shown
from engine.kb.index import MEMO_SIZE  # (fact, type, value) checks kept; more: start again
from engine.kb.knowledge_base import KnowledgeBase
from engine.kb.model_errors import diagnostics
from engine.kb.source import read
from engine.language.document import Document, PathKey
from engine.language.fact_types import FactType
from engine.models import Client


def coerce(client: Client | Mapping[str, Any], kb: KnowledgeBase,
           doc: Document | None = None, key: PathKey = ()) -> Client:
    """A valid Client for this knowledge base, or ClientError naming every bad field."""
    if isinstance(client, Client) and _plainly_known(client, kb):
        return client  # the common case: a client the caller has already made
    doc = doc or Document("client", None)
    if not isinstance(client, Client):
        if not isinstance(client, Mapping):
            raise ClientError([Diagnostic("bad-client", f"expected a mapping of client facts, "
                                          f"got {type(client).__name__}", doc.loc(key))])
        data = client
        try:
            client = Client.model_validate(data)
        except ValidationError as exc:
            raise ClientError(diagnostics(exc, Client, doc, key, data=data)
                              + _rest_against_kb(data, exc, kb, doc, key)) from None
    problems = list(check_against_kb(client, kb, doc, key))
    if problems:
        raise ClientError(problems)
    return client


def _rest_against_kb(data: Mapping[str, Any], exc: ValidationError, kb: KnowledgeBase,
                     doc: Document, key: PathKey) -> list[Diagnostic]:
    """The knowledge base's mistakes in the fields the model did not refuse: with those the
    model refused, every bad field of the client is named at once."""
    refused = {err["loc"][0] for err in exc.errors() if err["loc"]}
    rest = {k: v for k, v in data.items() if k not in refused}
    if "id" not in rest:
        rest["id"] = "?"
    try:
        return check_against_kb(Client.model_validate(rest), kb, doc, key)
    except ValidationError:
        return []


def check_against_kb(client: Client, kb: KnowledgeBase, doc: Document,
                     key: PathKey = ()) -> list[Diagnostic]:
    """Values the knowledge base does not know: project type, services, steps, custom facts."""
    if _plainly_known(client, kb):
        return []
    problems: list[Diagnostic] = []

    def unknown(field: tuple[str | int, ...], value: str, known: Collection[str],
                what: str) -> None:
        if value not in known:
            problems.append(Diagnostic(
                "unknown-value", f"{'.'.join(map(str, field))}: unknown {what} {quoted(value)}",
                doc.loc((*key, *field)), expected=one_of(sorted(known)),
                hint=did_you_mean(value, known)))

    if client.project_type is not None:
        unknown(("project_type",), client.project_type, kb.journeys.keys(), "project type")
    for i, service in enumerate(client.services or ()):
        unknown(("services", i), service, kb.services, "service")
    if client.main_channel is not None:
        unknown(("main_channel",), client.main_channel, kb.services, "service")
    for i, step in enumerate(client.completed_steps):  # a step of another journey is a note
        unknown(("completed_steps", i), step, kb.index.all_steps, "journey step")
    for name, value in client.facts.items():
        problems.extend(_custom_fact(name, value, kb, doc, (*key, "facts", name)))
    return problems


def _plainly_known(client: Client, kb: KnowledgeBase) -> bool:
    """The fast path: every value is known, every custom fact declared and of its type."""
    if client.project_type is not None and client.project_type not in kb.journeys:
        return False
    return (kb.services.issuperset(client.services or ())
            and (client.main_channel is None or client.main_channel in kb.services)
            and kb.index.all_steps.issuperset(client.completed_steps)
            and _facts_fit(client.facts, kb))


_REMEMBERED = (bool, int, float, str)  # values a fact is checked for once (short texts only)


def _facts_fit(facts: Mapping[str, Any], kb: KnowledgeBase) -> bool:
    """Every custom fact is declared and its value of the declared type; a scalar value of a
    fact is checked once per knowledge base (portfolios repeat the same few values)."""
    memo = kb.index.memo.facts
    for name, value in facts.items():
        kind = type(value)
        if kind not in _REMEMBERED or (kind is str and len(value) > 64):
            if not _fits(kb.facts.get(f"facts.{name}"), value):
                return False
            continue
        key = (name, kind, value)
        found = memo.get(key)
        if found is None:
            found = _fits(kb.facts.get(f"facts.{name}"), value)
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = found
        if not found:
            return False
    return True


def _fits(ftype: FactType | None, value: Any) -> bool:
    """A custom fact's value is of its declared type (None: not declared)."""
    if ftype is None:
        return False
    if ftype.kind == "list":
        return isinstance(value, list) and all(map(ftype.accepts, value))
    return not isinstance(value, list) and ftype.accepts(value)


def _custom_fact(name: str, value: Any, kb: KnowledgeBase, doc: Document,
                 key: PathKey) -> list[Diagnostic]:
    ftype = kb.facts.get(f"facts.{name}")
    if ftype is None:
        declared = [n.removeprefix("facts.") for n in kb.facts if n.startswith("facts.")]
        return [Diagnostic("unknown-fact", f"facts.{quoted(name)[1:-1]}: the knowledge base "
                           f"declares no fact {quoted(name)}", doc.loc(key),
                           expected=one_of(declared) if declared else "no custom facts",
                           hint=did_you_mean(name, declared))]
    if not _fits(ftype, value):
        return [Diagnostic("bad-value", f"facts.{name}: {shown(value)} is not {ftype.describe()}",
                           doc.loc(key), expected=ftype.describe())]
    return []


class ClientItem(NamedTuple):
    """One client of a client file: the client, or the problems that kept it out."""

    client: Client | None
    location: Location
    client_id: str | None  # as written, even when the client is bad
    problems: list[Diagnostic]


def read_items(path: Path, kb: KnowledgeBase) -> tuple[list[ClientItem], list[Diagnostic]]:
    """Every client in a YAML or JSON file (one mapping, or a list of them), each with where it
    is written; the problems of the file as a whole apart."""
    doc, problems = read(path)
    if problems:
        return [], problems
    items = doc.data if isinstance(doc.data, list) else [doc.data]
    found: list[ClientItem] = []
    for i, item in enumerate(items):
        key: PathKey = (i,) if isinstance(doc.data, list) else ()
        written = item.get("id") if isinstance(item, Mapping) else None
        client_id = written if isinstance(written, str) else None
        try:
            found.append(ClientItem(coerce(item, kb, doc, key), doc.loc(key), client_id, []))
        except ClientError as exc:
            found.append(ClientItem(None, doc.loc(key), client_id, list(exc.diagnostics)))
    return found, []


def read_clients(path: Path, kb: KnowledgeBase) -> tuple[list[Client], list[Diagnostic]]:
    """Every good client in a YAML or JSON file, and the problems of the others."""
    items, problems = read_items(path, kb)
    return ([i.client for i in items if i.client is not None],
            problems + [p for i in items for p in i.problems])
