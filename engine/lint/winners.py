"""Which rules of a group might always win over a rule: candidates for ``implies``, found
without trying every rule ranked above it.

A rule W can be implied by a rule L (``implies(L, W)``) only if every top-level test of W is
implied by L's tests of the same fact (see engine/lint/prover.py). So each W is filed once under
one of its top-level tests, its *pivot*, and L looks only where its own tests can imply it:

- a band (``lt`` / ``lte`` / ``gt`` / ``gte`` / ``between``) on fact f: L's band on f (with its
  ``eq``) must lie inside W's; W is found among the bands of f sorted once (``Sorted``);
- ``eq: v`` on fact f (not a number): L's tests of f must leave only v;
- otherwise (W has no such test): W is found by the facts it tests, which L must all test.

When L's own tests of a fact contradict (``implies`` may then succeed on a literal match), every
W filed under that fact is a candidate. Candidates are a superset of the rules ``implies``
accepts; ``implies`` still decides.
"""

from __future__ import annotations

from collections import defaultdict

from engine.kb.rule import CompiledRule
from engine.language.conditions import Test
from engine.lint.intervals import BAND_OPS, Interval, Sorted, band, is_numeric
from engine.lint.prover import allowed, by_fact, top_tests


class Winners:
    def __init__(self, rules: list[CompiledRule], whole: set[str]) -> None:
        self.whole = whole
        bands: dict[str, list[tuple[Interval, int]]] = defaultdict(list)
        self.values: dict[tuple[str, object], list[int]] = defaultdict(list)
        self.by_value_fact: dict[str, list[int]] = defaultdict(list)
        self.rest: dict[frozenset[str], list[int]] = defaultdict(list)
        for j, rule in enumerate(rules):
            tests = top_tests(rule.tree)
            pivot = next((t for t in tests if t.op in BAND_OPS), None)
            if pivot is not None:
                interval = band([t for t in tests if t.fact == pivot.fact], pivot.fact in whole)
                assert interval is not None  # the pivot itself is a band
                bands[pivot.fact].append((interval, j))
                continue
            pivot = next((t for t in tests if t.op == "eq" and not is_numeric(t)), None)
            if pivot is not None:
                self.values[pivot.fact, pivot.value].append(j)
                self.by_value_fact[pivot.fact].append(j)
                continue
            self.rest[frozenset(t.fact for t in tests if _needs_its_fact(t))].append(j)
        self.bands = {fact: Sorted(items) for fact, items in bands.items()}
        self.band_members = {fact: [j for _, j in items] for fact, items in bands.items()}

    def candidates(self, loser: CompiledRule, rank: int) -> list[int]:
        """The positions, in rank order and above ``rank``, of the rules that might always win
        whenever ``loser`` matches."""
        facts = by_fact(top_tests(loser.tree))
        found: set[int] = set()
        for fact, tests in facts.items():
            found.update(self._by_band(fact, tests))
            found.update(self._by_value(fact, tests))
        tested = frozenset(facts)
        for needed, members in self.rest.items():
            if needed <= tested:
                found.update(members)
        return sorted(j for j in found if j < rank)

    def _by_band(self, fact: str, tests: list[Test]) -> list[int]:
        index = self.bands.get(fact)
        if index is None:
            return []
        mine = band(tests, fact in self.whole, BAND_OPS | {"eq"})
        if mine is None:
            return []
        return self.band_members[fact] if mine.empty else index.containing(mine)

    def _by_value(self, fact: str, tests: list[Test]) -> list[int]:
        if fact not in self.by_value_fact:
            return []
        left = allowed(tests)
        if left is None:
            return []
        if not left or len(left) > 1:  # contradicting tests, or several values: look at all
            return self.by_value_fact[fact] if not left else []
        return self.values.get((fact, next(iter(left))), [])


def _needs_its_fact(test: Test) -> bool:
    """Whether only tests of the same fact can imply ``test`` (``none_of: []`` holds always)."""
    return not (test.op == "none_of" and not test.value)
