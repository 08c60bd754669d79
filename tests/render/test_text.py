"""Plain text: diagnostics, validation summaries, scenario runs and explanations.

``test_run_text`` is reached through its module: imported by name, pytest would collect it.
"""

from __future__ import annotations

import datetime as dt

import pytest

import engine
from engine.errors import Diagnostic, Location
from engine.render import reporter, text
from engine.render.text import TextReporter, diagnostics, explanation_summary, explanation_text
from engine.tools.explain import explain
from engine.tools.scenario_results import (
    CaseResult,
    CoveredItems,
    Failure,
    ScenarioCoverage,
    TestRun,
)

UNKNOWN_FACT = Diagnostic("unknown-fact", "unknown fact 'npss'", Location("rules/a.yaml", 9, 11),
                          expected="a client fact", hint="did you mean 'nps'?")
GAP = Diagnostic("band-gap", "a gap", Location("rules/b.yaml", 2, 5), severity="warning")
NO_KB = Diagnostic("not-a-knowledge-base", "no rules/ folder")
AS_OF = dt.date(2026, 11, 1)



def test_diagnostics_one_after_the_other_on_stderr() -> None:
    expected = ("rules/a.yaml:9:11: error[unknown-fact] unknown fact 'npss'\n"
                "  expected: a client fact\n"
                "  hint: did you mean 'nps'?\n"
                "rules/b.yaml:2:5: warning[band-gap] a gap\n"
                "error[not-a-knowledge-base] no rules/ folder\n")
    assert diagnostics([UNKNOWN_FACT, GAP, NO_KB]) == expected
    assert TextReporter().diagnostics([UNKNOWN_FACT, GAP, NO_KB]) == ("", expected)
    assert diagnostics([]) == ""


@pytest.mark.parametrize(("loaded", "problems", "strict", "summary"), [
    (True, [], False, "ok: 4 rules, 1 journey maps, 1 playbook entries (kb VER)\n"),
    (True, [GAP], False,
     "ok: 4 rules, 1 journey maps, 1 playbook entries (kb VER); 1 warning(s)\n"),
    (True, [GAP], True,
     "failed (--strict): 1 warning(s) in 4 rules, 1 journey maps, 1 playbook entries (kb VER)\n"),
    (False, [UNKNOWN_FACT, GAP], False, "1 error(s), 1 warning(s)\n"),
    (False, [UNKNOWN_FACT], True, "1 error(s)\n"),
])
def test_validation_summaries(small_kb: engine.KnowledgeBase, loaded: bool,
                              problems: list[Diagnostic], strict: bool, summary: str) -> None:
    output = reporter("text").validation(small_kb if loaded else None, problems, strict)
    assert output.out.replace(small_kb.version, "VER") == summary
    assert output.err == diagnostics(problems)


COVERAGE = ScenarioCoverage(
    rules_fired=CoveredItems(("a",), ("b",)), rules_silent=CoveredItems((), ()),
    steps_proposed=CoveredItems(("lead_gen/x",),
                                tuple(f"lead_gen/step_number_{i}" for i in range(8))),
    entries_surfaced=CoveredItems((), ("guide",)))


def test_a_scenario_run_its_cases_summary_and_wrapped_coverage() -> None:
    cases = (CaseResult(Location("s.test.yaml", 3, 5), "first", None, ()),
             CaseResult(Location("s.test.yaml", 10, 5), "second", "a note",
                        (Failure("next_step serm", "it is absent", "nothing"),)))
    run = TestRun(cases, COVERAGE, (UNKNOWN_FACT,))
    assert text.test_run_text(run) == (
        "PASS  s.test.yaml:3  first\n"
        "FAIL  s.test.yaml:10  second — a note\n"
        "      expected next_step serm, but it is absent; got: nothing\n"
        "\n"
        "coverage:\n"
        "  rules fired:               1/2\n"
        "    never fired: b\n"
        "  rules silent:              0/0\n"
        "  journey steps proposed:    1/9\n"
        "    never proposed: lead_gen/step_number_0, lead_gen/step_number_1, "
        "lead_gen/step_number_2,\n"
        "      lead_gen/step_number_3, lead_gen/step_number_4, lead_gen/step_number_5,\n"
        "      lead_gen/step_number_6, lead_gen/step_number_7\n"
        "  playbook entries surfaced: 0/1\n"
        "    never surfaced: guide\n"
        "\n"
        "1 error(s) in scenario files: those cases did not run (see above)\n"
        "1 passed, 1 failed\n")
    assert TextReporter().test_run(run).err == diagnostics([UNKNOWN_FACT])


