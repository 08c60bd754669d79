"""The words an account director reads (issue 22): a reason names the condition that applies
with the client's own figures; Russian without calques, with Russian dates in the heading and
no raw ids unless asked (``--ids``); what is held back is shown with why; a guide's title never
only repeats its summary (a lint warning)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

import engine

from .conftest import ROOT, SMALL_KB, overlay, playbook

DAY = dt.date(2026, 10, 15)
SOLD = ["qualification", "briefing", "proposal", "contract_signed", "payment_received", "handoff",
        "access_granted", "kickoff_call", "owner_interview", "analytics_setup", "kpi_agreed"]


def reason(client: dict[str, Any], kind: str, id: str, lang: str = "en") -> str:
    rec = engine.recommend({"id": "c", **client}, as_of=DAY, lang=lang)
    return next(a.reason for a in rec.actions if (a.kind, a.id) == (kind, id))


@pytest.mark.parametrize("facts,says,not_says", [
    ({"proposal_template_exists": False}, "no standard proposal", "prices"),
    ({"proposal_template_exists": True, "proposal_services": 3}, "3 services", "no standard"),
    ({"proposal_template_exists": True, "prices_above_market": True}, "above the market",
     "template")])
def test_the_proposal_reason_names_the_condition_that_applies(
        facts: dict[str, Any], says: str, not_says: str) -> None:
    client = {"project_type": "lead_gen", "completed_steps": ["qualification", "briefing"],
              "facts": facts}
    text = reason(client, "communication", "proposal_individual")
    assert says in text and not_says not in text


def test_the_scope_warning_quotes_the_clients_own_score() -> None:
    client = {"project_type": "lead_gen", "facts": {"profitability_score": -3}}
    assert "-3" in reason(client, "warning", "limit_service_scope")
    assert "набрал -3 " in reason(client, "warning", "limit_service_scope", "ru")
    low = reason({"project_type": "lead_gen", "importance": "low"}, "warning",
                 "limit_service_scope")
    assert "low importance" in low and "score" not in low


def test_running_ads_name_only_the_preparation_that_is_missing() -> None:
    client = {"project_type": "lead_gen", "services": ["context_ads"],
              "completed_steps": [*SOLD, "site_audit", "competitor_analysis",
                                  "launch_context_ads"]}
    text = reason(client, "warning", "ads_running_unprepared")
    assert "landing pages" in text and "competitor" not in text


def test_no_reason_names_a_step_already_done_as_still_to_do() -> None:
    client = {"project_type": "lead_gen", "services": ["context_ads"],
              "completed_steps": [*SOLD, "site_audit", "competitor_analysis"]}
    text = reason(client, "warning", "ads_before_preparation")
    assert "landing pages" in text and "competitor" not in text


RU_CALQUES = ("в целях или близко к ним", "открыт новым услугам", "в целях или близко")


def test_the_russian_texts_have_no_calques() -> None:
    text = "\n".join(p.read_text(encoding="utf-8")
                     for folder in ("rules", "journey_maps", "playbooks")
                     for p in (ROOT / folder).glob("*.yaml"))
    for calque in RU_CALQUES:
        assert calque not in text, calque


def test_no_guide_title_is_repeated_by_its_summary() -> None:
    kb = engine.default_kb()
    for entry in kb.playbook.values():
        for lang in ("en", "ru"):
            title, summary = entry.title.get(lang), entry.summary.get(lang)
            assert not summary.lower().startswith(title.lower().rstrip(".")), (entry.id, lang)


def test_a_title_repeated_by_its_summary_is_a_lint_warning(tmp_path: Path) -> None:
    kb_dir = overlay(SMALL_KB, SMALL_KB, tmp_path / "kb")
    (kb_dir / "playbooks" / "communication.yaml").write_text(
        "entries:\n  - id: temperament_choleric\n    kind: communication_guide\n"
        "    title: {en: Talking to a choleric client, ru: Как говорить с холериком}\n"
        "    summary: {en: Talking to a choleric client needs speed, ru: Быстро и кратко}\n"
        "    sources: [K18]\n", encoding="utf-8")
    kb = engine.load(kb_dir)
    found = [w for w in kb.warnings if w.code == "title-repeats"]
    assert [w.message for w in found] == [
        "the summary of playbook entry 'temperament_choleric' (en) says its title again: "
        "'Talking to a choleric client'"]
    assert found[0].location is not None and found[0].location.path.endswith("communication.yaml")


def test_a_reason_that_says_the_guide_summary_again_is_a_lint_warning(tmp_path: Path) -> None:
    kb_dir = overlay(SMALL_KB, SMALL_KB, tmp_path / "kb")
    (kb_dir / "playbooks" / "communication.yaml").write_text(
        "entries:\n  - id: temperament_choleric\n    kind: communication_guide\n"
        "    title: {en: Talking to a choleric client, ru: Как говорить с холериком}\n"
        "    summary: {en: Answer fast and briefly and stay calm and equal,"
        " ru: Быстро и кратко}\n    sources: [K18]\n", encoding="utf-8")
    (kb_dir / "rules" / "extra.yaml").write_text(
        "rules:\n  - id: calm_choleric\n    title: {en: Calm, ru: Спокойно}\n"
        "    reason: {en: 'He is impatient: answer fast and briefly, stay calm and equal.',"
        " ru: 'Он нетерпелив: отвечайте коротко и быстро.'}\n    priority: 20\n"
        "    sources: [K18]\n    when: {temperament: choleric}\n    then:\n"
        "      - communication: temperament_choleric\n", encoding="utf-8")
    kb = engine.load(kb_dir)
    found = [w for w in kb.warnings if w.code == "reason-repeats-summary"]
    assert [w.message for w in found] == [
        "the reason of rule 'calm_choleric' (en) says again what the summary of guide "
        "'temperament_choleric' says, shown right under it"]  # ru shares too few words
    assert found[0].location is not None and found[0].location.path.endswith("extra.yaml")


def test_the_bundled_guides_reasons_and_summaries_say_different_things() -> None:
    assert not [w for w in engine.default_kb().warnings if w.code == "reason-repeats-summary"]


def test_a_warning_that_says_stop_and_holds_nothing_is_a_lint_warning(tmp_path: Path) -> None:
    kb_dir = overlay(SMALL_KB, SMALL_KB, tmp_path / "kb")
    rule = ("  - id: {id}\n    title: {{en: T, ru: Т}}\n    reason: {{en: '{en}', ru: '{ru}'}}\n"
            "    priority: 5\n    sources: [K07]\n    when: {when}\n    then:\n"
            "      - warning: {id}\n{hold}")
    held = ("    hold:\n      step: serm\n      reason: {en: Not now, ru: Не сейчас}\n")
    rules = [("stop_ads", "Stop the ads for now.", "Подождите.", "{kpi_met: false}", ""),
             ("talk_out", "Talk the client out of it.", "Не надо.", "{nps: 3}", ""),
             ("ru_only", "Think twice.", "Ограничьте объём работ.", "{nps: 4}", ""),
             ("wait_on_step", "Not yet: landing pages first.", "Пока рано.",
              "{completed_steps: {excludes: landing_pages}}", ""),
             ("wait_on_nothing", "Not yet.", "Пока рано.", "{kpi_met: true}", ""),
             ("stop_and_hold", "Stop selling SERM.", "Остановите продажу.", "{nps: 5}", held),
             ("the_limit_is", "The limit is 14 days.", "Лимит 14 дней.", "{nps: 6}", "")]
    (kb_dir / "rules" / "extra.yaml").write_text("rules:\n" + "".join(
        rule.format(id=i, en=en, ru=ru, when=w, hold=h) for i, en, ru, w, h in rules),
        encoding="utf-8")
    kb = engine.load(kb_dir)
    found = [w.message for w in kb.warnings if w.code == "warning-holds-nothing"]
    assert found == [
        "the warning of rule 'stop_ads' says 'Stop' (en) but the rule holds nothing",
        "the warning of rule 'talk_out' says 'Talk the client out of' (en) but the rule holds "
        "nothing",
        "the warning of rule 'ru_only' says 'Ограничьте' (ru) but the rule holds nothing",
        "the warning of rule 'wait_on_nothing' says 'Not yet' (en) but the rule holds nothing"]


CLIENT = {"id": "bakery", "name": "Пекарня", "project_type": "lead_gen",
          "services": ["context_ads"], "activity": "waiting", "temperament": "melancholic",
          "completed_steps": [*SOLD, "site_audit", "competitor_analysis", "landing_pages",
                              "launch_context_ads", "optimise_campaigns", "results_review"],
          "campaign_launched_on": "2026-06-01", "facts": {"profitability_score": -3},
          "kpis": [{"name": "CPL", "target": 1000, "actual": 950, "higher_is_better": False}]}


@pytest.fixture(scope="module")
def client_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("c") / "bakery.json"
    path.write_text(json.dumps(CLIENT), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["markdown", "table"])
def test_russian_output_has_a_russian_date_and_no_raw_ids(client_file: Path, fmt: str) -> None:
    args = ["dry-run", str(client_file), "--as-of", "2026-10-15", "--format", fmt, "--lang", "ru"]
    wide = {**os.environ, "COLUMNS": "200"}  # ids unfolded in the table
    out = playbook(*args, env=wide).stdout
    assert "на дату 15 октября 2026" in out and "2026-10-15" not in out
    for raw in ("limit_service_scope", "profitability_scorecard", "temperament_melancholic",
                "satisfaction_survey"):
        assert raw not in out, raw
    with_ids = playbook(*args, "--ids", env=wide).stdout
    assert "limit_service_scope" in with_ids and "temperament_melancholic" in with_ids
    english = playbook(*args[:-2], env=wide).stdout
    assert "as of 2026-10-15" in english and "limit_service_scope" in english


@pytest.mark.parametrize("lang,label,title", [("en", "Held back", "Start SEO"),
                                              ("ru", "Отложено", "Запустить SEO-продвижение")])
def test_what_is_held_back_is_shown_with_why(client_file: Path, lang: str, label: str,
                                             title: str) -> None:
    out = playbook("dry-run", str(client_file), "--as-of", "2026-10-15", "--format", "markdown",
                   "--lang", lang).stdout
    held = out[out.index(label):]
    assert title in held
    why = {"en": "The client ranks low on profit", "ru": "Клиент низко в рейтинге по прибыли"}
    assert why[lang] in held
