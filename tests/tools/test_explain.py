"""Explanations: fired rules, the first failing condition with the client's value, missing facts,
any-conditions, blocked chains, exclusive groups, dropped steps; `playbook explain` and
`playbook dry-run --explain`."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import engine
from engine.cli import main
from engine.language.conditions import Test
from engine.language.fact_types import FactType, enum, list_of
from engine.render.conditions import condition_text, unmet_text
from engine.render.json import explanation as explanation_json
from engine.runtime.guard import Dropped
from engine.tools.explain import BlockedStep, Explanation, GroupOutcome, Prerequisite, explain

from ..conftest import DATA, SMALL_KB, TESTS, golden, overlay, playbook

AS_OF = dt.date(2026, 11, 1)
DONE = ["briefing", "competitor_analysis", "landing_pages", "launch_context_ads"]
ADS_FIRST: dict[str, Any] = {
    "id": "ads_first", "name": "Okna Plus", "project_type": "lead_gen",
    "services": ["context_ads"], "completed_steps": ["briefing"], "temperament": "sanguine",
    "kpis": [{"name": "CPL", "target": 1000, "actual": 1154, "higher_is_better": False}]}


@pytest.fixture(scope="module")
def group_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/small_kb plus calm_detractor: an any-condition, out-ranking optimise_in_band in
    'kpi'."""
    return overlay(SMALL_KB, DATA / "overlays" / "explain", tmp_path_factory.mktemp("x") / "kb")


def unmet_texts(ex: Explanation) -> dict[str, str]:
    return {r.id: unmet_text(r.unmet, ex.lang) for r in ex.rules if r.unmet}


def test_a_fired_rule_lists_what_it_produced(small_kb: engine.KnowledgeBase) -> None:
    ex = explain(small_kb, ADS_FIRST, AS_OF)
    fired = ex.rules[0]
    assert (fired.id, fired.status, fired.location) == (
        "ads_first_warning", "fired", str(small_kb.locations["rule:ads_first_warning"]))
    assert fired.produced == (
        "warning ads_before_landing_pages",
        "blocked launch_context_ads (missing: competitor_analysis, landing_pages)",
        "next_step competitor_analysis", "next_step landing_pages")


def test_the_first_failing_condition_shows_the_clients_value(small_kb: engine.KnowledgeBase
                                                             ) -> None:
    ex = explain(small_kb, ADS_FIRST, AS_OF)
    assert unmet_texts(ex) == {
        "optimise_in_band": "kpi_deviation_pct is 15.4%, rule wants between 10% and 15%",
        "grow_when_met": "kpi_met is false, rule wants true",
        "talk_to_choleric": "temperament is sanguine, rule wants choleric",
    }
    unmet = next(r.unmet for r in ex.rules if r.id == "optimise_in_band")
    assert unmet is not None
    assert (unmet.fact, unmet.op, unmet.wanted, unmet.actual) == (
        "kpi_deviation_pct", "between", (10, 15), 15.4)


def test_a_missing_fact_is_named_as_missing(small_kb: engine.KnowledgeBase) -> None:
    ex = explain(small_kb, {"id": "c", "project_type": "lead_gen", "temperament": "choleric"},
                 AS_OF)
    texts = unmet_texts(ex)
    assert texts["talk_to_choleric"] == "facts.has_crm is missing, rule wants anything but false"
    assert texts["ads_first_warning"] == "services is missing, rule wants it to include context_ads"
    assert texts["optimise_in_band"] == (
        "kpi_deviation_pct is missing, rule wants between 10% and 15%")
    unmet = next(r.unmet for r in ex.rules if r.id == "talk_to_choleric")
    assert unmet is not None and unmet.actual is None