def test_a_run_without_cases_has_no_coverage() -> None:
    assert text.test_run_text(TestRun((), COVERAGE, ())) == "\n0 passed, 0 failed\n"


def test_notes_for_deselected_and_not_run_cases_and_a_scoped_coverage() -> None:
    case = CaseResult(Location("rules/a.test.yaml", 3, 5), "first", None, ())
    run = TestRun((case,), COVERAGE, (), deselected=2, not_run=1, scope=("rules/a.yaml",))
    lines = text.test_run_text(run).splitlines()
    assert "coverage of rules/a.yaml:" in lines
    assert lines[-3:] == ["2 deselected by -k",
                          "1 not run: stopped at the first failure (--fail-fast)",
                          "1 passed, 0 failed"]


def test_an_explanation_rule_by_rule(kb: engine.KnowledgeBase) -> None:
    client = {"id": "d", "temperament": "choleric", "facts": {"has_crm": True},
              "services": ["context_ads"]}
    shown = explanation_text([(explain(kb, client, AS_OF), "Dee")])
    assert shown.replace(kb.version, "VER") == (
        "d (Dee) · as of 2026-11-01 · kb VER\n"
        "fired\n"
        "  ads_first_warning · Landing pages before ads · rules/main.yaml:21:5\n"
        "    produced: warning ads_before_landing_pages\n"
        "  talk_to_choleric · Be brief · rules/main.yaml:33:5\n"
        "    produced: communication temperament_choleric\n"
        "not fired\n"
        "  optimise_in_band · Optimise · rules/main.yaml:2:5\n"
        "    kpi_deviation_pct is missing, rule wants between 10% and 15%\n"
        "  grow_when_met · Grow · rules/main.yaml:12:5\n"
        "    kpi_met is missing, rule wants true\n"
        "dropped steps\n"
        "  ads_first_warning asked for launch_context_ads: the client has no known "
        "project_type, so there is no journey to check\n"
        "\n")
    assert explanation_text([]) == ""


def test_the_summary_after_a_clients_table(kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen", "temperament": "choleric",
              "facts": {"has_crm": True}, "services": ["context_ads"],
              "completed_steps": ["briefing"]}
    ex = explain(kb, client, AS_OF)
    fired = "ads_first_warning (rules/main.yaml:21:5), talk_to_choleric (rules/main.yaml:33:5)"
    assert explanation_summary(ex) == f"rules fired: {fired}\n\n"
    assert explanation_summary(ex, "ru", bullet="- ") == f"- сработавшие правила: {fired}\n\n"
    dropped = explain(kb, {k: v for k, v in client.items() if k != "project_type"}, AS_OF)
    assert explanation_summary(dropped) == (
        f"rules fired: {fired}\n"
        "dropped steps: ads_first_warning asked for launch_context_ads: the client has no known "
        "project_type, so there is no journey to check\n\n")


def test_plain_text_has_no_table_of_recommendations(small_kb: engine.KnowledgeBase) -> None:
    rec = engine.recommend({"id": "c"}, kb=small_kb, as_of=dt.date(2026, 10, 15))
    with pytest.raises(NotImplementedError, match=r"^text$"):
        TextReporter().recommendations([(rec, None)], small_kb, "en")
