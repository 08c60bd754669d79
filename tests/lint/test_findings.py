"""Lint: warnings for what is valid but almost certainly a mistake.

tests/data/lint_kb is a small knowledge base with one of each finding (see the comments in its
files); its warnings are pinned in tests/data/lint_kb/expected.txt.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import engine
from engine.language.conditions import TRUE, All, AnyOf, Node, Test
from engine.lint.intervals import Interval, band, gap
from engine.lint.prover import compatible, contradicts, implies
from engine.render.text import diagnostics as diagnostics_text

from ..conftest import DATA, SMALL_KB, golden

LINT_KB = DATA / "lint_kb"


def test_every_finding_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(LINT_KB)
    kb, problems = engine.check(".")
    assert kb is not None, "lint findings are warnings: the knowledge base still loads"
    assert all(p.severity == "warning" for p in problems)
    golden(LINT_KB / "expected.txt", diagnostics_text(problems))


def test_the_loaded_kb_keeps_its_warnings() -> None:
    kb = engine.load(LINT_KB)
    assert sorted({w.code for w in kb.warnings}) == [
        "always-blocked", "band-gap", "band-overlap", "never-proposed", "shadowed-rule",
        "unreachable-step", "unused-fact", "unused-playbook-entry", "unused-threshold"]


def test_a_kb_with_errors_is_not_linted(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    for folder in ("journey_maps", "playbooks"):
        (tmp_path / folder).symlink_to(LINT_KB / folder)
    (tmp_path / "rules" / "bad.yaml").write_text("rules: nope\n", encoding="utf-8")
    kb, problems = engine.check(tmp_path)
    assert kb is None and {p.severity for p in problems} == {"error"}


def test_the_small_test_kb_has_one_finding() -> None:
    assert [w.code for w in engine.load(SMALL_KB).warnings] == ["always-blocked"]


# --- bands ---------------------------------------------------------------------------------

def t(op: str, value: object, fact: str = "x") -> Test:
    return Test(fact, op, value)


@pytest.mark.parametrize(("tests", "whole", "expected"), [
    ([t("between", (10, 15))], False, "10 <= x <= 15"),
    ([t("gt", 15), t("lte", 30)], False, "15 < x <= 30"),
    ([t("gte", 30)], False, "x >= 30"),
    ([t("lt", 10)], False, "x < 10"),
    ([t("gt", 14)], True, "x >= 15"),
    ([t("gt", 2.5), t("lt", 6)], True, "3 <= x <= 5"),
    ([t("between", (15, 15))], False, "x = 15"),
])
def test_bands(tests: list[Test], whole: bool, expected: str) -> None:
    found = band(tests, whole)
    assert found is not None and found.describe("x") == expected


def test_no_band_without_a_numeric_test() -> None:
    assert band([t("eq", "a"), t("exists", None)], False) is None


@pytest.mark.parametrize(("below", "above", "whole", "expected"), [
    ([t("between", (10, 15))], [t("between", (20, 30))], False, "15 < x < 20"),
    ([t("between", (10, 15))], [t("gt", 15)], False, None),
    ([t("lt", 15)], [t("gt", 15)], False, "x = 15"),
    ([t("lte", 14)], [t("gte", 15)], True, None),
    ([t("lte", 14)], [t("gte", 15)], False, "14 < x < 15"),
    ([t("lte", 14)], [t("gte", 17)], True, "15 <= x <= 16"),
    ([t("gte", 10)], [t("gte", 20)], True, None),
    ([t("gte", 10)], [t("gte", 20)], False, None),
])
def test_gaps(below: list[Test], above: list[Test], whole: bool, expected: str | None) -> None:
    low, high = band(below, whole), band(above, whole)
    assert low is not None and high is not None
    hole = gap(low, high, whole)
    assert (None if hole.empty else hole.describe("x")) == expected


def test_interval_containment() -> None:
    wide, narrow = Interval(0, math.inf, True, False), Interval(10, 15, True, True)
    assert wide.contains(narrow) and not narrow.contains(wide)
    assert Interval(10, 15, False, True).intersect(Interval(15, 30, True, True)) == Interval(
        15, 15, True, True)


# --- implication ---------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "goal", "expected"), [
    (All((t("eq", 1, "a"), t("eq", 2, "b"))), t("eq", 1, "a"), True),
    (t("eq", 1, "a"), All((t("eq", 1, "a"), t("eq", 2, "b"))), False),
    (t("eq", 1, "a"), TRUE, True),
    (t("between", (20, 30)), t("gte", 10), True),
    (t("between", (5, 30)), t("gte", 10), False),
    (t("gt", 14, "d"), t("gte", 15, "d"), True),  # whole numbers: d > 14 means d >= 15
    (t("eq", "key"), t("one_of", ("key", "regular")), True),
    (t("one_of", ("key", "low")), t("one_of", ("key", "regular")), False),
    (t("eq", True), t("ne", False), True),
    (t("none_of", ("a", "b")), t("ne", "a"), True),
    (t("eq", "a"), t("exists", None), True),
    (t("missing", None), t("exists", None), False),
    (t("eq", "a"), AnyOf((t("eq", "b"), t("eq", "a"))), True),
    (AnyOf((t("eq", "a"), t("eq", "b"))), t("eq", "a"), False),
    (t("includes", "seo"), t("includes", "seo"), True),
    (t("includes", "seo"), t("excludes", "ads"), False),
])
def test_implies(given: Node, goal: Node, expected: bool) -> None:
    assert implies(given, goal, whole={"d"}) is expected


@pytest.mark.parametrize(("tests", "expected"), [
    ([t("eq", True), t("ne", True)], True),
    ([t("eq", True), t("eq", False)], True),
    ([t("one_of", ("a", "b")), t("none_of", ("a",))], False),
    ([t("includes", "a"), t("excludes", "a")], True),
    ([t("missing", None), t("eq", 1)], True),
    ([t("gt", 40), t("between", (10, 15))], True),
    ([t("gte", 15), t("lte", 15)], False),
])
def test_contradictions(tests: list[Test], expected: bool) -> None:
    assert contradicts(tests, whole=False) is expected


def test_compatible_looks_at_every_fact() -> None:
    assert compatible([t("eq", True, "g")], [t("gt", 1, "k")], set())
    assert not compatible([t("eq", True, "g")], [t("ne", True, "g"), t("gt", 1, "k")], set())


def test_a_step_for_project_types_without_it(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    for folder in ("journey_maps", "playbooks"):
        (kb_dir / folder).mkdir(parents=True)
        for path in (SMALL_KB / folder).iterdir():
            (kb_dir / folder / path.name).write_bytes(path.read_bytes())
    (kb_dir / "rules").mkdir()
    (kb_dir / "rules" / "main.yaml").write_text("""\
rules:
  - id: not_for_leads
    title: {en: T, ru: Т}
    reason: {en: R, ru: Р}
    priority: 5
    sources: [K01]
    when: {project_type: {ne: lead_gen}}
    then:
      - upsell: serm
      - communication: temperament_choleric
""", encoding="utf-8")
    kb = engine.load(kb_dir)
    assert [w.message for w in kb.warnings] == [
        "rule 'not_for_leads' can never propose 'serm': the journeys it applies to (none) have "
        "no such step"]
