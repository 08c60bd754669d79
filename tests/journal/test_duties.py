"""To-dos, due dates, escalation and priority bands: what the journal asks of people, from the
rules' and steps' ``due:``, the settings' ``journal.due`` and ``journal.escalate``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import engine
from engine import journal
from engine.journal.duties import Policy
from engine.models import DueSettings, EscalationSettings, JournalSettings, PriorityDue
from tests.journal.support import AS_OF, record

SETTINGS = JournalSettings(
    due=DueSettings(within_days=7, kinds={"warning": 3, "upsell": 14},
                    priority=[PriorityDue(at_least=900, within_days=1),
                              PriorityDue(at_least=750, within_days=3)]),
    escalate=EscalationSettings(overdue_days=3, priority=900), bands=[400, 600, 800])


def test_a_rule_then_a_step_then_the_settings_say_when_a_to_do_is_due() -> None:
    policy = Policy(SETTINGS, rule_days={"nps_detractor": 2, "fast": 1},
                    step_days={"lead_gen": {"kickoff_call": 3}})
    assert policy.due_days("warning", "detractor_at_risk", ("nps_detractor",), 800, None) == 2
    assert policy.due_days("next_step", "x", ("nps_detractor", "fast"), 10, None) == 1
    assert policy.due_days("next_step", "kickoff_call", (), 480, "lead_gen") == 3
    assert policy.due_days("next_step", "kickoff_call", (), 480, "monobrand") == 7
    assert policy.due_days("upsell", "serm", (), 400, None) == 14
    assert policy.due_days("warning", "w", (), 760, None) == 3  # by kind and by priority: 3
    assert policy.due_days("upsell", "serm", (), 950, None) == 1  # the priority's fewest


def test_an_overdue_to_do_escalates_late_enough_or_urgent_enough() -> None:
    policy = Policy(SETTINGS)
    assert not policy.escalated(990, 0)  # not overdue: nothing to escalate
    assert policy.escalated(950, 1) and not policy.escalated(899, 2)
    assert policy.escalated(10, 3)


def test_bands_and_roles() -> None:
    policy = Policy(SETTINGS, guidance_rules=frozenset({"restraint"}))
    assert [policy.band(p) for p in (0, 399, 400, 799, 800, 1000)] == [0, 0, 1, 2, 3, 3]
    assert policy.role("warning", ("restraint",)) == "guide"
    assert policy.role("warning", ("restraint", "other")) == "todo"
    assert policy.role("communication", ("other",)) == "guide"
    assert policy.role("blocked", ("other",)) == "blocked"
    assert policy.role("upsell", ("restraint",)) == "todo"


def test_the_bundled_knowledge_base_names_its_due_days_and_its_guidance() -> None:
    policy = Policy.of(engine.default_kb())
    assert policy.rule_days["work_before_payment"] == 1
    assert policy.step_days["lead_gen"]["kickoff_call"] == 3
    assert "ads_before_preparation" in policy.guidance_rules


def test_bands_must_ascend() -> None:
    with pytest.raises(ValueError, match="ascending order"):
        JournalSettings(bands=[600, 400])


def test_a_priority_moving_within_its_band_is_no_change_but_across_one_is(
        tmp_path: Path, kb: engine.KnowledgeBase) -> None:
    """A detractor's NPS answer makes the next step, the brief, urgent: 300 (band 0) -> 800 (band
    3), a change of the decision shown before -> after, and its due date moves with it."""
    client = {"id": "acme", "project_type": "lead_gen", "completed_steps": ["qualification"],
              "nps": 8, "nps_surveyed_on": "2026-10-01", "last_contact_on": "2026-10-10"}
    with journal.open(tmp_path / "j.db") as j:
        record(j, kb, [client], AS_OF)
        record(j, kb, [{**client, "last_contact_on": "2026-10-11"}], AS_OF + dt.timedelta(1))
        assert [c for c in j.changes() if c.change == "changed"] == []
        record(j, kb, [{**client, "nps": 2}], AS_OF + dt.timedelta(2))
        moved = {c.id: c for c in j.changes() if c.change == "changed"}
    brief = moved["briefing"]
    assert (brief.before["priority"], brief.after["priority"]) == (300, 800)
    # 7 days for a journey step, then the 2 days of the rule that now asks for it (nps_detractor)
    assert (brief.before["due_on"], brief.after["due_on"]) == ("2026-10-22", "2026-10-17")