def test_an_any_condition_lists_every_alternative_that_failed(group_kb: Path) -> None:
    kb = engine.load(group_kb)
    ex = explain(kb, {"id": "c", "nps": 8, "temperament": "melancholic",
                      "last_contact_on": "2026-10-22"}, AS_OF)
    unmet = next(r.unmet for r in ex.rules if r.id == "calm_detractor")
    assert unmet is not None and unmet_text(unmet, "en") == "none of the alternatives held"
    assert [unmet_text(a, "en") for a in unmet.alternatives] == [
        "nps is 8, rule wants <= 6", "days_since_contact is 10, rule wants >= 30"]


def test_an_any_condition_that_holds_fires(group_kb: Path) -> None:
    kb = engine.load(group_kb)
    ex = explain(kb, {"id": "c", "nps": 9, "temperament": "melancholic",
                      "last_contact_on": "2026-09-01"}, AS_OF)
    assert ex.rules[0].id == "calm_detractor" and ex.rules[0].status == "fired"


def test_the_exclusive_group_names_its_winner_and_the_suppressed(group_kb: Path) -> None:
    kb = engine.load(group_kb)
    client = {**ADS_FIRST, "nps": 5,
              "kpis": [{"name": "CPL", "target": 1000, "actual": 1120, "higher_is_better": False}]}
    ex = explain(kb, client, AS_OF)
    assert [(r.id, r.status) for r in ex.rules] == [
        ("ads_first_warning", "fired"), ("calm_detractor", "fired"),
        ("optimise_in_band", "suppressed"), ("grow_when_met", "not_matched"),
        ("talk_to_choleric", "not_matched")]
    suppressed = ex.rules[2]
    assert (suppressed.winner, suppressed.group, suppressed.unmet) == ("calm_detractor", "kpi",
                                                                       None)
    assert ex.groups == (GroupOutcome("kpi", "calm_detractor", ("optimise_in_band",)),)


def test_a_blocked_step_shows_the_chain_of_missing_prerequisites(
        small_kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen",
              "kpis": [{"name": "leads", "target": 100, "actual": 120}]}
    ex = explain(small_kb, client, AS_OF)
    assert ex.blocked == (BlockedStep("serm", ("grow_when_met",), (
        Prerequisite("briefing", ()),
        Prerequisite("competitor_analysis", ("briefing",)),
        Prerequisite("landing_pages", ("briefing",)),
        Prerequisite("launch_context_ads", ("competitor_analysis", "landing_pages")))),)
    assert ex.groups == (GroupOutcome("kpi", "grow_when_met", ()),)


def test_a_dropped_step_says_why(small_kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen", "completed_steps": [*DONE, "serm"],
              "kpis": [{"name": "leads", "target": 100, "actual": 120}]}
    ex = explain(small_kb, client, AS_OF)
    assert ex.dropped == (Dropped("grow_when_met", "serm", "already_done"),)
    assert ex.rules[0].produced == ()


@pytest.mark.parametrize("why", ["no_journey", "not_on_journey", "already_done", "held",
                                 "paced"])
def test_every_drop_code_has_words_in_both_languages(why: str) -> None:
    from engine.render.text import dropped_why
    from engine.runtime.guard import DROP_CODES

    assert why in DROP_CODES
    d = Dropped("a_rule", "serm", why, journey="lead_gen", by="other_rule")
    english, russian = dropped_why(d, "en"), dropped_why(d, "ru")
    assert english != russian and not re.search(r"\b(the|by|its|and|no)\b", russian)


def test_explain_in_russian_prints_no_english(small_kb: engine.KnowledgeBase,
                                              tmp_path: Path) -> None:
    client = {"id": "c", "project_type": "lead_gen", "completed_steps": [*DONE, "serm"],
              "kpis": [{"name": "leads", "target": 100, "actual": 120}]}
    path = tmp_path / "c.yaml"
    path.write_text(json.dumps(client), encoding="utf-8")
    done = playbook("explain", str(path), "--kb", str(SMALL_KB), "--as-of", AS_OF.isoformat(),
                    "--lang", "ru")
    assert done.returncode == 0, done.stderr
    assert "grow_when_met просит serm: уже сделано, а карта пути этот шаг не повторяет" \
        in done.stdout
    words = set(re.findall(r"\b[a-z]{3,}\b", re.sub(r"[\w.]*_[\w.]*|\S+\.yaml\S*", "",
                                                       done.stdout)))
    ids_and_values = {"kpi", "serm", "leads", "briefing", "temperament", "choleric"}
    assert words <= ids_and_values, words  # every other word is Russian


