"""Property tests over random clients and random completed steps, on every knowledge base we ship.

Never a proposed step before all its ancestors are done (every all-of prerequisite, one of each
any-of group, all the way back: also when a CRM ticked steps out of order), never a step or a
communication a matching rule holds back (by id, category or phase; entries by category), never
more separate offers than a pacing hold allows, never an exception, same output twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.language.conditions import is_true
from engine.language.facts import derive
from engine.models import Client, JourneyMapFile
from engine.tools.generate import random_client

from .conftest import SMALL_KB

KBS = {"small": lambda: engine.load(SMALL_KB), "bundled": engine.default_kb}


def clients(kb: engine.KnowledgeBase) -> st.SearchStrategy[dict[str, Any]]:
    """Random clients of the shared generator, each fact known with a random probability."""
    return st.builds(random_client, st.randoms(use_true_random=False), st.just(kb),
                     st.just(0), st.floats(0, 1))


def waits_for(spec: JourneyMapFile, step: str, done: set[str]) -> list[str]:
    """Independently of the engine: every step ``step`` waits for through ``after`` links that
    is not done, in the order the map writes its steps, each after its own prerequisites."""
    after = {s.id: list(s.after) for s in spec.steps}
    needed: set[str] = set()
    todo = list(after[step])
    while todo:
        s = todo.pop()
        if s not in needed:
            needed.add(s)
            todo += after[s]
    order: list[str] = []
    while len(order) < len(needed):  # written order, but never before a prerequisite
        order.append(next(s for s in after if s in needed and s not in order
                          and all(p in order for p in after[s] if p in needed)))
    return [s for s in order if s not in done]


def matching(kb: engine.KnowledgeBase, client: dict[str, Any], as_of: dt.date) -> list[Any]:
    """Independently of the matcher: the rules whose conditions hold (by the reference
    semantics of the condition tree)."""
    facts = derive(Client.model_validate(client), as_of)
    return [rule for rule in kb.rules if is_true(rule.tree, facts)]


def covered(rule: Any, client: dict[str, Any], journey: Any, kb: engine.KnowledgeBase
            ) -> set[tuple[str, str]]:
    """Independently of the planner: what a rule's hold covers for this client, as
    ("step", id) and ("communication", entry id): steps by id; steps by category or phase
    unless they start a service the client buys; entries by category."""
    hold = rule.spec.hold
    out: set[tuple[str, str]] = set()
    bought = set(client.get("services") or ())
    for step in journey.spec.steps if journey is not None else ():
        by_kind = step.category in hold.names("category") or step.phase in hold.names("phase")
        if step.id in hold.names("step") or (by_kind and step.service not in bought):
            out.add(("step", step.id))
    out |= {("communication", i) for i, e in kb.playbook.items()
            if e.category in hold.names("category")}
    return out


def sound(journey: Any, step: str, done: set[str]) -> bool:
    """Independently of the engine: ``step``'s ancestors are all done, each with its own
    ancestors done (every all-of prerequisite, one of each any-of group), to the first contact."""
    spec = next(s for s in journey.spec.steps if s.id == step)

    def ok(p: str) -> bool:
        return p in done and sound(journey, p, done)

    return all(ok(p) for p in spec.after) and (not spec.after_any or any(map(ok, spec.after_any)))


def ancestors(journey: Any, step: str) -> set[str]:
    """Every step ``step`` waits for through ``after`` links, transitively."""
    after = {s.id: s.after for s in journey.spec.steps}
    seen: set[str] = set()
    todo = list(after[step])
    while todo:
        s = todo.pop()
        if s not in seen:
            seen.add(s)
            todo += after[s]
    return seen


def offer_groups(actions: list[Any], offers: set[tuple[str, str]]) -> int:
    """How many separate offers the covered actions make: actions sharing a proposing rule are
    one offer (a step and the guide its rule brings along); the journey's own steps one each."""
    groups: list[set[str]] = []
    for a in actions:
        key = ("communication" if a.kind == "communication" else "step", a.id)
        if key not in offers:
            continue
        rules = set(a.rules) or {f"journey:{a.id}"}
        joined = [g for g in groups if g & rules]
        for g in joined:
            groups.remove(g)
            rules |= g
        groups.append(rules)
    return len(groups)


