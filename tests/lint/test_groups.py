"""Exclusive groups in tests/data/lint_kb: rank order, shadowed rules, bands, overlaps, gaps.

(The whole lint report of that knowledge base is pinned in tests/data/lint_kb/expected.txt.)
"""

from __future__ import annotations

import pytest

import engine
from engine.lint.groups import bands, group_findings, groups, shadowed
from engine.lint.intervals import Interval

from ..conftest import DATA


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