def test_only_keeps_what_concerns_one_rule(small_kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen",
              "kpis": [{"name": "leads", "target": 100, "actual": 120}]}
    ex = explain(small_kb, client, AS_OF)
    assert [r.id for r in ex.only("grow_when_met").rules] == ["grow_when_met"]
    assert ex.only("grow_when_met").blocked == ex.blocked
    mine = ex.only("talk_to_choleric")
    assert (mine.blocked, mine.groups, mine.dropped) == ((), (), ())


def test_explanations_are_json_ready(small_kb: engine.KnowledgeBase) -> None:
    data = json.loads(json.dumps(explanation_json(explain(small_kb, ADS_FIRST, AS_OF))))
    assert data["as_of"] == "2026-11-01" and data["client_id"] == "ads_first"
    assert data["rules"][1]["unmet"] == {
        "text": "kpi_deviation_pct is 15.4%, rule wants between 10% and 15%",
        "fact": "kpi_deviation_pct", "op": "between", "wanted": [10, 15], "actual": 15.4,
        "alternatives": []}
    assert data["blocked"][0]["missing"] == [
        {"step": "competitor_analysis", "waits_for": []},
        {"step": "landing_pages", "waits_for": []}]


def test_explanations_in_russian(small_kb: engine.KnowledgeBase) -> None:
    ex = explain(small_kb, ADS_FIRST, AS_OF, lang="ru")
    assert unmet_texts(ex)["optimise_in_band"] == (
        "kpi_deviation_pct = 15,4\u00a0%, правило требует от 10\u00a0% до 15\u00a0%")
    assert ex.rules[0].title == "Сначала посадочные"


STEPS = list_of(enum("briefing", "serm"))
MONEY = FactType("number", unit="rub")


@pytest.mark.parametrize(("test", "actual", "ftype", "text"), [
    (Test("nps", "lte", 6), 8, FactType("int"), "nps is 8, rule wants <= 6"),
    (Test("nps", "lte", 6), None, FactType("int"), "nps is missing, rule wants <= 6"),
    (Test("nps", "gt", 8), 3, FactType("int"), "nps is 3, rule wants > 8"),
    (Test("nps", "lt", 3), 3, FactType("int"), "nps is 3, rule wants < 3"),
    (Test("monthly_budget", "gte", 100000), 50000.5, MONEY,
     "monthly_budget is 50,000.5\u00a0₽, rule wants >= 100,000\u00a0₽"),
    (Test("kpi_deviation_pct", "outside", (10, 15)), 12.25, FactType("number", unit="percent"),
     "kpi_deviation_pct is 12.25%, rule wants below 10% or above 15%"),
    (Test("temperament", "one_of", ("choleric", "sanguine")), "phlegmatic", FactType("enum"),
     "temperament is phlegmatic, rule wants one of choleric, sanguine"),
    (Test("temperament", "none_of", ("choleric",)), "choleric", FactType("enum"),
     "temperament is choleric, rule wants none of choleric"),
    (Test("completed_steps", "includes", "serm"), frozenset({"briefing"}), STEPS,
     "completed_steps is [briefing], rule wants it to include serm"),
    (Test("completed_steps", "excludes", "serm"), frozenset({"serm", "briefing"}), STEPS,
     "completed_steps is [briefing, serm], rule wants it not to include serm"),
    (Test("goals_changed", "ne", True), True, FactType("bool"),
     "goals_changed is true, rule wants anything but true"),
    (Test("nps", "exists"), None, FactType("int"), "nps is missing, rule wants it known"),
    (Test("client_since", "missing"), dt.date(2025, 1, 31), FactType("date"),
     "client_since is 2025-01-31, rule wants it missing"),
])
def test_plain_words_for_every_operator(test: Test, actual: Any, ftype: FactType,
                                        text: str) -> None:
    assert condition_text(test, actual, ftype, "en") == text


