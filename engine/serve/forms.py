"""What the CRMs post: ``application/x-www-form-urlencoded`` bodies with PHP-style nested keys
(``leads[status][0][custom_fields][0][values][0][value]=...``), read into nested data.

A key's brackets become levels: ``a[b][0][c]=1`` is ``{"a": {"b": [{"c": "1"}]}}``; a level whose
keys are all whole numbers becomes a list in the order of those numbers. Reading is bounded: the
number of fields, a key's depth and a list index.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

MAX_FIELDS = 5000
MAX_DEPTH = 8
MAX_INDEX = 1000
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


class FormError(ValueError):
    """A body that is not such a form, or beyond its bounds."""


def parse_form(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError("the body is not UTF-8") from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                          max_num_fields=MAX_FIELDS)
    except ValueError:
        raise FormError(f"more than {MAX_FIELDS} fields") from None
    root: dict[str, Any] = {}
    for key, value in pairs:
        path = _path(key)
        node = root
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # a[b]=1 and a[b][c]=2: the deeper one wins
                child = node[part] = {}
            node = child
        node[path[-1]] = value
    # lists are made below the top only: a body such as `0=x` stays a mapping of its fields
    return {key: _lists(value) for key, value in root.items()}


def _path(key: str) -> list[str]:
    found = _KEY.match(key)
    if found is None:
        return [key]
    parts = [found.group(1), *_PART.findall(found.group(2))]
    if len(parts) > MAX_DEPTH:
        raise FormError(f"a key nested deeper than {MAX_DEPTH} levels")
    return parts


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    items = {k: _lists(v) for k, v in node.items()}
    if items and all(k.isdigit() and len(k) <= 4 for k in items):
        numbers = sorted(items, key=int)
        if int(numbers[-1]) > MAX_INDEX:
            raise FormError(f"a list index above {MAX_INDEX}")
        return [items[k] for k in numbers]
    return items
