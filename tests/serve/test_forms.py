"""The webhook form parser: CRM forms become nested mappings and lists."""

from __future__ import annotations

from engine.serve.forms import parse_form


def test_indexed_keys_below_the_top_become_lists() -> None:
    assert parse_form(b"a[0]=x&a[1]=y&b[c]=z") == {"a": ["x", "y"], "b": {"c": "z"}}


def test_a_body_of_numbered_fields_stays_a_mapping() -> None:
    # schemathesis once sent `0=x`: the top turned into a list and a hook answered 500
    assert parse_form(b"0=x&1=y") == {"0": "x", "1": "y"}
