"""Done, dismissed and snoozed advice, and when it comes back: real rules of the bundled
knowledge base, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import engine
from engine import journal
from engine.errors import DiagnosticsError
from engine.models import JournalSettings
from tests.journal.support import AS_OF, record

ACME = {"id": "acme", "project_type": "lead_gen", "completed_steps": ["qualification"],
        "nps_surveyed_on": "2026-10-01"}
NO_COOLDOWN = JournalSettings()


def day(n: int) -> dt.date:
    return AS_OF + dt.timedelta(days=n)


def status(j: journal.Journal, kind: str, action_id: str) -> str | None:
    """The status of acme's advice from its history (None: never recorded)."""
    found = [h.status for h in j.history("acme") if (h.kind, h.id) == (kind, action_id)]
    return found[-1] if found else None


def run(j: journal.Journal, kb: engine.KnowledgeBase, n: int,
        policy: JournalSettings | journal.Policy,
        **facts: Any) -> journal.RunSummary:
    return record(j, kb, [{**ACME, **facts}], day(n), policy=policy)


def inbox(j: journal.Journal) -> set[tuple[str, str]]:
    return {(i.kind, i.id) for i in j.inbox(client="acme").items}


def guides(j: journal.Journal) -> set[tuple[str, str]]:
    """acme's guidance, with its to-dos or on its card."""
    box = j.inbox(client="acme")
    found = [g for i in box.items for g in i.guides] + [g for c in box.clients for g in c.guides]
    return {(g.kind, g.id) for g in found}


def test_dismissed_returns_only_after_its_rule_stops_and_matches_again(
        target: str, kb: engine.KnowledgeBase) -> None:
    risk = ("warning", "detractor_at_risk")
    with journal.open(target) as j:
        run(j, kb, 0, NO_COOLDOWN, nps=2)
        assert risk in inbox(j)
        j.dismiss("acme", *risk, reason="client_declined", comment="known, handled")
        assert risk not in inbox(j)
        run(j, kb, 1, NO_COOLDOWN, nps=2)  # still matching: stays dismissed
        assert risk not in inbox(j) and status(j, *risk) == "dismissed"
        run(j, kb, 2, NO_COOLDOWN, nps=10)  # the rule stops matching: nothing to show
        assert status(j, *risk) == "dismissed"
        back = run(j, kb, 3, NO_COOLDOWN, nps=2)  # ... and matches again: back as new
        assert risk in {(i.kind, i.id) for i in j.inbox(new_only=True).items}
        assert (*risk, "new") in {(c.kind, c.id, c.change) for c in j.changes()}
        assert back.total.new == len([c for c in j.changes() if c.change == "new"])
        assert status(j, *risk) == "new"
        events = [(h.event, h.dismiss_reason, h.note) for h in j.history("acme")
                  if (h.kind, h.id) == risk]
    assert events[1] == ("dismissed", "client_declined", "known, handled")
    assert [e[0] for e in events] == ["new", "dismissed", "new"]


def test_the_cooldown_of_settings_holds_returning_advice_back(
        target: str, kb: engine.KnowledgeBase) -> None:
    risk = ("warning", "detractor_at_risk")
    policy = JournalSettings(cooldown_days=30, kinds={"warning": 10})
    with journal.open(target) as j:
        run(j, kb, 0, policy, nps=2)
        j.done("acme", *risk)
        run(j, kb, 1, policy, nps=10)
        run(j, kb, 5, policy, nps=2)  # matches again, but within the warning's 10 days
        assert status(j, *risk) == "done"
        run(j, kb, 10, policy, nps=2)  # 10 days after it was closed: back
        assert status(j, *risk) == "new"


def test_a_rule_cooldown_wins_over_its_kind() -> None:
    policy = JournalSettings(cooldown_days=30, kinds={"warning": 10},
                             rules={"nps_detractor": 3})
    assert policy.cooldown("warning", ("nps_detractor",)) == 3
    assert policy.cooldown("warning", ("other",)) == 10
    assert policy.cooldown("upsell", ()) == 30


