"""The condition language: parsing, negation normal form, missing facts, compiled goldens."""

from __future__ import annotations

import pytest

from engine.kb.source import parse as parse_yaml
from engine.language import conditions as c
from engine.language import when
from engine.language.facts import registry

FACTS = registry(["lead_gen"], [], ["briefing", "landing_pages"], {})


def tree(text: str) -> c.Node:
    doc, problems = parse_yaml(text, "t.yaml")
    assert not problems
    ctx = when.Context(doc, FACTS, {"band_low": 10.0, "band_high": 15.0})
    node = when.tree(doc.data, (), ctx)
    assert not ctx.problems, [p.render() for p in ctx.problems]
    return node


def test_mapping_of_facts_is_all_and_scalar_is_equality() -> None:
    assert str(tree("{activity: passive, nps: {lte: 6}}")) == \
        "all(activity == 'passive', nps <= 6)"


def test_thresholds_are_resolved_at_compile_time() -> None:
    assert tree("kpi_deviation_pct: {between: [$band_low, $band_high]}") == \
        c.Test("kpi_deviation_pct", "between", (10.0, 15.0))


def test_not_is_pushed_into_the_tests() -> None:
    node = tree("not: {any: [{nps: {lte: 6}}, {completed_steps: {includes: briefing}}]}")
    assert str(node) == "all(nps > 6, completed_steps excludes 'briefing')"


@pytest.mark.parametrize("text, facts, expected", [
    ("nps: {lte: 6}", {}, False),
    ("not: {nps: {lte: 6}}", {}, False),
    ("not: {nps: {lte: 6}}", {"nps": 7}, True),
    ("nps: {missing: true}", {}, True),
    ("not: {nps: {missing: true}}", {}, False),
    ("services: {excludes: seo}", {}, False),
    ("services: {excludes: seo}", {"services": frozenset()}, True),
    ("temperament: {none_of: [choleric]}", {}, False),
    ("nps: {ne: 5}", {}, False),
    ("not: {nps: {between: [3, 6]}}", {"nps": 8}, True),
    ("not: {nps: {between: [3, 6]}}", {"nps": 4}, False),
])
def test_missing_facts_never_satisfy_a_condition_except_missing(
        text: str, facts: dict[str, object], expected: bool) -> None:
    assert c.is_true(tree(text), facts) is expected
