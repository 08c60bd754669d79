"""The durable-rules matcher returns exactly what the default (generated Python) matcher does.

Differential tests against PythonMatcher: single tests on hypothesis-drawn values (every
operator, every value type, missing values, empty lists), random nested trees in rule bases of
20, 100 and 500 rules, the benchmark workload, and the knowledge bases (tests/data/small_kb and the
bundled one) over every scenario client and 10,000 random clients; then threads, limits and errors.
Everything but the MatcherUnavailable tests is skipped, with the reason, when durable-rules
(the extra ``durable``) cannot be imported.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.errors import KnowledgeBaseError, MatcherUnavailable
from engine.language.conditions import All, AnyOf, Node, Test
from engine.matchers import build, durable_plan
from engine.matchers import durable as durable_module
from engine.matchers.python import PythonMatcher
from engine.tools.generate import random_client
from engine.tools.scenarios import files, read_cases

from ..conftest import SMALL_KB


def _why_not() -> str | None:
    try:
        importlib.import_module("durable_rules_engine")
    except ImportError as exc:
        return f"durable-rules cannot be imported ({exc}): pip install 'playbook-engine[durable]'"
    return None


needs_durable = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")

# --- value pools: edge cases of every type durable mishandles in its stock form ------------

NUMBERS = [0, 1, -1, 2, 3, -3, True, False, 0.0, -0.0, 0.5, 1.0, 2.5, -1.5, 1e-05, 2e-05,
           1e20, -1e20, 2**53, -(2**53), 9.5e15, 0.1, 0.30000000000000004]
TEXTS = ["", "a", "ab", "ab!", "b", "5", "1", "true", "é", "日本", 'q"t', "back\\slash", "a\x00"]
ITEMS = ["a", "b", "5", "", 5, 1, 0, True, 2.0]
OTHERS = [frozenset({"a"}), ("a",), dt.date(2026, 1, 1)]
FAMILIES = ("num", "num2", "text", "list", "any")
SLOTS = {name: i for i, name in enumerate(FAMILIES)}


def _list(rng: random.Random) -> Any:
    items = rng.sample(ITEMS, rng.randint(0, 3))
    return rng.choice((frozenset, set, list, tuple))(items)


def _value(rng: random.Random, family: str) -> Any:
    if rng.random() < 0.2:
        return None
    pools: dict[str, Callable[[], Any]] = {
        "num": lambda: rng.choice(NUMBERS), "num2": lambda: rng.choice(NUMBERS),
        "text": lambda: rng.choice(TEXTS), "list": lambda: _list(rng),
        "any": lambda: rng.choice(NUMBERS + TEXTS + OTHERS)}
    return pools[family]()


def _test(rng: random.Random) -> Test:
    """A test Python can evaluate on every value of its fact's family (no TypeError)."""
    family = rng.choice(FAMILIES)
    scalars = NUMBERS + TEXTS
    ordered = TEXTS if family == "text" else NUMBERS
    ops = ["eq", "ne", "exists", "missing"]
    ops += {"list": ["includes", "excludes"], "any": ["one_of", "none_of"]}.get(
        family, ["lt", "lte", "gt", "gte", "between", "outside", "one_of", "none_of"])
    op = rng.choice(ops)
    if op in ("exists", "missing"):
        return Test(family, op)
    if op in ("one_of", "none_of"):
        return Test(family, op, tuple(rng.sample(scalars, rng.randint(0, 3))))
    if op in ("between", "outside"):
        return Test(family, op, (rng.choice(ordered), rng.choice(ordered)))
    pool = ordered if op in ("lt", "lte", "gt", "gte") else ITEMS if family == "list" else scalars
    return Test(family, op, rng.choice(pool))


def random_tree(rng: random.Random, depth: int = 0) -> Node:
    if depth == 2 or rng.random() < 0.45:
        return _test(rng)
    kind = All if rng.random() < 0.5 else AnyOf
    return kind(tuple(random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))))


def random_values(rng: random.Random) -> tuple[Any, ...]:
    return tuple(_value(rng, family) for family in FAMILIES)


