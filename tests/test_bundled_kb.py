"""The bundled knowledge base is gated by the suite: every scenario file written next to its
rules passes, and `playbook validate --strict` is clean. Each scenario case is its own test, so
a broken expectation names the case that broke."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import engine
from engine.kb.files import bundled_root, scenario_files
from engine.tools import scenarios

from .conftest import playbook

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("rules", "journey_maps", "playbooks")


@pytest.mark.parametrize("path", scenario_files(bundled_root()), ids=lambda p: p.name)
def test_bundled_scenarios_pass(path: Path) -> None:
    run = scenarios.run(engine.default_kb(), [path])
    failures = [f"{c.location}: {c.name}: {f.message}" for c in run.cases for f in c.failures]
    assert not run.problems and not failures, "\n".join(failures + [d.render()
                                                                     for d in run.problems])
    assert run.cases, f"{path.name} has no cases"


def test_validate_strict_is_clean_on_the_bundled_kb() -> None:
    result = playbook("validate", "--strict", "--kb", str(bundled_root()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ") and "warning" not in result.stdout


def test_a_broken_bundled_expectation_fails_playbook_test(tmp_path: Path) -> None:
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, tmp_path / folder)
    path = tmp_path / "rules" / "optimisation.test.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- {kind: next_step, id: optimise_campaigns}",
                                 "- {kind: upsell, id: optimise_campaigns}", 1), encoding="utf-8")
    result = playbook("test", "--kb", str(tmp_path), str(path))
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "expected upsell optimise_campaigns" in result.stdout


# --- advice an account director would sign (issue 10) ---------------------------------------

NB = "\u00a0"
SALES_DONE = ["qualification", "briefing"]


def test_a_client_in_sales_sees_the_next_sales_step_above_the_guides() -> None:
    rec = engine.recommend({"id": "c", "project_type": "lead_gen", "temperament": "choleric",
                            "completed_steps": SALES_DONE}, as_of=dt.date(2026, 10, 15))
    kinds = [(a.kind, a.id) for a in rec.actions]
    assert kinds.index(("next_step", "proposal")) < kinds.index(
        ("communication", "temperament_choleric"))


@pytest.mark.parametrize(("lang", "figure"), [("ru", f"14{NB}000{NB}₽"), ("en", f"14,000{NB}₽")])
def test_the_small_request_quotes_the_clients_own_budget(lang: str, figure: str) -> None:
    rec = engine.recommend({"id": "c", "project_type": "marketplace", "monthly_budget": 14000},
                           as_of=dt.date(2026, 10, 15), lang=lang)
    warning = next(a for a in rec.actions if a.id == "small_request_not_small_client")
    assert figure in warning.reason and "5 000" not in warning.reason


def test_a_deviation_just_past_the_band_is_written_precisely() -> None:
    done = ["qualification", "briefing", "proposal", "contract_signed", "payment_received",
            "handoff", "access_granted", "kickoff_call", "analytics_setup", "kpi_agreed",
            "site_audit", "competitor_analysis", "landing_pages", "launch_context_ads"]
    client = {"id": "c", "project_type": "lead_gen", "completed_steps": done,
              "campaign_launched_on": dt.date(2026, 9, 1),
              "kpis": [{"name": "CPL", "target": 1000, "actual": 1154,
                        "higher_is_better": False}]}
    en = engine.recommend(client, as_of=dt.date(2026, 10, 15))
    ru = engine.recommend(client, as_of=dt.date(2026, 10, 15), lang="ru")
    assert "CPL is 15.4% worse than target, past the 15% edge" in \
        next(a.reason for a in en.actions if a.id == "kpi_beyond_band")
    assert f"CPL хуже цели на 15,4{NB}%" in \
        next(a.reason for a in ru.actions if a.id == "kpi_beyond_band")


def test_journey_titles_are_plain() -> None:
    """The situation is the reason's job: no title says when or why."""
    kb = engine.default_kb()
    for journey in kb.journeys.values():
        for step in journey.spec.steps:
            title = step.title.en.lower()
            assert not any(word in title for word in (" if ", " once ", "quarterly",
                                                      "(seasonal")), (journey.project_type,
                                                                      step.id, title)


def test_every_canonical_step_that_applies_is_on_its_journey() -> None:
    kb = engine.default_kb()
    seo = {"site_structure", "launch_seo", "site_speed", "snippets", "mobile_optimisation"}
    for project_type in ("marketplace", "monobrand", "lead_gen", "web_development"):
        assert seo <= kb.journeys[project_type].step_ids, project_type
    assert {"prototype", "mvp_release", "discovery_backlog"} <= \
        kb.journeys["web_development"].step_ids
    assert {"content_marketing", "display_campaign", "serm"} <= kb.journeys["monobrand"].step_ids


def test_the_first_results_review_follows_an_seo_launch_too() -> None:
    done = [*SALES_DONE, "proposal", "contract_signed", "payment_received", "handoff",
            "access_granted", "kickoff_call", "analytics_setup", "kpi_agreed", "site_audit",
            "site_structure", "launch_seo"]
    rec = engine.recommend({"id": "c", "project_type": "marketplace", "services": ["seo"],
                            "campaign_launched_on": "2026-03-01", "completed_steps": done},
                           as_of=dt.date(2026, 10, 15))
    review = next(a for a in rec.actions if a.id == "results_review")
    assert "first_results_review_due" in review.rules and review.priority == 450
