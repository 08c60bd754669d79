"""Condition trees -> durable-rules rulesets: how facts are encoded and rules sharded.

See engine/matchers/durable.py for the traps of durable-rules this works around.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import MatcherUnavailable
from engine.language.conditions import All, Node, Test

MAX_RULES = 40  # rules per ruleset
STACK_BUDGET = 48  # of the engine's 64-entry evaluation stack
MAX_FIELDS = 240  # durable takes at most 255 properties per fact
EXACT_INT = 2**53  # beyond this, int-float comparisons in C doubles are inexact
LISTS = (list, tuple, set, frozenset)
ORDER = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
Field = tuple[int, str]  # (slot, kind): kind t = token, n = number, s = text, l = list

_RULESETS = itertools.count()  # ruleset names unique within the process


def literal(v: bool | int | float) -> str:
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
        return f'"n{slot}":{literal(v)}' if is_number else None
    if kind == "s":
        return f'"s{slot}":"{hexed(v)}"' if isinstance(v, str) else None
    if not isinstance(v, LISTS):
        return None
    items = "".join(f',"{token(item)}"' for item in v)
    return f'"l{slot}":["x"{items}]'  # the sentinel item "x" never equals a token


# -- condition trees to durable expressions ------------------------------------------------

Expr = tuple[str, int]  # JSON text of an expression, and its stack cost


def fold(node: Node) -> Node | bool:
    """The tree without constant parts: True / False when it is constant."""
    if isinstance(node, Test):
        if node.op in ("one_of", "none_of") and not node.value:
            return node.op == "none_of" and Test(node.fact, "exists")
        return node
    unit = isinstance(node, All)  # True for all(), False for any()
    children: list[Node] = []
    for child in map(fold, node.children):
        if isinstance(child, bool):
            if child is not unit:
                return child
        else:
            children.append(child)
    if not children:
        return unit
    return children[0] if len(children) == 1 else type(node)(tuple(children))


def join(op: str, parts: Sequence[Expr]) -> Expr:
    """``$and`` / ``$or`` of expressions, with a bound of the stack entries it can hold at
    once: all ``$or`` branches are pushed together, an ``$and`` chain holds one at a time."""
    if len(parts) == 1:
        return parts[0]
    total = sum(c for _, c in parts)
    text = f'{{"{op}":[{",".join(t for t, _ in parts)}]}}'
    return text, (total - len(parts) + 1 if op == "$and" else total + 1)


@dataclass
class Compiler:
    """Compiles trees to durable expressions, noting the fact fields they read."""

    slots: Mapping[str, int]
    fields: set[Field] = field(default_factory=set)

    def name(self, fact: str, kind: str) -> str:
        self.fields.add((self.slots[fact], kind))
        return f"{kind}{self.slots[fact]}"

    def expr(self, node: Node) -> Expr:
        if isinstance(node, Test):
            return self.test(node)
        return join("$and" if isinstance(node, All) else "$or", [*map(self.expr, node.children)])

    def test(self, t: Test) -> Expr:
        op, c = t.op, t.value
        if op in ("exists", "missing"):
            return f'{{"${"ex" if op == "exists" else "nex"}":{{"{self.name(t.fact, "t")}":1}}}}', 1
        if op in ("eq", "ne", "one_of", "none_of"):
            tokens = dict.fromkeys(map(token, c if op.endswith("_of") else (c,)))
            if op in ("eq", "one_of"):
                return join("$or", [(f'{{"{self.name(t.fact, "t")}":"{k}"}}', 1) for k in tokens])
            return join("$and", [self.compare("$neq", t.fact, "t", f'"{k}"') for k in tokens])
        if op == "includes":
            return f'{{"$iany":{{"{self.name(t.fact, "l")}":{{"$i":"{token(c)}"}}}}}}', 1
        if op == "excludes":
            return f'{{"$iall":{{"{self.name(t.fact, "l")}":{{"$neq":{{"$i":"{token(c)}"}}}}}}}}', 1
        if op in ORDER:
            return self.order(t.fact, op, c)
        if op == "between":
            return join("$and", [self.order(t.fact, "gte", c[0]), self.order(t.fact, "lte", c[1])])
        return join("$or", [self.order(t.fact, "lt", c[0]), self.order(t.fact, "gt", c[1])])

    def order(self, fact: str, op: str, c: Any) -> Expr:
        if isinstance(c, str):
            return self.compare(ORDER[op], fact, "s", f'"{hexed(c)}"')
        if not isinstance(c, bool | int | float):
            raise ValueError(f"ordering '{fact}' against {c!r}")
        return self.compare(ORDER[op], fact, "n", literal(c))

    def compare(self, op: str, fact: str, kind: str, value: str) -> Expr:
        return f'{{"{op}":{{"{self.name(fact, kind)}":{value}}}}}', 1


# -- rulesets ----------------------------------------------------------------------------

@dataclass
class Shard:
    """One durable ruleset: its rules' definitions, their indices by name, its handle."""

    name: str
    rules: dict[str, int] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    cost: int = 0
    handle: int | None = None

    def fits(self, cost: int) -> bool:
        return len(self.rules) < MAX_RULES and self.cost + cost <= STACK_BUDGET

    def definition(self) -> str:
        return '{"c":{"all":[{"m":{"pb":1}}]},' + ",".join(self.text) + "}"


def plan(trees: Sequence[Node], slots: Mapping[str, int]) -> tuple[list[Shard], list[Field]]:
    """Rules packed, in order, into rulesets within durable's limits; the fields they read."""
    shards: list[Shard] = []
    compiler, prefix = Compiler(slots), f"pb{next(_RULESETS)}_"
    for i, tree in enumerate(trees):
        folded = fold(tree)
        if folded is False:
            continue  # can never match
        try:
            tests = [] if isinstance(folded, bool) else [compiler.expr(folded)]
        except ValueError as exc:
            raise MatcherUnavailable(f"rule #{i}: durable-rules cannot take {exc}") from exc
        text, cost = join("$and", [('{"pb":1}', 1), *tests])  # the positive marker test
        if cost > STACK_BUDGET:
            raise MatcherUnavailable(f"rule #{i} has too many alternatives for durable: {tree}")
        if not shards or not shards[-1].fits(cost):
            shards.append(Shard(f"{prefix}{len(shards)}"))
        shards[-1].rules[f"r{i}"] = i
        shards[-1].text.append(f'"r{i}":{{"all":[{{"m":{text}}}]}}')
        shards[-1].cost += cost
    if len(compiler.fields) > MAX_FIELDS:
        raise MatcherUnavailable(f"the rules read {len(compiler.fields)} fact fields, more "
                                 f"than the {MAX_FIELDS} durable-rules takes in one fact")
    return shards, sorted(compiler.fields)
