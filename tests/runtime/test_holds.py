"""Holds and any-of prerequisites, on the small test knowledge base with
tests/data/overlays/holds laid over it: a results review follows either launch; SERM (a new
service) waits for the review and is held while the optimisation rule acts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import engine
from engine.render.graph import dot, mermaid
from engine.tools.pictures import picture

from ..conftest import DATA, SMALL_KB, overlay, playbook

AS_OF = dt.date(2026, 11, 1)
SEO_DONE = ["briefing", "competitor_analysis", "landing_pages", "launch_seo"]
REVIEWED = [*SEO_DONE, "results_review"]
CPL_OFF = [{"name": "CPL", "target": 1000, "actual": 1120, "higher_is_better": False}]


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return overlay(SMALL_KB, DATA / "overlays" / "holds", tmp_path_factory.mktemp("h") / "kb")


@pytest.fixture(scope="module")
def kb(kb_dir: Path) -> engine.KnowledgeBase:
    return engine.load(kb_dir)


def ids(rec: engine.Recommendation, kind: str) -> list[str]:
    return [a.id for a in rec.actions if a.kind == kind]


def test_one_launch_of_an_any_of_list_is_enough(kb: engine.KnowledgeBase) -> None:
    rec = engine.recommend({"id": "c", "project_type": "lead_gen", "completed_steps": SEO_DONE},
                           kb=kb, as_of=AS_OF)
    assert "results_review" in ids(rec, "next_step")  # SEO launched, no ads: still reviewed


def test_an_unmet_any_of_group_is_reported_as_a_group(kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen", "services": ["serm"],
              "completed_steps": ["briefing", "competitor_analysis"]}
    rec = engine.recommend(client, kb=kb, as_of=AS_OF)
    blocked = next(a for a in rec.actions if a.kind == "blocked" and a.id == "serm")
    assert blocked.missing == ("results_review",)
    assert blocked.missing_one_of == (("launch_context_ads", "launch_seo"),)
    assert blocked.label() == ("blocked serm (missing: results_review, "
                               "one of: launch_context_ads | launch_seo)")
    assert blocked.reason.endswith('Not yet: first “Review the results”, one of “Launch '
                                   'contextual ads” or “Start SEO”.')
    assert "landing_pages" in ids(rec, "next_step")  # what the group's members wait for


def test_a_held_step_is_proposed_by_nobody_and_said_why(kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen", "services": ["serm"],
              "completed_steps": REVIEWED, "kpis": CPL_OFF}
    free = engine.recommend({**client, "kpis": []}, kb=kb, as_of=AS_OF)
    assert "serm" in ids(free, "upsell") and free.held == []
    rec = engine.recommend(client, kb=kb, as_of=AS_OF)
    assert "optimise_campaigns" not in ids(rec, "next_step")  # no ads: nothing to optimise
    assert all(a.id != "serm" for a in rec.actions)  # neither the rule's upsell nor the journey
    assert [h.model_dump() for h in rec.held] == [{
        "kind": "step", "id": "serm", "title": "Offer SERM", "rules": ("optimise_in_band",),
        "reason": "Fix the KPI before selling more."}]
    ru = engine.recommend(client, kb=kb, as_of=AS_OF, lang="ru")
    assert ru.held[0].reason == "Сначала KPI, потом продажи."


def test_the_frontier_holds_too(kb: engine.KnowledgeBase) -> None:
    client = {"id": "c", "project_type": "lead_gen", "completed_steps": REVIEWED}
    assert "serm" in ids(engine.recommend(client, kb=kb, as_of=AS_OF), "next_step")
    rec = engine.recommend({**client, "kpis": CPL_OFF}, kb=kb, as_of=AS_OF)
    assert "serm" not in ids(rec, "next_step") and [h.id for h in rec.held] == ["serm"]


def test_explain_and_json_say_who_held_what(kb_dir: Path, tmp_path: Path) -> None:
    client = tmp_path / "c.yaml"
    client.write_text(json.dumps({"id": "c", "project_type": "lead_gen", "services": ["serm"],
                                  "completed_steps": REVIEWED, "kpis": CPL_OFF}))
    out = playbook("dry-run", str(client), "--kb", str(kb_dir), "--as-of", "2026-11-01",
                   "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    rec = doc[0] if isinstance(doc, list) else doc["recommendations"][0]
    assert rec["held"] == [{"kind": "step", "id": "serm", "title": "Offer SERM",
                            "rules": ["optimise_in_band"],
                            "reason": "Fix the KPI before selling more."}]
    table = playbook("dry-run", str(client), "--kb", str(kb_dir), "--as-of", "2026-11-01")
    assert "Held back: Offer SERM (serm)\n  Fix the KPI before selling more." in table.stdout
    assert table.stdout.count("serm") == 1  # not a row: only the held line
    explained = playbook("dry-run", str(client), "--kb", str(kb_dir), "--as-of", "2026-11-01",
                         "--explain")
    assert "held back" in explained.stdout
    assert "serm (Offer SERM): held by optimise_in_band: Fix the KPI before selling more." \
        in explained.stdout


def test_pictures_draw_any_of_arrows_apart(kb: engine.KnowledgeBase) -> None:
    pic = picture(kb, "lead_gen")
    assert pic.any_edges == (("launch_context_ads", "results_review"),
                             ("launch_seo", "results_review"))
    assert ("briefing", "results_review") in pic.edges
    assert "  launch_seo -. one of .-> results_review" in mermaid(pic).splitlines()
    assert ('  "launch_seo" -> "results_review" [style=dashed, label="one of", fontsize=9];'
            in dot(pic).splitlines())


def test_a_step_of_another_journey_is_a_note_not_an_error() -> None:
    rec = engine.recommend({"id": "c", "project_type": "lead_gen",
                            "completed_steps": ["qualification", "mvp_release"]},
                           as_of=AS_OF)
    assert rec.notes == ["The completed step 'mvp_release' is not on the Services business "
                         "buying leads journey, so it was ignored."]
    ru = engine.recommend({"id": "c", "project_type": "lead_gen",
                           "completed_steps": ["mvp_release"]}, as_of=AS_OF, lang="ru")
    assert ru.notes == ["Выполненного шага «mvp_release» нет на карте «Бизнес услуг, "
                        "покупающий лиды», поэтому он не учтён."]
    assert "mvp_release" not in [a.id for a in rec.actions]


def test_a_step_known_nowhere_is_still_an_error() -> None:
    with pytest.raises(engine.ClientError) as info:
        engine.recommend({"id": "c", "project_type": "lead_gen",
                          "completed_steps": ["qualificaton"]}, as_of=AS_OF)
    message = str(info.value)
    assert "unknown journey step 'qualificaton'" in message and "'qualification'" in message


# --- the bundled knowledge base: what a stop-warning contradicts, one piece, one offer --------

LEAD_GEN_LIVE = ["qualification", "briefing", "proposal", "contract_signed", "payment_received",
                 "handoff", "access_granted", "kickoff_call", "owner_interview", "analytics_setup",
                 "kpi_agreed", "site_audit", "competitor_analysis", "landing_pages",
                 "launch_context_ads"]
DAY = dt.date(2026, 10, 15)


def held(rec: engine.Recommendation) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(h.kind, h.id): h.rules for h in rec.held}


def test_a_hold_covers_the_playbook_pitches_too() -> None:
    client = {"id": "c", "project_type": "marketplace", "company_stage": "stability", "nps": 4,
              "nps_surveyed_on": "2026-10-01"}
    rec = engine.recommend(client, as_of=DAY)
    assert "growth_plan" not in ids(rec, "communication")
    assert held(rec)["communication", "growth_plan"] == ("nps_detractor",)
    calm = engine.recommend({**client, "nps": 8}, as_of=DAY)
    assert "growth_plan" in ids(calm, "communication")


def test_a_bought_service_is_spared_by_a_category_hold_but_not_when_named() -> None:
    low = {"id": "c", "project_type": "lead_gen", "importance": "low", "services": ["context_ads"],
           "completed_steps": LEAD_GEN_LIVE[:-1]}
    rec = engine.recommend(low, as_of=DAY)
    assert "limit_service_scope" in ids(rec, "warning")
    assert "launch_context_ads" in ids(rec, "next_step")  # bought: inside the scope
    store = {"id": "s", "project_type": "marketplace", "services": ["context_ads", "seo", "serm"],
             "completed_steps": [*LEAD_GEN_LIVE[:-1], "site_structure"]}
    rec = engine.recommend(store, as_of=DAY)
    assert "launch_context_ads" in ids(rec, "next_step")
    assert "launch_seo" not in ids(rec, "next_step")  # bought, but named: ads alone first
    assert held(rec)["step", "launch_seo"] == ("too_much_about_to_start",)


def test_a_rule_is_held_as_one_piece_and_a_held_checklist_is_not_brought_along() -> None:
    reviewed = {"id": "c", "project_type": "lead_gen", "services": ["context_ads"],
                "completed_steps": [*LEAD_GEN_LIVE, "optimise_campaigns", "results_review"],
                "campaign_launched_on": "2026-06-01", "facts": {"profitability_score": -3},
                "kpis": [{"name": "CPL", "target": 1000, "actual": 950,
                          "higher_is_better": False}]}
    rec = engine.recommend(reviewed, as_of=DAY)
    assert "results_review" not in ids(rec, "next_step")  # grow_when_kpi_met: one piece
    assert held(rec)["step", "results_review"] == ("limit_scope_of_unprofitable_client",)
    assert held(rec)["communication", "growth_plan"] == ("limit_scope_of_unprofitable_client",)
    first = {"id": "f", "project_type": "lead_gen", "importance": "low",
             "services": ["context_ads"], "completed_steps": [*LEAD_GEN_LIVE, "optimise_campaigns"],
             "campaign_launched_on": "2026-09-01"}
    review = next(a for a in engine.recommend(first, as_of=DAY).actions
                  if a.id == "results_review")
    assert review.details is None  # its checklist is the growth conversation, held
    free = next(a for a in engine.recommend({**first, "importance": "regular"}, as_of=DAY).actions
                if a.id == "results_review")
    assert free.details is not None and free.details.entry == "growth_plan"


def test_a_contact_who_needs_small_steps_gets_one_offer_at_a_time() -> None:
    client = {"id": "c", "project_type": "lead_gen", "services": ["context_ads"],
              "completed_steps": [*LEAD_GEN_LIVE, "optimise_campaigns", "results_review"],
              "campaign_launched_on": "2026-06-01",
              "kpis": [{"name": "CPL", "target": 1000, "actual": 950, "higher_is_better": False}]}
    active = engine.recommend({**client, "activity": "active"}, as_of=DAY)
    waiting = engine.recommend({**client, "activity": "waiting"}, as_of=DAY, lang="ru")
    offers = {"serm", "site_structure", "retargeting", "audience_targeting", "site_speed",
              "mobile_optimisation", "growth_plan", "launch_seo", "bundle_quality_check"}
    assert len(offers & {a.id for a in active.actions}) >= 5
    kept = offers & {a.id for a in waiting.actions}
    assert kept == {"growth_plan"}  # the most important one: the growth conversation
    paced = [h for h in waiting.held if h.rules == ("work_with_waiting_client",)]
    assert {h.id for h in paced} == offers & {a.id for a in active.actions} - kept
    assert paced[0].reason.startswith("Выжидающий клиент покупает маленькими шагами")


def test_a_step_ticked_out_of_order_is_a_note_naming_what_is_missing() -> None:
    client = {"id": "c", "project_type": "lead_gen", "services": ["seo"],
              "completed_steps": ["qualification", "briefing", "proposal", "contract_signed",
                                  "handoff"]}
    rec = engine.recommend(client, as_of=DAY)
    assert rec.notes == ["“Hand the client over from sales to the project team” is marked done, "
                         "but “Receive the first payment” is not: check the record in the CRM; "
                         "nothing that depends on it is proposed until then."]
    assert ids(rec, "next_step")[:1] == ["payment_received"]
    assert "access_granted" not in ids(rec, "next_step")
    ru = engine.recommend({**client, "completed_steps": ["qualification", "site_structure"]},
                          as_of=DAY, lang="ru")
    assert ru.notes == ["Шаг «Проработать структуру сайта под SEO» отмечен выполненным, но не "
                        "выполнены шаги до него (14), начиная с «Провести брифинг»: проверьте "
                        "запись в CRM; до тех пор ничего, что от него зависит, не предлагается."]
