"""The optional matcher on durable-rules (``pip install 'playbook-engine[durable]'``).

It drives the raw C extension ``durable_rules_engine`` (never ``durable.lang``'s Host, whose
background dispatcher can steal actions) and works around every trap measured in
research/durable_rules.md:

- the rule base is sharded into rulesets small enough for the engine's 64-entry evaluation
  stack (``ruleset_cost``) and its 255 properties per fact;
- every ruleset has a catch-all rule and every rule a positive marker test (``pb``), so no
  session is left unmatched (``delete_state`` would crash) and no rule matches the state fact;
- facts are normalised before they are sent: a missing fact sends no field at all; equality
  tests compare type-tagged tokens (``"n5"``, ``"s"`` + hex of the text), so ``"5"`` never
  equals ``5`` while ``5 == 5.0 == True`` as in Python; ordering tests use numeric (``nK``) or
  hex text (``sK``) fields; lists (``lK``) always carry a sentinel item, so "not contains" holds
  on an empty list; numbers are written as durable parses them, NaN / inf and ints beyond 2**53
  (where int-float comparisons turn inexact) are refused;
- ``$or`` firings are de-duplicated, every session is deleted in a ``finally``, engine error
  codes become ``DurableError`` naming the client and the ruleset;
- the extension never releases the GIL and its sessions are not thread-safe: one lock per
  matcher serialises evaluations.
"""

from __future__ import annotations

import importlib
import itertools
import math
import re
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from engine.conditions import All, AnyOf, Node, Test
from engine.errors import MatcherUnavailable

MAX_RULES = 40  # rules per ruleset
STACK_BUDGET = 48  # of the engine's 64-entry evaluation stack
MAX_FIELDS = 240  # durable takes at most 255 properties per fact
EXACT_INT = 2**53  # beyond this, int-float comparisons in C doubles are inexact
LISTS = (list, tuple, set, frozenset)
ORDER = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
CODES = {
    104: "unexpected value", 106: "too many rules on one property", 201: "unparsable value",
    203: "unparsable number", 204: "unparsable object", 302: "more than 255 properties",
    303: "evaluation stack overflow (too many tests true at once)", 309: "session not found",
}
INSTALL = ("pip install 'playbook-engine[durable]' (it compiles durable-rules 2.0.28 from "
           "source: needs gcc and the Python headers, e.g. python3-dev; Python 3.11 or 3.12)")
Field = tuple[int, str]  # (slot, kind): kind t = token, n = number, s = text, l = list
Json = Any


class DurableError(RuntimeError):
    """durable-rules reported an error while evaluating a client."""


def load_engine() -> ModuleType:
    """The raw extension, or MatcherUnavailable saying why and how to get it."""
    try:
        return importlib.import_module("durable_rules_engine")
    except ImportError as exc:  # not installed, or e.g. an undefined symbol on Python 3.13
        raise MatcherUnavailable(
            f"the 'durable' matcher needs durable-rules, which cannot be imported ({exc}); "
            f"install it with: {INSTALL}; or use the default matcher 'python'") from exc


# -- values -----------------------------------------------------------------------------


def number(v: bool | int | float) -> str:
    """A number literal durable parses exactly, or ValueError."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        if abs(v) > EXACT_INT:
            raise ValueError(f"{v} is beyond ±2**53, which durable-rules cannot compare exactly")
        return str(v)
    if not math.isfinite(v):
        raise ValueError(f"{v} is not a finite number")
    text = repr(v)  # shortest round-trip form; durable needs a '.' before any exponent
    return text.replace("e", ".0e") if "e" in text and "." not in text else text


def hexed(text: str) -> str:
    """Text as hex of its UTF-8: no escapes, and ordered as Python orders str."""
    return text.encode("utf-8", "surrogatepass").hex()


def token(v: Any) -> str:
    """A type-tagged token, equal for two values exactly when Python's ``==`` says so."""
    if isinstance(v, bool | int):
        return f"n{int(v)}"
    if isinstance(v, float):
        if math.isnan(v):
            raise ValueError("NaN is not a valid fact value")
        return f"n{int(v)}" if v.is_integer() else f"n{v!r}"
    if isinstance(v, str):
        return "s" + hexed(v)
    return "l" if isinstance(v, LISTS) else "o"


