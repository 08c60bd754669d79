"""Client facts in: every unknown value named against the knowledge base, files read with
the line and column of each mistake, the good clients of a file kept."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.errors import ClientError
from engine.models import Client
from engine.runtime.clients import coerce, read_clients

STEPS = ("one of 'briefing', 'competitor_analysis', 'landing_pages', 'launch_context_ads', "
         "'optimise_campaigns', 'serm'")


def test_every_unknown_value_at_once(small_kb: engine.KnowledgeBase) -> None:
    with pytest.raises(ClientError) as info:
        coerce({"id": "c", "project_type": "lead_gne", "services": ["sep"],
                "main_channel": "seo", "completed_steps": ["brief"],
                "facts": {"has_crn": True}}, small_kb)
    assert [(d.code, d.message, d.expected, d.hint) for d in info.value.diagnostics] == [
        ("unknown-fact", "facts.has_crn: the knowledge base declares no fact 'has_crn'",
         "one of 'has_crm'", "did you mean 'has_crm'?"),
        ("unknown-value", "completed_steps.0: unknown journey step 'brief'", STEPS,
         "did you mean 'briefing'?"),
        ("unknown-value", "project_type: unknown project type 'lead_gne'", "one of 'lead_gen'",
         "did you mean 'lead_gen'?"),
        ("unknown-value", "services.0: unknown service 'sep'",
         "one of 'analytics', 'audience_targeting', 'content_marketing', 'context_ads', "
         "'display_campaign', 'retargeting', 'seo', 'serm', 'web_development'",
         "did you mean 'seo'?")]


@pytest.mark.parametrize(("facts", "message"), [
    ({"has_crm": "yes"}, "facts.has_crm: 'yes' is not true or false"),
    ({"has_crm": [True]}, "facts.has_crm: [True] is not true or false"),
])
def test_custom_facts_are_type_checked(small_kb: engine.KnowledgeBase, facts: dict[str, object],
                                       message: str) -> None:
    with pytest.raises(ClientError) as info:
        coerce({"id": "c", "facts": facts}, small_kb)
    assert [(d.code, d.message) for d in info.value.diagnostics] == [("bad-value", message)]


def test_a_fact_value_seen_before_is_still_checked_by_its_type(
        small_kb: engine.KnowledgeBase) -> None:
    """The knowledge base remembers which (fact, value) pairs fit; 1 equals True in Python,
    but it is no boolean, after True was accepted as before."""
    for _ in range(2):
        assert coerce({"id": "a", "facts": {"has_crm": True}}, small_kb).facts == {
            "has_crm": True}
        for value in (1, 1.0, "True"):
            with pytest.raises(ClientError) as info:
                coerce({"id": "b", "facts": {"has_crm": value}}, small_kb)
            assert [d.message for d in info.value.diagnostics] == [
                f"facts.has_crm: {value!r} is not true or false"]


def test_a_valid_client_comes_back_as_a_model(small_kb: engine.KnowledgeBase) -> None:
    client = coerce({"id": "c", "project_type": "lead_gen", "completed_steps": ["briefing"],
                     "facts": {"has_crm": True}}, small_kb)
    assert client == Client(id="c", project_type="lead_gen", completed_steps=["briefing"],
                            facts={"has_crm": True})
    assert coerce(client, small_kb) is client
    with pytest.raises(ClientError, match=r"expected a mapping of client facts, got list"):
        coerce([], small_kb)  # type: ignore[arg-type]


def test_a_file_of_clients_keeps_the_good_ones(tmp_path: Path,
                                               small_kb: engine.KnowledgeBase) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("- id: a\n  project_type: lead_gen\n- id: b\n  completed_steps: [briefng]\n"
                    "- id: c\n  nps: 11\n", encoding="utf-8")
    clients, problems = read_clients(path, small_kb)
    assert [c.id for c in clients] == ["a"]
    assert [d.render() for d in problems] == [
        f"{path}:4:21: error[unknown-value] completed_steps.0: unknown journey step 'briefng'\n"
        f"  expected: {STEPS}\n"
        "  hint: did you mean 'briefing'?",
        f"{path}:6:3: error[bad-value] nps: Input should be less than or equal to 10; got 11"]
