"""Results of a scenario run as data: pass or fail per case, totals, coverage tallies."""

from __future__ import annotations

from engine.errors import Diagnostic, Location
from engine.tools.scenario_results import (
    CaseResult,
    CoveredItems,
    Failure,
    ScenarioCoverage,
    TestRun,
)

FAILURE = Failure("next_step serm", "it is absent", "nothing")
PASSED = CaseResult(Location("s.test.yaml", 3, 5), "first", None, ())
FAILED = CaseResult(Location("s.test.yaml", 10, 5), "second", "a note", (FAILURE,))
EMPTY = CoveredItems((), ())
COVERAGE = ScenarioCoverage(CoveredItems(("a",), ("b", "c")), EMPTY, EMPTY, EMPTY)
BAD_FILE = Diagnostic("bad-value", "nps: too big", Location("s.test.yaml", 20, 9))


def test_a_failure_in_one_sentence() -> None:
    assert FAILURE.message == "expected next_step serm, but it is absent; got: nothing"
    assert FAILURE.as_dict()["message"] == FAILURE.message


def test_a_run_is_ok_only_when_every_case_passed_and_every_file_was_read() -> None:
    assert TestRun((PASSED,), COVERAGE, ()).ok
    assert not TestRun((PASSED, FAILED), COVERAGE, ()).ok
    assert not TestRun((PASSED,), COVERAGE, (BAD_FILE,)).ok
    assert TestRun((), COVERAGE, ()).ok
    assert (PASSED.passed, FAILED.passed) == (True, False)
    assert TestRun((PASSED, FAILED, PASSED), COVERAGE, ()).passed == 2


def test_the_data_form() -> None:
    assert COVERAGE.rules_fired.total == 3
    assert TestRun((FAILED,), COVERAGE, (BAD_FILE,)).as_dict() == {
        "ok": False, "passed": 0, "failed": 1, "total": 1, "deselected": 0, "not_run": 0,
        "coverage_of": None,
        "cases": [{"path": "s.test.yaml", "line": 10, "name": "second", "note": "a note",
                   "passed": False, "failures": [FAILURE.as_dict()]}],
        "coverage": {"rules_fired": {"covered": 1, "total": 3, "uncovered": ["b", "c"]},
                     "rules_silent": {"covered": 0, "total": 0, "uncovered": []},
                     "steps_proposed": {"covered": 0, "total": 0, "uncovered": []},
                     "entries_surfaced": {"covered": 0, "total": 0, "uncovered": []}},
        "diagnostics": [BAD_FILE.as_dict()]}
