"""The OpenAPI document of the service, built on the schemas ``playbook schema`` prints.

The client, recommendation, batch and error documents are the very JSON Schemas of
``playbook schema client|recommendation|batch|errors`` (written for the knowledge base the server
loaded: its facts, steps and services), their ``$defs`` moved under ``components/schemas`` and
their references pointed there. Routes name them by reference: ``ref("Client")``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from engine.kb.knowledge_base import KnowledgeBase
from engine.tools.schemas import schema
from engine.version import __version__

# kind of `playbook schema` -> the name of its document in components/schemas
DOCUMENTS = {"recommendation": "RecommendationDocument", "batch": "BatchDocument",
             "errors": "ErrorDocument"}
JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def body(name: str, description: str, *, many: bool = False) -> dict[str, Any]:
    """An ``openapi_extra`` naming a request body of a product schema."""
    found = {"type": "array", "items": ref(name)} if many else ref(name)
    return {"requestBody": {"required": True, "description": description,
                            "content": {JSON: {"schema": found}}}}


def answers(ok: str | None, *errors: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` of a route: 200 with a product document (or any JSON), and the error
    document for each status in ``errors``."""
    out: dict[int | str, dict[str, Any]] = {
        200: {"description": "OK", "content": {JSON: {"schema": ref(ok) if ok else {}}}}}
    for status in errors:
        out[status] = {"description": _WHY.get(status, "error"),
                       "content": {JSON: {"schema": ref("ErrorDocument")}}}
    return out


_WHY = {400: "the request is wrong (a parameter, the body's syntax)",
        401: "no valid API token", 403: "the webhook is not from the CRM configured",
        404: "not found", 413: "the body or the batch is too large",
        422: "the client's facts are wrong", 503: "the knowledge base is still loading"}


CRM_RECORD = {
    "type": "object", "title": "CRM record", "description": (
        "a CRM record: column -> cell, as one row of `playbook run`'s input, mapped by the "
        "server's mapping file (columns the mapping does not rename keep their name)"),
    "additionalProperties": {"anyOf": [{"type": ["string", "number", "boolean", "null"]},
                                       {"type": "array", "items": {"type": "string"}}]}}


def components(kb: KnowledgeBase | None) -> dict[str, Any]:
    """The product's schemas, with their definitions, as OpenAPI components."""
    found: dict[str, Any] = {"CrmRecord": CRM_RECORD}
    for kind, name in [("client", None), *DOCUMENTS.items()]:
        generated = schema(kind, kb)
        for key, definition in generated.get("$defs", {}).items():
            found[key] = _pointed(definition)
        if name is not None:
            found[name] = _pointed({k: v for k, v in generated.items()
                                    if k not in ("$defs", "$schema")})
    return found


def _pointed(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref"
                    and isinstance(v, str) else _pointed(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_pointed(v) for v in node]
    return node


def document(app: FastAPI, kb: KnowledgeBase | None) -> dict[str, Any]:
    made = get_openapi(title="playbook-engine", version=__version__, routes=app.routes,
                       description=app.description)
    made.setdefault("components", {}).setdefault("schemas", {}).update(components(kb))
    schemas = made["components"]["schemas"]
    for problem in ("HTTPValidationError", "ValidationError"):  # FastAPI's shape: never sent
        schemas.pop(problem, None)
    for path in made.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            if "HTTPValidationError" in str(responses.get("422", "")):
                del responses["422"]
    return made
