"""Lint findings inside exclusive groups: shadowed rules, overlapping and gapped bands.

Of the rules of a group that match, only the first in rank order acts (priority desc, then id).

- ``shadowed-rule``: a rule whose conditions imply the conditions of a rule ranked above it in
  its group (shown from its top-level tests; a rule without conditions implies nothing but is
  implied by everything) never acts: whenever it matches, the other one matches too and wins.
- ``band-overlap``: two rules of a group with bands on the same numeric fact share values where
  the lower-ranked rule never acts: its conditions, narrowed to the shared values, imply the
  other rule's (``between: [10, 15]`` and ``between: [15, 30]`` share 15). A rule ranked above
  that wins only under extra conditions (``goals_changed: true``) is a deliberate exception and
  is not reported.
- ``band-gap``: values between two bands of a group on a fact that no band covers, counting
  only the bands of rules that can apply to the same clients: a rule whose tests of other facts
  contradict (``goals_changed: true`` vs ``{ne: true}``) covers other clients.
  (``between: [10, 15]`` and ``between: [20, 30]`` leave ``15 < x < 20``.)

A band is the intersection of a rule's top-level ``lt`` / ``lte`` / ``gt`` / ``gte`` /
``between`` tests of one fact (see engine/lint/intervals.py).
"""

from __future__ import annotations

from collections import defaultdict

from engine.errors import Diagnostic
from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.language.conditions import All, Node, Test
from engine.lint.intervals import BAND_OPS, Interval, Sorted, band, gap
from engine.lint.prover import by_fact, compatible, conjuncts, implies, top_tests
from engine.lint.winners import Winners

Banded = tuple[CompiledRule, Interval]
Pair = tuple[CompiledRule, CompiledRule]  # (a rule that never acts, the rule that wins)


def group_findings(kb: KnowledgeBase) -> list[Diagnostic]:
    whole = {name for name, ftype in kb.facts.items() if ftype.kind == "int"}
    found: list[Diagnostic] = []
    for group, rules in groups(kb).items():
        shadows = shadowed(rules, whole)
        found += [_shadow_warning(group, loser, winner) for loser, winner in shadows]
        pairs = {(loser.id, winner.id) for loser, winner in shadows}
        for fact, banded in bands(rules, whole).items():
            found += overlaps(group, fact, banded, whole, pairs)
            found += gaps(group, fact, banded, whole)
    return found


def groups(kb: KnowledgeBase) -> dict[str, list[CompiledRule]]:
    """The rules of each exclusive group, in rank order."""
    out: dict[str, list[CompiledRule]] = defaultdict(list)
    for rule in kb.rules:
        if rule.spec.group is not None:
            out[rule.spec.group].append(rule)
    return dict(out)


def shadowed(rules: list[CompiledRule], whole: set[str]) -> list[Pair]:
    """(rule that can never act, the first rule ranked above it that always wins)."""
    above = Winners(rules, whole)
    out = []
    for i, loser in enumerate(rules):
        winner = next((rules[j] for j in above.candidates(loser, i)
                       if implies(loser.tree, rules[j].tree, whole)), None)
        if winner is not None:
            out.append((loser, winner))
    return out


def bands(rules: list[CompiledRule], whole: set[str]) -> dict[str, list[Banded]]:
    """For each numeric fact, the rules of the group with a band on it, in rank order."""
    out: dict[str, list[Banded]] = defaultdict(list)
    for rule in rules:
        for fact, tests in by_fact(top_tests(rule.tree)).items():
            interval = band(tests, fact in whole)
            if interval is not None and not interval.empty:
                out[fact].append((rule, interval))
    return dict(out)


def overlaps(group: str, fact: str, banded: list[Banded], whole: set[str],
             shadows: set[tuple[str, str]]) -> list[Diagnostic]:
    """Shared values where the lower-ranked rule never acts (the other one always wins)."""
    found = []
    by_low = Sorted((interval, j) for j, (_, interval) in enumerate(banded))
    for i, (loser, low_band) in enumerate(banded):
        for j in sorted(j for j in by_low.meeting(low_band) if j < i):
            winner, high_band = banded[j]
            shared = high_band.intersect(low_band)
            if shared.empty or (loser.id, winner.id) in shadows:
                continue
            if implies(restricted(loser, fact, shared), winner.tree, whole):
                found.append(_overlap_warning(group, fact, loser, winner, shared))
    return found


