"""recommend(): a pure function of (knowledge base, client, as_of), stage by stage.

1. the client's facts for the day (``derive``, engine/language/facts.py);
2. **match**: the compiled matcher (engine/matchers/) finds the matching rules, in rank order;
   of an exclusive group only the first (highest priority, then smallest id) acts;
3. **guard**: the journey guard (engine/runtime/guard.py) rules on every step a rule asks for:
   ready (all its ancestors done), blocked (with what it waits for), held back by a matching
   rule (with the playbook entries a hold covers), or dropped;
4. **plan**: the planner (engine/runtime/plan.py) turns the acting rules' proposals and the
   guard's verdicts into actions, adds the journey's frontier, paces the offers for a contact
   who needs small steps, merges and orders them;
5. the Recommendation: the actions, the held steps and entries (``held``), and what the engine
   ignored or doubts in the client's input (``notes``: done steps the client's journey lacks,
   done steps whose ancestors are not done).

``evaluate`` gives the same recommendation and what happened inside it (``Evaluation``: facts,
matched, acting and suppressed rules, what was dropped and why, as codes): the data behind
`playbook explain` and scenario coverage. Both take a knowledge base; ``engine.recommend`` and
``engine.evaluate`` (engine/api.py) fill in the defaults.
"""

# Annotations are evaluated where written (no `from __future__ import annotations`): as
# text, typing.NamedTuple would compile each field's annotation on every command's start.
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.language import phrases as i18n
from engine.language.facts import derive
from engine.models import Client, Held, Recommendation
from engine.runtime.clients import coerce
from engine.runtime.crm import who_and_where
from engine.runtime.guard import Dropped, Guard
from engine.runtime.plan import Planner
from engine.vocabulary import LANGUAGES, Language


@dataclass(frozen=True)
class Evaluation:
    """What happened inside one recommendation: the data behind explanations."""

    facts: dict[str, Any]
    matched: tuple[str, ...]  # rule ids, rank order
    acting: tuple[str, ...]
    suppressed: dict[str, str]  # rule id -> the rule of its group that won
    dropped: tuple[Dropped, ...]  # what acting rules asked for and did not get, and why


def recommend(client: Client | Mapping[str, Any], *, kb: KnowledgeBase, as_of: dt.date,
              lang: str = "en") -> Recommendation:
    """What to do next for one client, and why (``engine.recommend`` fills in the defaults)."""
    return recommend_valid(_inputs(client, kb, lang), kb=kb, as_of=as_of,
                           lang=cast(Language, lang))


def recommend_valid(client: Client, *, kb: KnowledgeBase, as_of: dt.date,
                    lang: Language = "en") -> Recommendation:
    """``recommend`` for a client ``coerce`` has already accepted for ``kb``, in a language
    already checked: a portfolio checks each client once."""
    return _recommendation(kb, client, as_of, _plan(kb, client, as_of, lang))


def evaluate(client: Client | Mapping[str, Any], *, kb: KnowledgeBase, as_of: dt.date,
             lang: str = "en") -> tuple[Recommendation, Evaluation]:
    """The recommendation and what happened inside it (for explanations and scenario tests)."""
    client = _inputs(client, kb, lang)
    done = _plan(kb, client, as_of, cast(Language, lang))
    evaluation = Evaluation(facts=done.facts, matched=tuple([r.id for r in done.matched]),
                            acting=tuple([r.id for r in done.acting]),
                            suppressed=done.suppressed,
                            dropped=tuple(done.planner.guard.dropped.values()))
    return _recommendation(kb, client, as_of, done), evaluation


def _inputs(client: Client | Mapping[str, Any], kb: KnowledgeBase, lang: str) -> Client:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}': expected 'en' or 'ru'")
    return coerce(client, kb)


class _Planned(NamedTuple):
    """What _plan() found: the facts, the rules matched and acting, and the planner."""

    facts: dict[str, Any]
    matched: list[CompiledRule]
    acting: list[CompiledRule]
    suppressed: dict[str, str]
    planner: Planner