def assert_same(trees: Sequence[Node], inputs: Sequence[Sequence[Any]],
                slots: dict[str, int] = SLOTS) -> None:
    python, durable = PythonMatcher(trees, slots), build("durable", trees, slots)
    for values in inputs:
        assert durable.match(values) == python.match(values), (values, trees)


# --- differential tests --------------------------------------------------------------------

TEXT = st.text(max_size=4) | st.sampled_from(TEXTS)
NUMBER = (st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
          | st.sampled_from(NUMBERS))
OPS = {"num": ("eq", "ne", "lt", "lte", "gt", "gte", "between", "outside", "one_of", "none_of"),
       "text": ("eq", "ne", "lt", "lte", "gt", "gte", "between", "outside", "one_of", "none_of"),
       "list": ("includes", "excludes", "eq", "ne", "exists", "missing")}


@needs_durable
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.slow
def test_single_tests_on_drawn_values(data: st.DataObject) -> None:
    family = data.draw(st.sampled_from(sorted(OPS)))
    op = data.draw(st.sampled_from(OPS[family]))
    constant = TEXT if family == "text" else NUMBER if family == "num" else TEXT | NUMBER
    if family == "list":
        kind = data.draw(st.sampled_from([frozenset, set, list, tuple]))
        value = data.draw(st.none() | st.lists(TEXT | st.integers(-3, 3), max_size=3).map(kind))
    else:
        value = data.draw(st.none() | (TEXT if family == "text" else NUMBER))
    c = data.draw(st.tuples(constant, constant) if op in ("between", "outside")
                  else st.lists(constant, max_size=3).map(tuple) if op.endswith("_of")
                  else st.none() if op in ("exists", "missing") else constant)
    assert_same([Test(family, op, c)], [(value,)], {family: 0})


@needs_durable
@pytest.mark.parametrize(("size", "clients"), [(20, 3000), (100, 1500), (500, 600)])
@pytest.mark.slow
def test_random_rule_bases(size: int, clients: int) -> None:
    rng = random.Random(size)
    trees = [random_tree(rng) for _ in range(size)]
    assert_same(trees, [random_values(rng) for _ in range(clients)])


@needs_durable
def test_the_benchmark_workload() -> None:
    from bench.workload import SLOTS as WORKLOAD_SLOTS
    from bench.workload import clients, rules, values

    trees = [r.when for r in rules(500)]
    assert_same(trees, [values(c) for c in clients(300)], WORKLOAD_SLOTS)


@needs_durable
def test_constant_trees_and_every_negation_on_missing_facts() -> None:
    negations = [Test(f, op, c) for f, low, high in (("num", 0, 1), ("text", "a", "b"))
                 for op, c in [("ne", low), ("none_of", (1, "a")), ("outside", (low, high)),
                               ("missing", None)]]
    trees: list[Node] = [All(()), AnyOf(()), All((AnyOf(()),)), AnyOf((All(()),)),
                         Test("num", "one_of", ()), Test("num", "none_of", ()),
                         Test("list", "excludes", "a"), *negations]
    assert_same(trees, [(None,) * 5, (1, 1, "a", frozenset(), "a"), (2, 2, "b", [], 0)])


# --- threads -------------------------------------------------------------------------------

class Sessions:
    """The engine, counting the sessions alive at once."""

    def __init__(self, real: Any) -> None:
        self.real, self.alive, self.most = real, 0, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def assert_fact(self, handle: int, fact: str) -> Any:
        self.alive += 1
        self.most = max(self.most, self.alive)
        return self.real.assert_fact(handle, fact)

    def delete_state(self, handle: int, sid: str) -> Any:
        self.alive -= 1
        return self.real.delete_state(handle, sid)


