"""Lint: what is valid but almost certainly a mistake in a knowledge base.

Findings are Diagnostics of severity "warning", with a location and a hint, computed once when
the knowledge base compiles (``engine.check``, and ``KnowledgeBase.warnings`` of ``engine.load``).
``playbook validate`` prints them; ``playbook validate --strict`` fails on them.

- Exclusive groups: ``shadowed-rule``, ``band-overlap``, ``band-gap`` (engine/lint/groups.py).
- ``always-blocked``: a rule proposes a step (next_step / upsell) only while a prerequisite of
  that step is not done (``completed_steps: {excludes: P}`` at the top level of its ``when``),
  in every journey the rule applies to that has the step: the step can only come back blocked.
- ``never-proposed``: a rule proposes a step that no journey it applies to has (its
  ``project_type`` tests rule those journeys out), or only when the step is already done and
  the journey does not repeat it.
- ``unreachable-step``: a journey step that no chain of ``after`` links connects to the start of
  its journey (the first step in journey order), and that no rule proposes for that journey.
  Every step of an acyclic journey reaches the frontier once its prerequisites are done, so
  "unreachable" means cut off from the journey's start: such a step is proposed from the first
  day, out of any order, which is a forgotten ``after``.
- ``unused-playbook-entry``, ``unused-fact``, ``unused-threshold``: defined, never referred to.
- ``unguaranteed-fact``: a reason names a fact the rule may match without (engine/lint/reasons.py).
- ``title-repeats``: a guide's summary, or the reason of a rule proposing it, only says its
  title again (engine/lint/words.py).
- ``reason-repeats-summary``: the reason of a rule proposing a guide alone says again what the
  guide's summary, shown under it, says (engine/lint/words.py).
- ``warning-holds-nothing``: a warning says stop, limit, go back, talk the client out of it or
  not yet, and its rule holds nothing (engine/lint/words.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.errors import Diagnostic, sort_key
from engine.kb.journey import Journey
from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.language.conditions import Test
from engine.lint.groups import group_findings
from engine.lint.prover import contradicts, top_tests
from engine.lint.reasons import unguaranteed_facts
from engine.lint.words import repeated_titles, unheld_warnings
from engine.vocabulary import STEP_KINDS


def lint(kb: KnowledgeBase) -> list[Diagnostic]:
    """Every lint finding of a compiled knowledge base, sorted by location.

    The facts and thresholds the rules refer to were recorded by the compiler (thresholds are
    resolved to numbers in the trees).
    """
    found = [*group_findings(kb), *action_findings(kb), *unreachable_steps(kb),
             *unused(kb), *unguaranteed_facts(kb), *repeated_titles(kb),
             *unheld_warnings(kb)]
    return sorted(found, key=sort_key)


def journeys_for(rule: CompiledRule, kb: KnowledgeBase) -> dict[str, Journey]:
    """The journeys of the project types the rule's top-level tests do not rule out."""
    tests = [t for t in top_tests(rule.tree) if t.fact == "project_type"]
    return {pt: j for pt, j in kb.journeys.items()
            if not contradicts([*tests, Test("project_type", "eq", pt)], whole=False)}