def fragment(slot: int, kind: str, v: Any) -> str | None:
    """The JSON member for one field of a present fact value, None if it has no such field."""
    if kind == "t":
        return f'"t{slot}":"{token(v)}"'
    if kind == "n":
        is_number = isinstance(v, bool | int | float)
        return f'"n{slot}":{number(v)}' if is_number else None
    if kind == "s":
        return f'"s{slot}":"{hexed(v)}"' if isinstance(v, str) else None
    if not isinstance(v, LISTS):
        return None
    items = "".join(f',"{token(item)}"' for item in v)
    return f'"l{slot}":["x"{items}]'  # the sentinel item "x" never equals a token


# -- condition trees to durable expressions ------------------------------------------------

def fold(node: Node) -> Node | bool:
    """The tree without constant parts: True / False when it is constant."""
    if isinstance(node, Test):
        if node.op in ("one_of", "none_of") and not node.value:
            return node.op == "none_of" and Test(node.fact, "exists")
        return node
    unit = isinstance(node, All)  # True for all(), False for any()
    children: list[Node] = []
    for child in map(fold, node.children):
        if child is not unit and isinstance(child, bool):
            return child
        if not isinstance(child, bool):
            children.append(child)
    if not children:
        return unit
    return children[0] if len(children) == 1 else type(node)(tuple(children))


@dataclass
class Compiler:
    """Compiles trees to durable expressions, noting the fact fields they read."""

    slots: Mapping[str, int]
    fields: set[Field] = field(default_factory=set)

    def name(self, fact: str, kind: str) -> str:
        self.fields.add((self.slots[fact], kind))
        return f"{kind}{self.slots[fact]}"

    def expr(self, node: Node) -> Json:
        if isinstance(node, Test):
            return self.test(node)
        parts = [self.expr(c) for c in node.children]
        return {"$and" if isinstance(node, All) else "$or": parts}

    def test(self, t: Test) -> Json:
        op, c = t.op, t.value
        if op in ("exists", "missing"):
            return {"$ex" if op == "exists" else "$nex": {self.name(t.fact, "t"): 1}}
        if op in ("eq", "ne", "one_of", "none_of"):
            tokens = list(dict.fromkeys(map(token, c if op.endswith("_of") else (c,))))
            positive = op in ("eq", "one_of")
            tests = [self.equal(t.fact, tok, positive) for tok in tokens]
            return tests[0] if len(tests) == 1 else {"$or" if positive else "$and": tests}
        if op in ("includes", "excludes"):
            name = self.name(t.fact, "l")
            if op == "includes":
                return {"$iany": {name: {"$i": token(c)}}}
            return {"$iall": {name: {"$neq": {"$i": token(c)}}}}
        if op in ORDER:
            return self.order(t.fact, op, c)
        low, high = self.order(t.fact, "gte", c[0]), self.order(t.fact, "lte", c[1])
        if op == "between":
            return {"$and": [low, high]}
        return {"$or": [self.order(t.fact, "lt", c[0]), self.order(t.fact, "gt", c[1])]}

    def equal(self, fact: str, tok: str, positive: bool) -> Json:
        name = self.name(fact, "t")
        return {name: tok} if positive else {"$neq": {name: tok}}

    def order(self, fact: str, op: str, c: Any) -> Json:
        if isinstance(c, str):
            return {ORDER[op]: {self.name(fact, "s"): hexed(c)}}
        if not isinstance(c, bool | int | float):
            raise ValueError(f"cannot order '{fact}' against {c!r}")
        return {ORDER[op]: {self.name(fact, "n"): Literal(number(c))}}


@dataclass(frozen=True)
class Literal:
    """A number already written as durable parses it."""

    text: str


def dump(obj: Json) -> str:
    """JSON text of an expression, numbers kept as durable parses them."""
    if isinstance(obj, dict):
        return "{" + ",".join(f'"{k}":{dump(v)}' for k, v in obj.items()) + "}"
    if isinstance(obj, list):
        return "[" + ",".join(map(dump, obj)) + "]"
    if isinstance(obj, Literal):
        return obj.text
    return f'"{obj}"' if isinstance(obj, str) else str(obj)


def cost(obj: Json) -> int:
    """An upper bound of the stack entries one rule's tests can hold at once."""
    if isinstance(obj, dict) and "$and" in obj:
        return sum(map(cost, obj["$and"])) - len(obj["$and"]) + 1
    if isinstance(obj, dict) and "$or" in obj:
        return sum(map(cost, obj["$or"])) + 1
    return 1


# -- rulesets ----------------------------------------------------------------------------

