"""The journey guard over journey maps (engine/kb/journey.py: order, prerequisites): ready,
the frontier, transitive missing prerequisites; held and dropped steps with their codes."""

from __future__ import annotations

import datetime as dt

import engine
from engine.kb.journey import Journey, find_cycle
from engine.models import JourneyMapFile
from engine.runtime.guard import Dropped, coherent, frontier, is_ready, out_of_order, waiting

from ..conftest import DATA, SMALL_KB, overlay


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
    assert frontier(J, []) == ("brief",)
    assert frontier(J, ["brief"]) == ("landing", "competitors")
    assert frontier(J, ["brief", "landing"]) == ("competitors",)
    memo: dict[object, object] = {}
    assert frontier(J, ["brief"], memo) == frontier(J, ["brief"], memo) == ("landing",
                                                                             "competitors")
    assert list(memo) == [("", frozenset({"brief"})), frozenset({"brief"})]  # coherent, open


def test_missing_is_transitive_and_in_journey_order() -> None:
    assert waiting(J, "optimise", ["brief"]).missing == ("landing", "competitors", "ads")
    assert waiting(J, "ads", ["brief", "competitors"]).missing == ("landing",)
    assert waiting(J, "optimise", ["brief"]).ready == ("landing", "competitors")
    assert is_ready(J, "ads", frozenset({"brief", "landing", "competitors"}))
    assert not is_ready(J, "ads", frozenset({"brief", "landing"}))


def test_the_blocked_reason_names_what_is_missing(small_kb: engine.KnowledgeBase) -> None:
    view = small_kb.index.view("en", "lead_gen")
    assert view.not_yet(("landing_pages", "launch_context_ads"), ()) == (
        "Not yet: first “Prepare landing pages”, “Launch contextual ads”.")


def test_held_and_dropped_steps_come_with_their_codes(tmp_path: object) -> None:
    from pathlib import Path

    kb = engine.load(overlay(SMALL_KB, DATA / "overlays" / "holds", Path(str(tmp_path)) / "kb"))
    client = {"id": "c", "project_type": "lead_gen", "services": ["serm"],
              "completed_steps": ["briefing", "competitor_analysis", "landing_pages",
                                  "launch_seo", "results_review"],
              "campaign_launched_on": "2026-09-01",
              "kpis": [{"name": "CPL", "target": 1000, "actual": 1120,
                        "higher_is_better": False}]}
    rec, evaluation = engine.evaluate(client, kb=kb, as_of=dt.date(2026, 11, 1))
    assert [h.id for h in rec.held] == ["serm"]
    assert evaluation.dropped == (Dropped("review_first", "serm", "held",
                                          by="optimise_in_band"),)
    _, lost = engine.evaluate({**client, "project_type": None}, kb=kb, as_of=dt.date(2026, 11, 1))
    assert {d.why for d in lost.dropped} == {"no_journey"}


def test_cycles_are_named_in_order() -> None:
    spec = JourneyMapFile.model_validate({"project_type": "t", "title": {"en": "T", "ru": "Т"},
                                          "steps": [
        {"id": "a", "title": {"en": "a", "ru": "a"}, "phase": "p", "after": ["b"],
         "sources": ["K01"]},
        {"id": "b", "title": {"en": "b", "ru": "b"}, "phase": "p", "after": ["a"],
         "sources": ["K01"]}]})
    assert find_cycle(spec) in (["a", "b", "a"], ["b", "a", "b"])


def test_a_step_is_ready_only_when_all_its_ancestors_are_done() -> None:
    """Ticked out of order (no brief), the landing page and the competitors open nothing."""
    assert not is_ready(J, "ads", frozenset({"landing", "competitors"}))
    assert coherent(J, ["landing", "competitors"]) == frozenset()
    assert out_of_order(J, ["landing", "competitors", "optimise"]) == (
        "landing", "competitors", "optimise")
    assert frontier(J, ["landing", "competitors"]) == ("brief",)
    assert out_of_order(J, ["brief", "landing"]) == ()


def test_an_any_of_group_counts_only_a_member_done_in_order() -> None:
    spec = {"project_type": "t", "title": {"en": "T", "ru": "Т"}, "steps": [
        {"id": s, "title": {"en": s, "ru": s}, "phase": "p", "after": after,
         "after_any": any_of, "sources": ["K01"]}
        for s, after, any_of in (("brief", [], []), ("seo", ["brief"], []),
                                 ("ads", ["brief"], []), ("review", [], ["seo", "ads"]))]}
    j = Journey(JourneyMapFile.model_validate(spec))
    assert is_ready(j, "review", frozenset({"brief", "ads"}))
    assert not is_ready(j, "review", frozenset({"ads"}))  # ads ticked without the brief
    missing, one_of, ready = waiting(j, "review", ["ads"])
    assert (missing, one_of) == ((), (("seo", "ads"),))
    assert ready == ("brief",)  # what the member ticked out of order lacks
    assert out_of_order(j, ["ads", "review"]) == ("ads", "review")
