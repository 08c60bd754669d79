"""The scenario runner: reading rules/*.test.yaml, checking expectations, coverage, bad files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

import engine
from engine.models import Action
from engine.render.text import diagnostics as diagnostics_text
from engine.tools.scenarios import Expect, Scenario, failed_expectations, run
from engine.vocabulary import ActionKind

from ..conftest import DATA, SMALL_KB, TESTS

FAILING = DATA / "scenarios" / "failing"
BROKEN = DATA / "scenarios" / "broken"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in results are shown relative to the working directory."""
    monkeypatch.chdir(TESTS.parent)


def action(kind: ActionKind, id: str, missing: tuple[str, ...] = (), rules: tuple[str, ...] = ()
           ) -> Action:
    return Action(kind=kind, id=id, title="t", reason="r", priority=1, rules=rules,
                  sources=("K01",), missing=missing)


def test_the_small_kb_scenarios_pass_with_their_file_and_line(small_kb: engine.KnowledgeBase
                                                              ) -> None:
    result = run(small_kb)
    assert result.ok and not result.problems
    assert [(c.location.path, c.location.line) for c in result.cases] == [
        ("tests/data/small_kb/rules/main.test.yaml", line) for line in (3, 12, 27, 39, 55)]
    assert result.cases[1].note == "inside the 10-15% band, tuning pays"


def test_coverage_names_what_the_scenarios_never_reached(small_kb: engine.KnowledgeBase) -> None:
    cov = run(small_kb).coverage
    rules = ("ads_first_warning", "grow_when_met", "optimise_in_band", "talk_to_choleric")
    assert cov.rules_fired.covered == rules and cov.rules_fired.uncovered == ()
    assert cov.rules_silent.covered == rules
    assert cov.steps_proposed.uncovered == ("lead_gen/launch_context_ads",)
    assert cov.steps_proposed.total == 6
    assert cov.entries_surfaced.covered == ("temperament_choleric",)


def test_failing_cases_say_what_was_expected_and_what_came_back(
        small_kb: engine.KnowledgeBase) -> None:
    result = run(small_kb, [FAILING])
    assert not result.ok and result.passed == 1 and len(result.cases) == 3
    failed = [c for c in result.cases if not c.passed]
    assert [str(c.location) for c in failed] == [
        "tests/data/scenarios/failing/failing.test.yaml:10:5",
        "tests/data/scenarios/failing/failing.test.yaml:20:5"]
    got = "got: blocked launch_context_ads (missing: competitor_analysis, landing_pages)"
    assert [f.message for f in failed[0].failures] == [
        f"expected next_step launch_context_ads, but it was not recommended; {got}",
        "expected blocked launch_context_ads (missing: landing_pages), but the missing steps "
        f"differ; {got}",
        "expected blocked launch_context_ads (missing: landing_pages, competitor_analysis), but "
        f"the missing steps are listed in another order (journey order is the rule); {got}",
    ]
    assert [f.message for f in failed[1].failures] == [
        "expected no upsell serm, but it was recommended; got: upsell serm, from rule "
        "grow_when_met"]


def test_coverage_counts_failing_cases_too(small_kb: engine.KnowledgeBase) -> None:
    cov = run(small_kb, [FAILING]).coverage
    assert cov.rules_fired.uncovered == ("optimise_in_band", "talk_to_choleric")
    assert cov.entries_surfaced.uncovered == ("temperament_choleric",)


def test_bad_scenario_files_give_located_diagnostics(small_kb: engine.KnowledgeBase) -> None:
    result = run(small_kb, [BROKEN])
    firsts = [line for line in diagnostics_text(result.problems).splitlines()
              if not line.startswith("  ")]
    assert firsts == [
        "tests/data/scenarios/broken/ids.test.yaml:5:21: error[unknown-value] project_type: "
        "unknown project type 'lead_gne'",
        "tests/data/scenarios/broken/ids.test.yaml:13:29: error[unknown-value] "
        "expect.present.0.id: unknown journey step 'optimise_campaign'",
        "tests/data/scenarios/broken/ids.test.yaml:14:61: error[unknown-value] "
        "expect.present.1.missing.0: unknown journey step 'landing_page'",
        "tests/data/scenarios/broken/ids.test.yaml:16:33: error[unknown-value] expect.absent.0.id: "
        "unknown playbook entry 'temperament_cholerik'",
        "tests/data/scenarios/broken/keys.test.yaml:3:5: error[missing-key] missing required key "
        "'expect'",
        "tests/data/scenarios/broken/keys.test.yaml:6:5: error[unknown-key] unknown key 'expct'",
        "tests/data/scenarios/broken/keys.test.yaml:10:45: error[bad-value] "
        "scenarios.1.client.nps: Input should be less than or equal to 10; got 11",
        "tests/data/scenarios/broken/keys.test.yaml:12:17: error[bad-value] "
        "scenarios.1.expect.present.0: 'missing' applies only to kind blocked; got {'kind': "
        "'next_step', 'id': 'briefing', 'missing': ['briefing']}",
    ]
    hints = [d.hint for d in result.problems]
    assert hints[:4] == ["did you mean 'lead_gen'?", "did you mean 'optimise_campaigns'?",
                         "did you mean 'landing_pages'?", "did you mean 'temperament_choleric'?"]
    assert hints[5] == "did you mean 'expect'?"