def _plan(kb: KnowledgeBase, client: Client, as_of: dt.date, lang: Language) -> _Planned:
    """Match the rules, let the acting ones propose through the journey guard, add the frontier."""
    facts = derive(client, as_of)
    values = list(map(facts.get, kb.slots))
    matched = [kb.rules[i] for i in kb.matcher.match(values, client.id)]
    acting, suppressed = resolve_groups(matched)
    journey = kb.journeys.get(client.project_type or "")
    guard = Guard(kb, journey, frozenset(client.completed_steps), matched,
                  bought=frozenset(client.services or ()))
    project_type = journey.project_type if journey else ""
    view = kb.index.view(lang, project_type)
    planner = Planner(view, kb.index.details[lang, project_type], guard, lang)
    reasons = view.reasons
    for rule in acting:
        planner.act(rule, reasons[rule.id].render(facts))
    planner.frontier()
    planner.pace()
    return _Planned(facts=facts, matched=matched, acting=acting, suppressed=suppressed,
                    planner=planner)


def resolve_groups(matched: list[CompiledRule]) -> tuple[list[CompiledRule], dict[str, str]]:
    """Exclusive groups: of the matching rules of a group, only the first in rank order acts.
    The rules that act, and each suppressed rule with the rule of its group that won."""
    winners: dict[str, str] = {}
    acting, suppressed = [], {}
    for rule in matched:  # rank order: the first of a group wins
        group = rule.group
        if group is not None and group in winners:
            suppressed[rule.id] = winners[group]
            continue
        if group is not None:
            winners[group] = rule.id
        acting.append(rule)
    return acting, suppressed


def _recommendation(kb: KnowledgeBase, client: Client, as_of: dt.date,
                    done: _Planned) -> Recommendation:
    planner = done.planner
    return Recommendation.trusted({**who_and_where(client, kb.crm), "as_of": as_of,
                                   "kb_version": kb.version, "actions": planner.actions(),
                                   "held": _held(kb, planner),
                                   "notes": _notes(client, planner)})


def _held(kb: KnowledgeBase, planner: Planner) -> list[Held]:
    """The held steps and entries someone would have proposed (and nobody proposes after all),
    with the rules holding them and the first one's reason."""
    guard, lang = planner.guard, planner.lang
    if not guard.held:
        return []
    titles = {"step": planner.view.titles,
              "communication": kb.index.titles["communication"][lang]}
    planned = planner.planned
    held = []
    for (kind, target), rules in guard.held.items():
        if (kind, target) in planned or (kind == "step" and (
                ("blocked", target) in planned or ("warning", target) in planned)):
            continue  # proposed after all (a plan key is ("step" | kind, id))
        hold = rules[0].spec.hold
        assert hold is not None
        held.append(Held.trusted({"kind": kind, "id": target, "title": titles[kind][target],
                                  "rules": tuple([r.id for r in rules]),
                                  "reason": hold.reason.get(lang)}))
    return held


MAX_NAMED = 3  # an out-of-order note names at most this many missing steps, else the earliest


def _notes(client: Client, planner: Planner) -> list[str]:
    """What the engine ignored or doubts in the client's input: done steps this journey does
    not have, and done steps whose ancestors are not all done (a CRM ticked out of order),
    with what is missing."""
    guard, lang = planner.guard, planner.lang
    journey = guard.journey
    if journey is None or not client.completed_steps:
        return []
    notes = [i18n.say("foreign_step", lang, step=step, journey=journey.spec.title.get(lang))
             for step in client.completed_steps if step not in journey.step_ids]
    quoted = planner.view.quoted
    for step in guard.out_of_order():
        missing, one_of, ready = guard.waits_for(step)
        count = len(missing) + len(one_of)
        if count > MAX_NAMED:  # name the earliest, the ones that can start now
            notes.append(i18n.say("out_of_order_many", lang, step=quoted[step],
                                  count=str(count),
                                  first=i18n.listing([quoted[s] for s in ready], [], lang)))
            continue
        notes.append(i18n.say("out_of_order", lang, step=quoted[step],
                              are="are" if count > 1 else "is", missing=i18n.listing(
                                  [quoted[s] for s in missing],
                                  [[quoted[s] for s in g] for g in one_of], lang)))
    return notes