def check_recommendation(kb: engine.KnowledgeBase, client: dict[str, Any], as_of: dt.date,
                         lang: str) -> None:
    rec = engine.recommend(client, kb=kb, as_of=as_of, lang=lang)
    journey = kb.journeys[client["project_type"]] if "project_type" in client else None
    done = set(client.get("completed_steps", ()))
    rules = matching(kb, client, as_of)
    matched = {r.id for r in rules}
    holds = [r for r in rules if r.spec.hold is not None and r.spec.hold.at_most is None]
    held = {what: r.id for r in holds for what in covered(r, client, journey, kb)}
    for h in rec.held:
        assert set(h.rules) <= matched, h  # only a matching rule holds anything
    for action in rec.actions:
        assert action.sources
        key = ("communication" if action.kind == "communication" else "step", action.id)
        if action.kind != "warning":
            assert key not in held, (action, held[key])  # held by id, category or phase
        if action.kind in ("next_step", "upsell"):
            assert journey is not None
            assert ancestors(journey, action.id) <= done, action
            assert sound(journey, action.id, done), action
            assert action.id not in done or journey.steps[action.id].repeatable
        if action.kind == "blocked":
            assert journey is not None
            assert list(action.missing) == waits_for(journey.spec, action.id, done)
    for rule in rules:  # a pacing hold: at most so many separate offers of what it covers
        hold = rule.spec.hold
        if hold is not None and hold.at_most is not None:
            offers = covered(rule, client, journey, kb) - {
                ("communication" if a.kind == "communication" else "step", a.target)
                for a in rule.spec.then}
            assert offer_groups(rec.actions, offers) <= hold.at_most, rule.id
    again = engine.recommend(client, kb=kb, as_of=as_of, lang=lang)
    assert again.model_dump_json() == rec.model_dump_json()


FAST, LONG = 80, 1500  # examples: every run, and the `slow` variant


@pytest.mark.parametrize("name,examples", [
    *((n, FAST) for n in sorted(KBS)),
    *(pytest.param(n, LONG, marks=pytest.mark.slow, id=f"{n}-long") for n in sorted(KBS))])
def test_order_is_law_and_holds_cover_steps_and_communications(name: str, examples: int) -> None:
    """Over random clients: no proposed step or communication a matching rule holds (by id,
    category or phase), no step before all its ancestors are done, pacing respected."""
    kb = KBS[name]()

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(client=clients(kb), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
           lang=st.sampled_from(["en", "ru"]))
    def check(client: dict[str, Any], as_of: dt.date, lang: str) -> None:
        check_recommendation(kb, client, as_of, lang)

    check()


def incoherent(kb: engine.KnowledgeBase) -> st.SearchStrategy[dict[str, Any]]:
    """Random clients whose completed steps are any subset of their journey, ticked in any
    order, as a CRM export can hold them."""
    @st.composite
    def make(draw: st.DrawFn) -> dict[str, Any]:
        client = draw(clients(kb))
        journey = kb.journeys.get(client.get("project_type", ""))
        if journey is not None:
            client["completed_steps"] = draw(st.lists(st.sampled_from(journey.order),
                                                      unique=True))
        return client
    return make()


@pytest.mark.parametrize("examples", [FAST, pytest.param(LONG, marks=pytest.mark.slow)])
def test_no_proposal_has_an_undone_ancestor_over_incoherent_clients(examples: int) -> None:
    """Over random clients whose completed steps are any subset of their journey: 0 proposals
    with an undone ancestor, and a note for every step ticked out of order."""
    kb = engine.default_kb()

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(client=incoherent(kb), as_of=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
    def check(client: dict[str, Any], as_of: dt.date) -> None:
        rec = engine.recommend(client, kb=kb, as_of=as_of)
        journey = kb.journeys.get(client.get("project_type", ""))
        done = set(client.get("completed_steps", ()))
        proposals = [a for a in rec.actions if a.kind in ("next_step", "upsell")]
        for action in proposals:
            assert journey is not None
            assert ancestors(journey, action.id) <= done, action.id
            assert sound(journey, action.id, done), action.id
        if journey is not None:  # each step ticked out of order is named in a note
            out = [s for s in journey.order if s in done and not sound(journey, s, done)]
            assert len([n for n in rec.notes if "marked done" in n]) == len(out)

    check()
