"""JSON Schemas written for one knowledge base: its fact names (each with its own operators and
values), step ids, playbook entry ids, services and project types, so an editor completes them
and flags a name the knowledge base does not have. ``playbook schema --write DIR`` writes them;
after adding a fact, step or entry, write them again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.language.fact_types import FactType

if TYPE_CHECKING:
    from engine.kb.knowledge_base import KnowledgeBase

THRESHOLD_REF = {"type": "string", "pattern": r"^\$[a-z][a-z0-9_]*$",
                 "description": "$NAME of a threshold"}
PLAIN = {"bool": {"type": "boolean"}, "int": {"type": "integer"}, "number": {"type": "number"},
         "text": {"type": "string"}, "date": {"type": "string", "format": "date"}}


def specialise(generated: dict[str, Any], kb: KnowledgeBase) -> dict[str, Any]:
    """``generated`` (a kind's generic schema) narrowed to the names of ``kb``."""
    defs = generated.get("$defs", {})
    steps = sorted({s for j in kb.journeys.values() for s in j.step_ids})
    if "Condition" in defs:
        condition = defs["Condition"]
        facts = {name: fact_schema(name, kb.facts[name]) for name in sorted(kb.facts)}
        condition["properties"].update(facts)
        condition["propertyNames"] = {"enum": ["all", "any", "not", *facts]}
    if "ActionSpec" in defs:
        spec = defs["ActionSpec"]["properties"]
        for kind in ("next_step", "upsell"):
            spec[kind] = {"enum": steps, "description": "a step of a journey map"}
        spec["communication"] = {"enum": sorted(kb.playbook), "description": "a playbook entry"}
    if "Client" in defs:
        client = defs["Client"]["properties"]
        client["completed_steps"] = {"type": "array", "items": {"enum": steps}}
        client["services"] = {"anyOf": [{"type": "array", "items": {"enum": sorted(kb.services)}},
                                        {"type": "null"}]}
        client["project_type"] = {"anyOf": [{"enum": sorted(kb.journeys)}, {"type": "null"}]}
        client["main_channel"] = {"anyOf": [{"enum": sorted(kb.services)}, {"type": "null"}]}
        custom = {name.removeprefix("facts."): _client_value(kb.facts[name])
                  for name in sorted(kb.facts) if name.startswith("facts.")}
        client["facts"] = {"type": "object", "properties": custom, "additionalProperties": False,
                           "default": {}, "description": "the custom facts the knowledge base "
                           "declares"}
    return generated


def _client_value(fact: FactType) -> dict[str, Any]:
    """A custom fact's value in a client file (no $NAME of a threshold there)."""
    if fact.kind == "list":
        return {"type": "array", "items": _client_value(fact.item) if fact.item else {}}
    if fact.kind in ("int", "number"):
        return PLAIN[fact.kind]
    return _value(fact)


def fact_schema(name: str, fact: FactType) -> dict[str, Any]:
    """A fact's value, or ``{operator: value}`` with the operators its type allows."""
    value = _value(fact)
    item = _value(fact.item) if fact.item is not None else {"type": ["string", "number"]}
    number = {"anyOf": [{"type": "number"}, THRESHOLD_REF]}
    by_operator = {
        "eq": value, "ne": value, "lt": number, "lte": number, "gt": number, "gte": number,
        "between": {"type": "array", "items": number, "minItems": 2, "maxItems": 2},
        "one_of": {"type": "array", "items": value, "minItems": 1},
        "none_of": {"type": "array", "items": value, "minItems": 1},
        "includes": item, "excludes": item,
        "exists": {"const": True}, "missing": {"const": True},
    }
    operators = {op: by_operator[op] for op in sorted(fact.operators)}
    return {"description": f"{name}: {fact.describe()}",
            "anyOf": [value, {"type": "object", "minProperties": 1, "properties": operators,
                              "additionalProperties": False}]}


def _value(fact: FactType) -> dict[str, Any]:
    if fact.kind == "enum":
        return {"enum": list(fact.values)}
    if fact.kind == "list":
        return {"type": "array", "items": _value(fact.item) if fact.item else {}}
    if fact.kind in ("int", "number"):
        return {"anyOf": [PLAIN[fact.kind], THRESHOLD_REF]}
    return PLAIN[fact.kind]
