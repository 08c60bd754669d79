"""Exclusive groups in tests/data/lint_kb: rank order, shadowed rules, bands, overlaps, gaps.

(The whole lint report of that knowledge base is pinned in tests/data/lint_kb/expected.txt.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import engine
from engine.cli import main
from engine.lint.groups import bands, group_findings, groups, shadowed
from engine.lint.intervals import Interval

from ..conftest import DATA, SMALL_KB, golden, overlay


@pytest.fixture(scope="module")
def kb() -> engine.KnowledgeBase:
    return engine.load(DATA / "lint_kb")


def whole(kb: engine.KnowledgeBase) -> set[str]:
    return {name for name, ftype in kb.facts.items() if ftype.kind == "int"}


def test_the_rules_of_each_group_in_rank_order(kb: engine.KnowledgeBase) -> None:
    assert {name: [r.id for r in rules] for name, rules in groups(kb).items()} == {
        "kpi": ["rebrief_on_goals", "escalate", "urgent", "optimise", "grow",
                "grow_key_clients"],
        "contact": ["call_now", "keep_in_touch"],
        "talk": ["talk_plainly", "talk_to_choleric"]}


def test_shadowed_rules_name_the_rule_that_wins(kb: engine.KnowledgeBase) -> None:
    found = {name: [(loser.id, winner.id) for loser, winner in shadowed(rules, whole(kb))]
             for name, rules in groups(kb).items()}
    assert found == {"kpi": [("grow_key_clients", "grow")], "contact": [],
                     "talk": [("talk_to_choleric", "talk_plainly")]}


def test_bands_per_fact(kb: engine.KnowledgeBase) -> None:
    by_group = groups(kb)
    assert {fact: [(r.id, i) for r, i in banded]
            for fact, banded in bands(by_group["contact"], whole(kb)).items()} == {
        "days_since_contact": [("call_now", Interval(15, float("inf"), True, False)),
                               ("keep_in_touch", Interval(7, 14, True, True))]}
    assert bands(by_group["talk"], whole(kb)) == {}


def test_findings_overlap_gap_and_shadows_but_no_gap_between_whole_numbers(
        kb: engine.KnowledgeBase) -> None:
    found = [(d.code, d.message) for d in group_findings(kb)]
    assert found == [
        ("shadowed-rule", "rule 'grow_key_clients' can never act: whenever it matches, 'grow' "
                          "of group 'kpi' matches too and wins (priority 50 > 40)"),
        ("band-overlap", "rule 'optimise' overlaps 'urgent' of group 'kpi' where "
                         "kpi_deviation_pct = 15: only 'urgent' acts there"),
        ("band-gap", "no rule of group 'kpi' covers 30 < kpi_deviation_pct <= 40, between the "
                     "bands of 'urgent' and 'escalate'"),
        ("shadowed-rule", "rule 'talk_to_choleric' can never act: whenever it matches, "
                          "'talk_plainly' of group 'talk' matches too and wins "
                          "(priority 20 > 10)")]


# --- groups: a band rule that can never match; a big group ----------------------------------

def test_a_band_rule_whose_own_tests_contradict_gives_no_gap_and_no_crash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It used to make holes() raise IndexError: `playbook validate` exited 2. It covers no
    values, so it leaves no gap and fills none: the other findings are as without it."""
    case = DATA / "lint_cases" / "contradictory_band"
    kb_dir = overlay(SMALL_KB, case, tmp_path / "kb")
    assert main(["validate", "--kb", str(kb_dir)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ok: 6 rules")
    golden(case / "expected.txt", err.replace(str(kb_dir) + "/", ""))


def test_a_group_of_many_side_by_side_bands_finds_its_one_gap_and_one_overlap(
        tmp_path: Path) -> None:
    bands = [(10 * i, 10 * i + 10) for i in range(150)]
    bands[40] = (400, 405)  # leaves 405-409 to nobody
    bands[80] = (795, 810)  # shares 795-799 with the rule ranked above it
    rules = "".join(
        f"  - id: r{i:03d}\n    title: {{en: T, ru: T}}\n    reason: {{en: R, ru: R}}\n"
        f"    priority: {500 - i}\n    sources: [K34]\n    group: g\n"
        f"    when: {{days_since_contact: {{gte: {low}, lt: {high}}}}}\n"
        f"    then: [{{warning: w{i}}}]\n" for i, (low, high) in enumerate(bands))
    kb_dir = tmp_path / "kb"
    shutil.copytree(SMALL_KB, kb_dir)
    (kb_dir / "rules" / "many.yaml").write_text(f"rules:\n{rules}", encoding="utf-8")
    kb, problems = engine.check(kb_dir)
    assert kb is not None
    assert [p.message for p in problems if p.code.startswith("band-")] == [
        "no rule of group 'g' covers 405 <= days_since_contact <= 409, between the bands of "
        "'r040' and 'r041'",
        "rule 'r080' overlaps 'r079' of group 'g' where 795 <= days_since_contact <= 799: "
        "only 'r079' acts there"]