def action_findings(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    for rule in kb.rules:
        tests = top_tests(rule.tree)
        excluded = {t.value for t in tests if t.fact == "completed_steps" and t.op == "excludes"}
        included = {t.value for t in tests if t.fact == "completed_steps" and t.op == "includes"}
        journeys = journeys_for(rule, kb)
        for step in dict.fromkeys(a.target for a in rule.spec.then if a.kind in STEP_KINDS):
            finding = _step_finding(rule, step, journeys, excluded, included)
            if finding is not None:
                yield finding


def _step_finding(rule: CompiledRule, step: str, journeys: dict[str, Journey],
                  excluded: set[str], included: set[str]) -> Diagnostic | None:
    having = {pt: j for pt, j in journeys.items() if step in j.steps}
    if not having:
        return _never(rule, step, f"the journeys it applies to ({', '.join(journeys) or 'none'}) "
                                  "have no such step")
    blockers = {pt: [p for p in j.ancestors[step] if p in excluded] for pt, j in having.items()}
    done = {pt for pt, j in having.items() if step in included and not j.steps[step].repeatable}
    if any(not blockers[pt] and pt not in done for pt in having):
        return None
    if all(blockers.values()):
        return _always_blocked(rule, step, blockers)
    if len(done) == len(having):
        return _never(rule, step, "it asks for it only when it is already done, and the "
                                  "journey does not repeat it")
    return _never(rule, step, "in every journey that has it, the step is either already done "
                              "or waits for a step the rule requires not done")


def _always_blocked(rule: CompiledRule, step: str, blockers: dict[str, list[str]]) -> Diagnostic:
    waits = list(dict.fromkeys(p for ps in blockers.values() for p in ps))
    names = " and ".join(f"'{p}'" for p in waits)
    return Diagnostic(
        "always-blocked", f"rule '{rule.id}' proposes '{step}' only while {names} "
        f"{'is' if len(waits) == 1 else 'are'} not done, but '{step}' waits for "
        f"{'it' if len(waits) == 1 else 'them'} in every journey that has it "
        f"({', '.join(blockers)}): the step can only come back blocked", rule.location,
        hint=f"propose the missing step instead ('next_step: {waits[0]}'), or drop the "
             f"condition on completed_steps", severity="warning")


def _never(rule: CompiledRule, step: str, why: str) -> Diagnostic:
    return Diagnostic("never-proposed", f"rule '{rule.id}' can never propose '{step}': {why}",
                      rule.location, hint="check the rule's project_type and completed_steps "
                                          "conditions", severity="warning")


def unreachable_steps(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    proposed = {(pt, a.target) for rule in kb.rules for pt in journeys_for(rule, kb)
                for a in rule.spec.then if a.kind in STEP_KINDS}
    for pt, journey in kb.journeys.items():
        start = journey.order[0]
        for step in journey.order:
            if (pt, step) in proposed:
                continue
            if step in journey.on_demand:
                yield Diagnostic(
                    "never-proposed", f"on-demand step '{step}' of the {pt} journey is never "
                    "proposed: the journey leaves it to the rules and no rule names it",
                    kb.locations.get(f"step:{pt}:{step}"),
                    hint="add a rule that proposes it, or drop 'on_demand'", severity="warning")
                continue
            if step == start or start in journey.ancestors[step]:
                continue
            yield Diagnostic(
                "unreachable-step", f"step '{step}' of the {pt} journey is not reachable from "
                f"its start '{start}': no chain of 'after' links leads to it and no rule "
                f"proposes it, so the journey offers it from the first day",
                kb.locations.get(f"step:{pt}:{step}"),
                hint="add the step it should follow to its 'after' list", severity="warning")


def unused(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    used_facts, used_thresholds = kb.used_facts, kb.used_thresholds
    referenced = {a.target for r in kb.rules for a in r.spec.then if a.kind == "communication"}
    named = {name for r in kb.rules for t in r.reason.values() for kind, name in t.names()
             if kind == "fact"}
    for entry in kb.playbook:
        if entry not in referenced:
            yield Diagnostic(
                "unused-playbook-entry", f"playbook entry '{entry}' is never used: no rule's "
                f"'then' names it", kb.locations.get(f"entry:{entry}"),
                hint=f"add '- communication: {entry}' to a rule, or remove the entry",
                severity="warning")
    for fact in kb.facts:
        if fact.startswith("facts.") and fact not in used_facts and fact not in named:
            yield Diagnostic(
                "unused-fact", f"fact '{fact}' is declared but no rule tests it or names it in "
                f"a reason", kb.locations.get(f"fact:{fact.removeprefix('facts.')}"),
                hint="use it in a rule's 'when', or remove the declaration", severity="warning")
    for name in kb.thresholds:
        if name not in used_thresholds:
            yield Diagnostic(
                "unused-threshold", f"threshold '{name}' is defined but no rule uses '${name}'",
                kb.locations.get(f"threshold:{name}"),
                hint=f"use it as '${name}' in a rule's 'when' or '{{${name}}}' in a reason, or "
                     f"remove it", severity="warning")