# --- the command line ----------------------------------------------------------------------

def client_file(tmp_path: Path, *clients: dict[str, Any]) -> str:
    path = tmp_path / "clients.yaml"
    path.write_text(yaml.safe_dump(list(clients), allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS.parent)


@pytest.mark.usefixtures("at_repo_root")
def test_explain_command_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    growing = {"id": "growing", "project_type": "lead_gen", "completed_steps": DONE,
               "temperament": "choleric", "kpis": [{"name": "leads", "target": 100,
                                                    "actual": 120}]}
    path = client_file(tmp_path, ADS_FIRST, growing)
    assert main(["explain", path, "--kb", "tests/data/small_kb", "--as-of", "2026-11-01"]) == 0
    version = engine.load(SMALL_KB).version  # a content hash: kept out of the golden file
    golden(DATA / "golden" / "cli_explain.txt", capsys.readouterr().out.replace(version, "VER"))


@pytest.mark.usefixtures("at_repo_root")
def test_explain_one_rule_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = client_file(tmp_path, ADS_FIRST)
    assert main(["explain", path, "--kb", "tests/data/small_kb", "--as-of", "2026-11-01",
                 "--rule", "optimise_in_band", "--format", "json"]) == 0
    (data,) = json.loads(capsys.readouterr().out)["explanations"]
    assert [r["id"] for r in data["rules"]] == ["optimise_in_band"]
    assert data["rules"][0]["status"] == "not_matched"


@pytest.mark.usefixtures("at_repo_root")
def test_explain_an_unknown_rule_exits_1_with_did_you_mean(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = client_file(tmp_path, ADS_FIRST)
    assert main(["explain", path, "--kb", "tests/data/small_kb", "--rule", "optimise_in_bnd"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == (
        "error[unknown-rule] the knowledge base has no rule 'optimise_in_bnd'\n"
        "  expected: one of 'ads_first_warning', 'grow_when_met', 'optimise_in_band', "
        "'talk_to_choleric'\n"
        "  hint: did you mean 'optimise_in_band'?\n")


def test_dry_run_explain_names_fired_and_suppressed_rules(
        group_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    client = {**ADS_FIRST, "nps": 5,
              "kpis": [{"name": "CPL", "target": 1000, "actual": 1120, "higher_is_better": False}]}
    path = client_file(tmp_path, client)
    monkeypatch.chdir(group_kb)
    assert main(["dry-run", path, "--kb", ".", "--as-of", "2026-11-01", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        "rules fired: ads_first_warning (rules/main.yaml:21:5), calm_detractor "
        "(rules/extra.yaml:4:5)\n"
        "suppressed: optimise_in_band (rules/main.yaml:2:5) · group kpi was won by "
        "calm_detractor\n\n")


def test_dry_run_explain_json_has_an_explanation_per_client(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = client_file(tmp_path, ADS_FIRST, {"id": "other"})
    assert main(["dry-run", path, "--kb", str(SMALL_KB), "--as-of", "2026-11-01",
                 "--explain", "--format", "json"]) == 0
    first, second = json.loads(capsys.readouterr().out)["recommendations"]
    assert first["explanation"]["client_id"] == "ads_first"
    assert first["explanation"]["rules"][0]["status"] == "fired"
    assert second["explanation"]["blocked"] == []


def test_dry_run_without_explain_has_no_explanation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = client_file(tmp_path, ADS_FIRST)
    assert main(["dry-run", path, "--kb", str(SMALL_KB), "--format", "json"]) == 0
    assert "explanation" not in json.loads(capsys.readouterr().out)["recommendations"][0]
