"""Errors are data: a diagnostic renders as path:line:col: severity[code] message, with what
was expected and a hint; errors carrying them sort them and say them all."""

from __future__ import annotations

import pytest

from engine.errors import (
    Diagnostic,
    KnowledgeBaseError,
    Location,
    did_you_mean,
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
