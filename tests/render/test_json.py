"""JSON for programs: one style for every document (UTF-8, indent 2, ISO dates, sets sorted)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import engine
from engine.errors import Diagnostic, Location
from engine.models import Action
from engine.render import json as json_render
from engine.render import reporter
from engine.render.json import JsonReporter, document, plain
from engine.tools.batch import Failed
from engine.tools.scenario_results import (
    CaseResult,
    CoveredItems,
    Failure,
    ScenarioCoverage,
    TestRun,
)

GAP = Diagnostic("band-gap", "a gap", Location("rules/b.yaml", 2, 5), severity="warning")
BROKEN = Diagnostic("unknown-fact", "unknown fact 'npss'", Location("rules/a.yaml", 9, 11))


@dataclass(frozen=True)
class Point:
    name: str
    tags: frozenset[str]
    on: dt.date


def test_plain_data_of_every_shape() -> None:
    action = Action(kind="upsell", id="serm", title="Offer SERM", reason="r", priority=50,
                    rules=("grow",), sources=("K08",), missing=())
    assert plain({"p": Point("x", frozenset({"b", "a"}), dt.date(2026, 1, 2)),
                  "t": (1, {2}), "a": action}) == {
        "p": {"name": "x", "tags": ["a", "b"], "on": "2026-01-02"},
        "t": [1, [2]],
        "a": {"kind": "upsell", "id": "serm", "title": "Offer SERM", "reason": "r",
              "priority": 50, "rules": ["grow"], "sources": ["K08"], "missing": [],
              "missing_one_of": [], "details": None}}


def test_a_document_is_utf8_indented_and_ends_with_a_newline() -> None:
    assert document({"слово": [dt.date(2026, 1, 2)]}) == (
        '{\n  "слово": [\n    "2026-01-02"\n  ]\n}\n')


def test_validation_ok_and_strict(small_kb: engine.KnowledgeBase) -> None:
    found = reporter("json")
    assert isinstance(found, JsonReporter)
    lenient = json.loads(found.validation(small_kb, [GAP], strict=False).out)
    assert (lenient["ok"], lenient["kb_version"], lenient["errors"], lenient["warnings"]) == (
        True, small_kb.version, 0, 1)
    assert lenient["diagnostics"] == [GAP.as_dict()]
    assert json.loads(found.validation(small_kb, [GAP], strict=True).out)["ok"] is False
    broken = json.loads(found.validation(None, [BROKEN, GAP], strict=False).out)
    assert (broken["ok"], broken["kb_version"], broken["errors"]) == (False, None, 1)


def test_diagnostics_go_to_standard_output_as_the_error_document() -> None:
    output = JsonReporter().diagnostics([BROKEN])
    assert output.err == "" and json.loads(output.out) == {
        "format_version": "2", "engine_version": engine.__version__, "errors": [{
            "severity": "error", "code": "unknown-fact", "message": "unknown fact 'npss'",
            "field": None, "path": "rules/a.yaml", "line": 9, "col": 11, "expected": None,
            "hint": None}]}


def test_a_test_run() -> None:
    case = CaseResult(Location("s.test.yaml", 10, 5), "second", "a note",
                      (Failure("next_step serm", "it is absent", "nothing"),))
    coverage = ScenarioCoverage(CoveredItems(("a",), ("b",)), CoveredItems((), ()),
                                CoveredItems((), ()), CoveredItems((), ("g",)))
    assert json_render.test_run(TestRun((case,), coverage, (BROKEN,))) == {
        "ok": False, "passed": 0, "failed": 1, "total": 1, "deselected": 0, "not_run": 0,
        "coverage_of": None,
        "cases": [{"path": "s.test.yaml", "line": 10, "name": "second", "note": "a note",
                   "passed": False, "failures": [{
                       "expected": "next_step serm", "problem": "it is absent",
                       "got": "nothing",
                       "message": "expected next_step serm, but it is absent; got: nothing"}]}],
        "coverage": {
            "rules_fired": {"covered": 1, "total": 2, "uncovered": ["b"]},
            "rules_silent": {"covered": 0, "total": 0, "uncovered": []},
            "steps_proposed": {"covered": 0, "total": 0, "uncovered": []},
            "entries_surfaced": {"covered": 0, "total": 1, "uncovered": ["g"]}},
        "diagnostics": [BROKEN.as_dict()]}


def test_recommendations_stream_client_by_client_as_one_document(
        small_kb: engine.KnowledgeBase) -> None:
    day = dt.date(2026, 10, 15)
    named = [(engine.recommend({"id": c, "project_type": "lead_gen", "nps": 3}, kb=small_kb,
                               as_of=day), c) for c in ("a", "b", "c")]
    failed = [Failed("x.yaml", None, (BROKEN,))]
    pieces = list(JsonReporter().stream(iter(named), small_kb, "en", failed=failed))
    whole = json_render.versioned(json_render.recommendations(
        [rec for rec, _ in named], small_kb, failed=failed))
    assert "".join(p.out for p in pieces) == whole
    assert sum("\"kb_version\"" in p.out for p in pieces) == 3  # one piece per client
    empty = JsonReporter().stream(iter([]), small_kb, "en")
    assert json.loads("".join(p.out for p in empty))["recommendations"] == []