@needs_durable
@pytest.mark.slow
def test_evaluations_from_many_threads_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same results from 8 threads; the lock keeps one session alive at a time (durable takes
    at most 1024 per ruleset and tells them apart by a 32-bit hash of the sid)."""
    rng = random.Random(8)
    trees = [random_tree(rng) for _ in range(100)]
    inputs = [random_values(rng) for _ in range(300)]
    python, durable = PythonMatcher(trees, SLOTS), durable_module.DurableMatcher(trees, SLOTS)
    expected = [python.match(v) for v in inputs]
    sessions = Sessions(durable._engine)
    monkeypatch.setattr(durable, "_engine", sessions)
    start, results = threading.Barrier(8), {}

    def work(n: int) -> None:
        start.wait()
        results[n] = [durable.match(v) for v in inputs[n:] + inputs[:n]]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert sorted(results) == list(range(8))
    for n, got in results.items():
        assert got == expected[n:] + expected[:n]
    assert sessions.most == 1 and sessions.alive == 0


# --- unavailable ---------------------------------------------------------------------------

def test_unavailable_when_durable_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)  # import fails
    with pytest.raises(MatcherUnavailable) as info:
        build("durable", [Test("num", "eq", 1)], SLOTS)
    message = str(info.value)
    assert "pip install 'playbook-engine[durable]'" in message
    assert "durable_rules_engine" in message and "gcc" in message


def test_unavailable_when_the_extension_does_not_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> Any:
        raise ImportError(f"{name}.so: undefined symbol: PyEval_CallObject")

    monkeypatch.setattr(importlib, "import_module", broken)
    with pytest.raises(MatcherUnavailable, match="undefined symbol: PyEval_CallObject"):
        build("durable", [Test("num", "eq", 1)], SLOTS)


# --- limits and errors ---------------------------------------------------------------------

@needs_durable
def test_no_stack_overflow_when_everything_is_true() -> None:
    """Stock durable fails (error 303) once ~60 tests of one ruleset are true at once."""
    alternatives = AnyOf((Test("num", "gt", -1), Test("num", "lt", 10), Test("num2", "ne", 0)))
    trees: list[Node] = [All((Test("num", "gte", -i), alternatives)) for i in range(1000)]
    trees += [AnyOf((Test("num", "one_of", (1, 2, 3, i)), Test("num2", "exists")))
              for i in range(200)]
    durable = durable_module.DurableMatcher(trees, SLOTS)
    for shard in durable._shards:
        assert len(shard.rules) <= durable_module.MAX_RULES
        assert shard.cost <= durable_module.STACK_BUDGET
    assert_same(trees, [(1, 1, None, None, None), (None,) * 5, (-5, 0, None, None, None)])


@needs_durable
def test_engine_errors_name_the_client_and_the_ruleset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(durable_plan, "MAX_RULES", 10**6)  # one oversized ruleset
    monkeypatch.setattr(durable_plan, "STACK_BUDGET", 10**6)
    trees = [Test("num", "gte", -i) for i in range(80)]
    durable = durable_module.DurableMatcher(trees, SLOTS)
    python = PythonMatcher(trees, SLOTS)
    for _ in range(30):  # a failed session is never deleted (that crashes durable) ...
        with pytest.raises(durable_module.DurableError,
                           match=r"error 303 .* client 'acme', ruleset pb\d+_0 \(rules #0 to #79"):
            durable.match((5, None, None, None, None), label="acme")
        for value in (-70, -100):  # ... its ruleset is renewed and goes on working
            values = (value, None, None, None, None)
            assert durable.match(values) == python.match(values)


@needs_durable
def test_a_session_no_rule_took_is_not_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    """durable crashes deleting a session that started no action (the catch-all rule prevents
    it; should the engine still say 'not handled', the ruleset is renewed instead)."""
    durable = durable_module.DurableMatcher([Test("num", "eq", 1)], SLOTS)
    real, deleted = durable._engine, []

    class Engine:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def assert_fact(self, handle: int, fact: str) -> tuple[int, int]:
            return 1, 0

        def delete_state(self, handle: int, sid: str) -> None:
            deleted.append(sid)

    monkeypatch.setattr(durable, "_engine", Engine())
    with pytest.raises(durable_module.DurableError, match="catch-all rule did not fire"):
        durable.match((1, None, None, None, None))
    assert deleted == []
    monkeypatch.setattr(durable, "_engine", real)
    assert durable.match((1, None, None, None, None)) == [0]


@needs_durable
@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**60])
def test_values_durable_cannot_order_are_refused(value: Any) -> None:
    durable = durable_module.DurableMatcher([Test("num", "lt", 1)], SLOTS)
    with pytest.raises(ValueError, match="client 'acme'"):
        durable.match((value, None, None, None, None), label="acme")


@needs_durable
def test_big_and_infinite_values_compare_exactly_for_equality() -> None:
    trees = [Test("any", "eq", 2**60), Test("any", "ne", float("inf")), Test("any", "eq", 1e300)]
    values = [2**60, 2**60 + 1, float(2**60), float("inf"), 1e300, 10**300, int(1e300)]
    assert_same(trees, [(None, None, None, None, v) for v in values])


@needs_durable
@pytest.mark.parametrize("constant", [float("nan"), float("inf"), 2**60, dt.date(2026, 1, 1)])
def test_constants_durable_cannot_order_are_refused_at_build(constant: Any) -> None:
    with pytest.raises(MatcherUnavailable, match="rule #1"):
        build("durable", [Test("num", "eq", 1), Test("num", "lt", constant)], SLOTS)


def fnv1a32(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def test_field_names_hash_apart() -> None:
    """durable finds properties (and operators) by a 32-bit FNV-1a hash of their names."""
    assert fnv1a32("$eq") == 256037865 and fnv1a32("sid") == 3593476751
    reserved = ["$add", "all", "$and", "any", "cap", "count", "dist", "$div", "$eq", "$ex",
                "$forward", "$gt", "$gte", "$i", "$iall", "$iany", "id", "$imt", "$l", "$lt",
                "$lte", "$m", "$mt", "$mul", "name", "$neq", "$nex", "$or", "pri", "$r", "sid",
                "$sub", "pb", "m", "$s"]
    names = [f"{kind}{slot}" for slot in range(2000) for kind in "tnsl"] + reserved
    assert len({fnv1a32(n) for n in names}) == len(names)


# --- the knowledge bases -------------------------------------------------------------------

AS_OF = dt.date(2026, 10, 15)
KNOWLEDGE_BASES = {"tests/data/small_kb": SMALL_KB, "bundled": None}


@pytest.fixture(scope="module", params=sorted(KNOWLEDGE_BASES))
def kbs(request: pytest.FixtureRequest) -> tuple[engine.KnowledgeBase, engine.KnowledgeBase]:
    """The knowledge base compiled for the default matcher and for durable."""
    if _why_not():
        pytest.skip(_why_not() or "")
    path: Path | None = KNOWLEDGE_BASES[request.param]
    try:
        python = engine.load(path)
    except KnowledgeBaseError as exc:  # its own tests report it; nothing to compare here
        first = exc.diagnostics[0].render()
        pytest.skip(f"the {request.param} knowledge base does not load: {first}")
    return python, engine.load(path, matcher="durable")


def assert_same_recommendations(kbs: tuple[engine.KnowledgeBase, engine.KnowledgeBase],
                                client: Any, as_of: dt.date) -> None:
    python, durable = kbs
    expected = engine.recommend(client, kb=python, as_of=as_of)
    assert engine.recommend(client, kb=durable, as_of=as_of) == expected, client


def test_kb_every_scenario_client(kbs: tuple[engine.KnowledgeBase, engine.KnowledgeBase]) -> None:
    cases = [case for path in files(kbs[0]) for case in read_cases(path, kbs[0])[0]]
    if kbs[0].root == SMALL_KB:
        assert cases, "tests/data/small_kb has scenarios"
    for case in cases:
        assert_same_recommendations(kbs, case.scenario.client, case.scenario.as_of)


@pytest.mark.slow
def test_kb_10000_random_clients(kbs: tuple[engine.KnowledgeBase, engine.KnowledgeBase]) -> None:
    rng = random.Random(2026)
    for i in range(10_000):
        as_of = AS_OF + dt.timedelta(days=rng.randint(-200, 200))
        assert_same_recommendations(kbs, random_client(rng, kbs[0], i, 0.75), as_of)