@dataclass
class Shard:
    """One durable ruleset: its rules (by index), fields read and engine handle."""

    name: str
    rules: dict[str, int] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    fields: set[Field] = field(default_factory=set)
    cost: int = 0
    handle: int = 0

    def fits(self, fields: set[Field], rule_cost: int) -> bool:
        return (len(self.rules) < MAX_RULES and self.cost + rule_cost <= STACK_BUDGET
                and len(self.fields | fields) <= MAX_FIELDS)

    def definition(self) -> str:
        return '{"c":{"all":[{"m":{"pb":1}}]},' + ",".join(self.text) + "}"


def plan(trees: Sequence[Node], slots: Mapping[str, int]) -> list[Shard]:
    """Rules packed, in order, into rulesets that stay within durable's limits."""
    shards: list[Shard] = []
    prefix = f"pb{next(_RULESETS)}_"
    for i, tree in enumerate(trees):
        folded = fold(tree)
        if folded is False:
            continue  # can never match
        compiler = Compiler(slots)
        tests = [] if folded is True else [compiler.expr(folded)]  # type: ignore[arg-type]
        rule_cost = cost({"$and": [{"pb": 1}, *tests]})
        if rule_cost > STACK_BUDGET or len(compiler.fields) > MAX_FIELDS:
            raise MatcherUnavailable(f"rule #{i} is too complex for durable-rules: {tree}")
        if not shards or not shards[-1].fits(compiler.fields, rule_cost):
            shards.append(Shard(f"{prefix}{len(shards)}"))
        shard = shards[-1]
        shard.rules[f"r{i}"] = i
        shard.text.append(f'"r{i}":{{"all":[{{"m":{dump({"$and": [{"pb": 1}, *tests]})}}}]}}')
        shard.fields |= compiler.fields
        shard.cost += rule_cost
    return shards


_RULESETS = itertools.count()


def _drop(engine: ModuleType, handles: list[int]) -> None:
    for handle in handles:
        engine.delete_ruleset(handle)


class DurableMatcher:
    name = "durable"

    def __init__(self, trees: Sequence[Node], slots: Mapping[str, int]) -> None:
        self._engine = engine = load_engine()
        self._shards = plan(trees, slots)
        for shard in self._shards:
            shard.handle = self._call(
                engine.create_ruleset, shard, "loading the rules", shard.name, shard.definition())
        handles = [s.handle for s in self._shards]
        weakref.finalize(self, _drop, engine, handles).atexit = False
        self._fields = sorted(set().union(*(s.fields for s in self._shards)))
        self._lock = threading.Lock()
        self._sids = itertools.count()

    def match(self, values: Sequence[Any], label: str | None = None) -> list[int]:
        """Indices of the matching trees, ascending; ``label`` names the client in errors."""
        try:
            members = {f: fragment(f[0], f[1], values[f[0]])
                       for f in self._fields if values[f[0]] is not None}
        except ValueError as exc:
            raise ValueError(f"client {label or '(unnamed)'}: {exc}") from exc
        matched: set[int] = set()
        with self._lock:
            for shard in self._shards:
                body = "".join("," + m for f in shard.fields if (m := members.get(f)) is not None)
                matched.update(self._evaluate(shard, body, label))
        return sorted(matched)

    def _evaluate(self, shard: Shard, body: str, label: str | None) -> list[int]:
        engine, sid = self._engine, f"{next(self._sids)}"
        client = f"client {label}" if label else "a client"
        fact = f'{{"sid":"{sid}","id":"1","pb":1{body}}}'
        try:
            code, state = self._call(engine.assert_fact, shard, client, shard.handle, fact)
            if code != 0:
                raise DurableError(f"{client}, durable ruleset {shard.name}: the catch-all "
                                   f"rule did not fire (code {code})")
            fired: list[int] = []
            action = self._call(engine.start_action_for_state, shard, client, shard.handle, state)
            messages: str | None = action and action[1]
            while messages:
                rule = shard.rules.get(messages[2:messages.index('"', 2)])
                if rule is not None:
                    fired.append(rule)
                messages = self._call(
                    engine.complete_and_start_action, shard, client, shard.handle, state)
            return fired
        finally:
            self._call(engine.delete_state, shard, client, shard.handle, sid)

    def _call(self, func: Callable[..., Any], shard: Shard, client: str, *args: Any) -> Any:
        """Call the engine; its numeric error codes become a DurableError that says where."""
        try:
            return func(*args)
        except self._engine.error as exc:
            found = re.search(r"error code: (\d+)", str(exc))
            code = int(found[1]) if found else 0
            raise DurableError(
                f"durable-rules error {code} ({CODES.get(code, 'see rules.h')}) in "
                f"{func.__name__} for {client}, ruleset {shard.name} (rules "
                f"{', '.join(map(str, shard.rules.values())) or 'none'}): {exc}") from exc