def test_the_good_cases_of_a_file_with_bad_cases_still_run(small_kb: engine.KnowledgeBase
                                                           ) -> None:
    result = run(small_kb, [BROKEN / "ids.test.yaml"])
    assert [(c.name, c.passed) for c in result.cases] == [("this one is fine and runs", True)]
    assert not result.ok


def test_a_knowledge_base_without_scenarios_is_an_error(tmp_path: Path) -> None:
    shutil.copytree(SMALL_KB, tmp_path / "kb", ignore=shutil.ignore_patterns("*.test.yaml"))
    result = run(engine.load(tmp_path / "kb"))
    assert [d.code for d in result.problems] == ["no-scenarios"]
    assert result.problems[0].message.startswith("no scenario files (*.test.yaml) in ")
    assert not result.ok and result.cases == ()


def test_a_missing_path_is_unreadable(small_kb: engine.KnowledgeBase) -> None:
    result = run(small_kb, [Path("tests/data/scenarios/nope.test.yaml")])
    assert [d.render() for d in result.problems] == [
        "tests/data/scenarios/nope.test.yaml: error[unreadable-file] No such file or directory\n"
        "  expected: a readable UTF-8 text file"]


def test_expectations_match_kind_id_and_missing_exactly() -> None:
    actions = [action("blocked", "launch_context_ads", ("competitor_analysis", "landing_pages")),
               action("next_step", "landing_pages", rules=("r1", "r2"))]
    expect = Expect.model_validate({
        "present": [{"kind": "blocked", "id": "launch_context_ads",
                     "missing": ["competitor_analysis", "landing_pages"]},
                    {"kind": "blocked", "id": "launch_context_ads"}],
        "absent": [{"kind": "next_step", "id": "launch_context_ads"},
                   {"kind": "upsell", "id": "landing_pages"}]})
    assert failed_expectations(expect, actions) == ()
    wrong = Expect.model_validate({"present": [{"kind": "upsell", "id": "serm"}],
                                   "absent": [{"kind": "next_step", "id": "landing_pages"}]})
    assert [f.message for f in failed_expectations(wrong, actions)] == [
        "expected upsell serm, but it was not recommended; got: no action for serm",
        "expected no next_step landing_pages, but it was recommended; got: next_step "
        "landing_pages, from rules r1, r2"]


def test_an_absent_action_from_the_journey_map_says_so() -> None:
    expect = Expect.model_validate({"absent": [{"kind": "next_step", "id": "briefing"}]})
    (failure,) = failed_expectations(expect, [action("next_step", "briefing")])
    assert failure.got == "next_step briefing, from the journey map"


def test_scenario_models_forbid_unknown_keys_and_are_frozen() -> None:
    data = {"name": "n", "as_of": "2026-11-01", "client": {"id": "c"},
            "expect": {"present": [{"kind": "next_step", "id": "briefing"}]}}
    scenario = Scenario.model_validate(data)
    assert scenario.as_of == dt.date(2026, 11, 1)
    with pytest.raises(ValidationError):
        Scenario.model_validate({**data, "expected": {}})
    with pytest.raises(ValidationError):
        scenario.name = "other"
    with pytest.raises(ValidationError, match="at least one 'present' or 'absent' item"):
        Expect.model_validate({})


def test_a_reason_expectation_checks_the_words_in_each_language(
        small_kb: engine.KnowledgeBase) -> None:
    result = run(small_kb, [DATA / "scenarios" / "reasons"])
    assert [c.passed for c in result.cases] == [True, False] and not result.problems
    assert [f.message for f in result.cases[1].failures] == [
        "expected the en reason of next_step optimise_campaigns, but it does not say '15%'; it "
        "says 'worse'; got: CPL is 12% worse than target",
        "expected the ru reason of next_step optimise_campaigns, but it says 'cpl'; got: CPL хуже "
        "цели на 12\xa0%"]


def test_a_reason_expectation_needs_words_and_a_language() -> None:
    base = {"kind": "next_step", "id": "briefing"}
    with pytest.raises(ValidationError, match="needs 'includes' or 'excludes'"):
        Expect.model_validate({"present": [{**base, "reason": {"en": {}}}]})
    with pytest.raises(ValidationError, match="'en' or 'ru'"):
        Expect.model_validate({"present": [{**base, "reason": {"de": {"includes": ["x"]}}}]})


def test_a_reason_in_a_language_not_computed_is_a_failure_not_a_pass() -> None:
    expect = Expect.model_validate({"present": [
        {"kind": "next_step", "id": "briefing", "reason": {"ru": {"excludes": ["x"]}}}]})
    failures = failed_expectations(expect, [action("next_step", "briefing")])
    assert [f.problem for f in failures] == ["no advice in that language was given"]
