"""Errors are data: a diagnostic renders as path:line:col: severity[code] message, with what
was expected and a hint; errors carrying them sort them and say them all."""

from __future__ import annotations

import json
import random

import pytest

from engine.errors import (
    Diagnostic,
    KnowledgeBaseError,
    Location,
    did_you_mean,
    escaped_json,
    escaped_json_bytes,
    field_of,
    one_of,
)

LATE = Diagnostic("b-code", "later", Location("rules/a.yaml", 9, 2))
EARLY = Diagnostic("a-code", "earlier", Location("rules/a.yaml", 3, 7), expected="x",
                   hint="try y")
NOWHERE = Diagnostic("not-a-knowledge-base", "no rules", severity="warning")


def test_the_rendered_form() -> None:
    assert EARLY.render() == ("rules/a.yaml:3:7: error[a-code] earlier\n"
                              "  expected: x\n"
                              "  hint: try y")
    assert NOWHERE.render() == "warning[not-a-knowledge-base] no rules"
    assert str(Location("f.yaml")) == "f.yaml"


def test_the_data_form() -> None:
    assert EARLY.as_dict() == {"severity": "error", "code": "a-code", "message": "earlier",
                               "field": None, "path": "rules/a.yaml", "line": 3, "col": 7,
                               "expected": "x", "hint": "try y"}
    assert NOWHERE.as_dict()["path"] is None


@pytest.mark.parametrize(("diagnostic", "field"), [
    (Diagnostic("bad-value", "nps: Input should be at most 10"), "nps"),
    (Diagnostic("bad-value", "facts.budget: not a number"), "facts.budget"),
    (Diagnostic("unknown-key", "unknown key 'npss'"), "npss"),
    (Diagnostic("bad-cell", "column 'Менеджер' is no client field"), "Менеджер"),
    (Diagnostic("bad-parameter", "query.as_of: bad", field="as_of"), "as_of"),
    (Diagnostic("json-syntax", "expected a value"), None),
])
def test_the_field_a_mistake_is_about(diagnostic: Diagnostic, field: str | None) -> None:
    """The error document's ``field``: given with the mistake, else the one its message
    starts with or names."""
    assert field_of(diagnostic) == field == diagnostic.as_dict()["field"]


def test_an_error_sorts_its_diagnostics_and_says_them_all() -> None:
    error = KnowledgeBaseError([LATE, EARLY, NOWHERE])
    assert error.diagnostics == [NOWHERE, EARLY, LATE]
    assert str(error) == ("warning[not-a-knowledge-base] no rules\n"
                          "rules/a.yaml:3:7: error[a-code] earlier\n"
                          "  expected: x\n"
                          "  hint: try y\n"
                          "rules/a.yaml:9:2: error[b-code] later")


def test_hints_and_choices() -> None:
    assert did_you_mean("lead_gne", ["monobrand", "lead_gen"]) == "did you mean 'lead_gen'?"
    assert did_you_mean("zzz", ["lead_gen"]) is None
    assert did_you_mean(5, ["5"]) is None
    assert one_of(["a", "b"]) == "one of 'a', 'b'"


def test_json_escaped_as_bytes_is_json_escaped_as_text() -> None:
    """``escaped_json_bytes`` looks only at the lead bytes an escaped character can start
    with: for every character (alone and beside the non-ASCII ones reports are full of: «, —,
    no-break spaces) and for random mixes, it gives what escaping the decoded text gives."""
    contexts = ("{}", "a{}b", "«{}", "—{}\u00a0", "{}\u202f")
    near = [*range(0x3000), *range(0xFE00, 0x10000)]  # every escaped character is here
    for code in [*near, *range(0x3000, 0xFE00, 7), *range(0x10000, 0x110000, 101)]:
        if 0xD800 <= code <= 0xDFFF:
            continue
        for context in contexts:
            text = json.dumps(context.format(chr(code)), ensure_ascii=False)
            assert escaped_json_bytes(text.encode()) == escaped_json(text).encode(), hex(code)
    rng = random.Random(7)
    pool = [chr(c) for c in (*range(0x20, 0x7F), 0x7F, 0x85, 0x9F, 0xA0, 0xAB, 0xAD, 0x2014,
                             0x200B, 0x200F, 0x2028, 0x202E, 0x202F, 0x2066, 0x2069, 0x206A,
                             0xFEFF, 0xFEFE, 0x430, 0x1F600)]
    for _ in range(5000):
        text = json.dumps("".join(rng.choices(pool, k=rng.randint(0, 30))), ensure_ascii=False)
        assert escaped_json_bytes(text.encode()) == escaped_json(text).encode(), text
