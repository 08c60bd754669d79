"""The published contract of the JSON the CLI prints, as pydantic models.

``playbook schema recommendation`` and ``playbook schema errors`` print their JSON Schemas
(schemas/recommendation.schema.json, schemas/errors.schema.json). Every JSON document the CLI
prints starts with ``format_version`` (this contract's version: raised when a field is removed
or changes meaning, not when one is added) and ``engine_version``. Errors that stop a command
(a knowledge-base mistake, an unknown rule) come as an object with an ``errors`` list, never in
the shape of a result.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from engine.models import Action, Model, Recommendation
from engine.version import __version__ as ENGINE_VERSION

FORMAT_VERSION = "2"  # 2: a held item is {kind, id, ...} (a step or a playbook entry)
FormatVersion = Literal["2"]


def json_header() -> dict[str, str]:
    """The first keys of every JSON document the CLI prints."""
    return {"format_version": FORMAT_VERSION, "engine_version": ENGINE_VERSION}


class DiagnosticOut(Model):
    """A mistake: ``path:line:col: error[code] message`` as data."""

    severity: Literal["error", "warning"]
    code: str
    message: str
    field: str | None = Field(description=(
        "the field the mistake is about (a client's fact such as `nps` or `facts.x`, a key, a "
        "CRM column, a request's parameter or body field), when it is about one"))
    path: str | None
    line: int | None
    col: int | None
    expected: str | None
    hint: str | None


class GroupedAction(Action):
    group: Annotated[int, Field(ge=1, description=(
        "the row this action is shown in: actions of one recommendation with the same group "
        "are one piece of advice (one reason; the journey's own next steps; the guides on how "
        "to talk to the contact)"))]


class RecommendationOut(Recommendation):
    actions: list[GroupedAction]  # type: ignore[assignment]
    explanation: dict[str, Any] | None = Field(
        default=None, description="with --explain: the explanation of `playbook explain`")


class FailedClient(Model):
    """A client (or a whole client file) that got no recommendation, and why."""

    path: str
    client_id: str | None
    errors: Annotated[list[DiagnosticOut], Field(min_length=1)]


class RecommendationDocument(Model):
    """``playbook dry-run --format json``."""

    format_version: FormatVersion
    engine_version: str
    recommendations: list[RecommendationOut]
    failed: list[FailedClient]


class BatchResult(Model):
    """One client of a batch, in its place: its recommendation, or the errors that kept it
    from getting one."""

    index: Annotated[int, Field(ge=0, description="the client's position in the request")]
    client_id: str | None
    recommendation: RecommendationOut | None
    errors: list[DiagnosticOut]


class BatchDocument(Model):
    """``POST /v1/recommend/batch`` of ``playbook serve``: one result per client, in the
    request's order."""

    format_version: FormatVersion
    engine_version: str
    results: list[BatchResult]


class ErrorDocument(Model):
    """What any command prints with ``--format json`` when a mistake stops it."""

    format_version: FormatVersion
    engine_version: str
    errors: Annotated[list[DiagnosticOut], Field(min_length=1)]