def restricted(rule: CompiledRule, fact: str, interval: Interval) -> Node:
    """The rule's condition with its band on ``fact`` narrowed to ``interval``."""
    kept = tuple(c for c in conjuncts(rule.tree)
                 if not (isinstance(c, Test) and c.fact == fact and c.op in BAND_OPS))
    return All(kept + tuple(interval.tests(fact)))


def gaps(group: str, fact: str, banded: list[Banded], whole: set[str]) -> list[Diagnostic]:
    """Holes between bands, among the rules that can apply to the same clients as each rule.

    A rule whose tests of other facts contradict a rule's (``goals_changed: true`` vs
    ``{ne: true}``) covers other clients: its band does not fill that rule's holes. Rules with
    the same tests of other facts have the same such family: it is found once for all of them.
    A rule whose own tests contradict can never match: it has no family and is in none.
    """
    found: dict[tuple[str, str, Interval], Diagnostic] = {}
    others = [tuple(t for t in top_tests(r.tree) if t.fact != fact) for r, _ in banded]
    kinds = list(dict.fromkeys(others))  # distinct tests of other facts, in rank order
    for mine in kinds:
        fits = {o for o in kinds if compatible(o, mine, whole)}
        family = [b for b, o in zip(banded, others, strict=True) if o in fits]
        for below, above, hole in holes(family, fact in whole):
            found.setdefault((below.id, above.id, hole),
                             _gap_warning(group, fact, below, above, hole))
    return list(found.values())


def holes(banded: list[Banded], whole: bool) -> list[tuple[CompiledRule, CompiledRule, Interval]]:
    """(rule below, rule above, values between their bands that no band covers)."""
    if not banded:
        return []
    ordered = sorted(banded, key=lambda b: (b[1].low, not b[1].low_closed))
    found = []
    reach_rule, reach = ordered[0]
    for rule, interval in ordered[1:]:
        hole = gap(reach, interval, whole)
        if not hole.empty:
            found.append((reach_rule, rule, hole))
        if (interval.high, interval.high_closed) > (reach.high, reach.high_closed):
            reach_rule, reach = rule, interval
    return found


def _shadow_warning(group: str, loser: CompiledRule, winner: CompiledRule) -> Diagnostic:
    p, q = winner.spec.priority, loser.spec.priority
    why = f"priority {p} > {q}" if p > q else f"same priority {p}, and '{winner.id}' sorts first"
    return Diagnostic(
        "shadowed-rule", f"rule '{loser.id}' can never act: whenever it matches, "
        f"'{winner.id}' of group '{group}' matches too and wins ({why})", loser.location,
        hint=f"give '{loser.id}' conditions that tell it apart from '{winner.id}', "
             f"or a higher priority", severity="warning")


def _overlap_warning(group: str, fact: str, loser: CompiledRule, winner: CompiledRule,
                     shared: Interval) -> Diagnostic:
    return Diagnostic(
        "band-overlap", f"rule '{loser.id}' overlaps '{winner.id}' of group '{group}' where "
        f"{shared.describe(fact)}: only '{winner.id}' acts there", loser.location,
        hint="let each band start where the previous one ends without sharing a value, "
             "e.g. 'between: [10, 15]' then 'gt: 15'", severity="warning")


def _gap_warning(group: str, fact: str, below: CompiledRule, above: CompiledRule,
                 hole: Interval) -> Diagnostic:
    return Diagnostic(
        "band-gap", f"no rule of group '{group}' covers {hole.describe(fact)}, between the "
        f"bands of '{below.id}' and '{above.id}'", below.location,
        hint=f"extend the band of '{below.id}' or '{above.id}', or add a rule for these values",
        severity="warning")
