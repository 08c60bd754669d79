"""Journey maps: order, frontier, transitive missing prerequisites."""

from __future__ import annotations

from engine.kb.journey import Journey, find_cycle
from engine.models import JourneyMapFile


def journey(*steps: tuple[str, list[str]], repeatable: str = "") -> Journey:
    spec = {"project_type": "t", "title": {"en": "T", "ru": "Т"}, "steps": [
        {"id": s, "title": {"en": s, "ru": s}, "phase": "p", "after": after, "sources": ["K01"],
         "repeatable": s == repeatable} for s, after in steps]}
    return Journey(JourneyMapFile.model_validate(spec))


J = journey(("brief", []), ("landing", ["brief"]), ("competitors", ["brief"]),
            ("ads", ["landing", "competitors"]), ("optimise", ["ads"]), repeatable="optimise")


def test_order_is_topological_with_file_order_breaking_ties() -> None:
    assert J.order == ("brief", "landing", "competitors", "ads", "optimise")


def test_frontier_is_every_ready_step_not_done() -> None:
    assert J.frontier([]) == ("brief",)
    assert J.frontier(["brief"]) == ("landing", "competitors")
    assert J.frontier(["brief", "landing"]) == ("competitors",)


def test_missing_is_transitive_and_in_journey_order() -> None:
    assert J.missing("optimise", ["brief"]) == ("landing", "competitors", "ads")
    assert J.missing("ads", ["brief", "competitors"]) == ("landing",)
    waiting = J.waiting("optimise", ["brief"])
    assert waiting.missing == ("landing", "competitors", "ads")
    assert waiting.ready == ("landing", "competitors")
    assert waiting.not_yet["en"] == "Not yet: first “landing”, “competitors”, “ads”."
    assert J.is_ready("ads", ["landing", "competitors"])


def test_cycles_are_named_in_order() -> None:
    spec = JourneyMapFile.model_validate({"project_type": "t", "title": {"en": "T", "ru": "Т"},
                                          "steps": [
        {"id": "a", "title": {"en": "a", "ru": "a"}, "phase": "p", "after": ["b"],
         "sources": ["K01"]},
        {"id": "b", "title": {"en": "b", "ru": "b"}, "phase": "p", "after": ["a"],
         "sources": ["K01"]}]})
    assert find_cycle(spec) in (["a", "b", "a"], ["b", "a", "b"])