def test_a_higher_priority_band_brings_dismissed_guidance_back_at_once(
        target: str, kb: engine.KnowledgeBase) -> None:
    followup = ("communication", "nps_followup")  # 420 for a passive, 800 for a detractor
    policy = journal.Policy.of(kb)
    with journal.open(target) as j:
        run(j, kb, 0, policy, nps=8)
        assert followup in guides(j)
        dismissed = j.dismiss("acme", *followup, reason="not_relevant", actor="Anna")
        assert (dismissed.role, dismissed.status) == ("guide", "dismissed")
        run(j, kb, 1, policy, nps=8)
        assert followup not in guides(j)
        run(j, kb, 2, policy, nps=2)  # still matching, band up: back despite the cooldown
        assert followup in guides(j)
        acts = [(h.event, h.actor) for h in j.history("acme") if h.id == followup[1]]
    assert acts == [("dismissed", "Anna")]  # runs log no events for guidance


def test_snoozed_advice_returns_on_its_date(target: str, kb: engine.KnowledgeBase) -> None:
    risk = ("warning", "detractor_at_risk")
    with journal.open(target) as j:
        run(j, kb, 0, journal.Policy.of(kb), nps=2)
        snoozed = j.snooze("acme", *risk, until=day(3), comment="after the holidays")
        assert (snoozed.status, snoozed.snoozed_until) == ("snoozed", day(3))
        for n in (1, 2):
            summary = run(j, kb, n, journal.Policy.of(kb), nps=2)
            assert risk not in inbox(j) and summary.total.new == 0
        summary = run(j, kb, 3, journal.Policy.of(kb), nps=2)
        assert risk in inbox(j) and summary.total.new == 1
        assert [(c.kind, c.id, c.change) for c in j.changes()] == [(*risk, "new")]


def test_resolved_advice_that_comes_back_is_new(target: str, kb: engine.KnowledgeBase) -> None:
    risk = ("warning", "detractor_at_risk")
    with journal.open(target) as j:
        run(j, kb, 0, journal.Policy.of(kb), nps=2)
        gone = run(j, kb, 1, journal.Policy.of(kb), nps=10)
        assert gone.total.resolved >= 1 and status(j, *risk) == "resolved"
        assert (*risk, "resolved") in {(c.kind, c.id, c.change) for c in j.changes()}
        run(j, kb, 2, journal.Policy.of(kb), nps=2)
        assert status(j, *risk) == "new"


@pytest.mark.parametrize(("act", "message"), [
    (lambda j: j.dismiss("acme", "warning", "detractor_at_rsk", "other"),
     "client 'acme' has no warning 'detractor_at_rsk' in the journal"),
    (lambda j: j.dismiss("acme", "warning", "detractor_at_risk", "boring"),
     "'boring' is not a reason to dismiss advice"),
    (lambda j: j.dismiss("acme", "warning", "detractor_at_risk", None),
     "dismissing advice needs a reason"),
    (lambda j: j.snooze("acme", "warning", "detractor_at_risk", AS_OF),
     "snoozed until 2026-10-15, which is not after 2026-10-15"),
    (lambda j: j.done("acme", "warnings", "detractor_at_risk"),
     "unknown kind of action 'warnings'"),
    (lambda j: j.done("nobody", "warning", "detractor_at_risk"),
     "the journal has no advice for client 'nobody'"),
    (lambda j: j.history("acm"), "the journal has nothing for client 'acm'"),
])
def test_mistakes_are_refused_with_a_message(tmp_path: Any, kb: engine.KnowledgeBase,
                                             act: Any, message: str) -> None:
    with journal.open(tmp_path / "j.db") as j:
        run(j, kb, 0, journal.Policy.of(kb), nps=2)
        with pytest.raises(DiagnosticsError) as error:
            act(j)
    assert error.value.diagnostics[0].message == message
