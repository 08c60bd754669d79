"""Parse and type-check the ``when`` of a rule into the condition tree.

Every mistake becomes a Diagnostic at the exact key; parsing goes on so that all mistakes
are reported at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Diagnostic, did_you_mean, one_of, quoted, shown
from engine.language.bounds import never_true
from engine.language.conditions import TRUE, All, AnyOf, Node, Test, simplify
from engine.language.document import Document, PathKey
from engine.language.fact_types import ALL_OPERATORS, FactType

COMBINATORS = ("all", "any", "not")
SPELLINGS = {  # what people type -> the operator's name here
    ">=": "gte", "=>": "gte", "≥": "gte", "ge": "gte", ">": "gt", "<=": "lte", "=<": "lte",
    "≤": "lte", "le": "lte", "<": "lt", "==": "eq", "=": "eq", "is": "eq", "equals": "eq",
    "!=": "ne", "<>": "ne", "≠": "ne", "neq": "ne", "not": "ne", "is_not": "ne", "in": "one_of",
    "any_of": "one_of", "oneof": "one_of", "not_in": "none_of", "noneof": "none_of",
    "contains": "includes", "has": "includes", "include": "includes",
    "not_contains": "excludes", "lacks": "excludes", "exclude": "excludes", "range": "between",
    "exist": "exists", "present": "exists", "absent": "missing", "is_missing": "missing",
}


@dataclass
class Context:
    """What a condition may refer to, and what the parsed conditions did refer to."""

    doc: Document
    facts: dict[str, FactType]
    thresholds: dict[str, float]
    problems: list[Diagnostic] = field(default_factory=list)
    used_facts: set[str] = field(default_factory=set)
    used_thresholds: set[str] = field(default_factory=set)

    def error(self, key: PathKey, code: str, message: str, expected: str | None = None,
              hint: str | None = None) -> None:
        self.problems.append(Diagnostic(code, message, self.doc.loc(key), expected=expected,
                                        hint=hint))


def tree(raw: Any, key: PathKey, ctx: Context) -> Node:
    """The tree of one condition; on mistakes, diagnostics in ``ctx`` and a placeholder."""
    if not isinstance(raw, dict) or not raw:
        ctx.error(key, "bad-condition",
                  f"a condition must be a non-empty mapping, got {shown(raw)}",
                  expected="{fact: value}, {fact: {operator: value}}, {all: [...]}, "
                           "{any: [...]} or {not: condition}")
        return TRUE
    parts = [_part(name, value, (*key, name), ctx) for name, value in raw.items()]
    return simplify(All(tuple(parts)))


def _part(name: Any, value: Any, key: PathKey, ctx: Context) -> Node:
    if name in ("all", "any"):
        if not isinstance(value, list):
            ctx.error(key, "bad-condition", f"'{name}' takes a list of conditions",
                      expected="a list of conditions")
            return TRUE
        children = tuple(tree(c, (*key, i), ctx) for i, c in enumerate(value))
        return All(children) if name == "all" else AnyOf(children)
    if name == "not":
        return tree(value, key, ctx).negate()
    return _fact(str(name), value, key, ctx)


def _fact(name: str, value: Any, key: PathKey, ctx: Context) -> Node:
    ftype = ctx.facts.get(name)
    if ftype is None:
        ctx.error(key, "unknown-fact", f"unknown fact {quoted(name)}",
                  expected="a client fact, a derived fact, facts.NAME of a declared fact, "
                           "or all / any / not",
                  hint=did_you_mean(name, [*ctx.facts, *COMBINATORS]))
        return TRUE
    ctx.used_facts.add(name)
    ops = value if isinstance(value, dict) else {"eq": value}
    tests = [_test(name, ftype, str(op), arg, (*key, op) if ops is value else key, ctx)
             for op, arg in ops.items()]
    if not tests:
        ctx.error(key, "bad-condition", f"no operator given for '{name}'",
                  expected=f"{{operator: value}} with an operator of {ftype.describe()}")
    elif never_true(ftype, [t for t in tests if isinstance(t, Test)]):
        written = ", ".join(str(t) for t in tests if isinstance(t, Test))
        ctx.error(key, "never-true", f"the tests of '{name}' can never all hold: {written}",
                  expected=f"bounds that leave some value of '{name}' ({ftype.describe()})",
                  hint="a condition that can never be true makes the rule never act")
    return All(tuple(tests))


def operator_hint(op: str, allowed: Collection[str]) -> str | None:
    """Did-you-mean for an operator, knowing the spellings people type (``>=``, ``==``, ``in``)."""
    meant = SPELLINGS.get(op.strip().lower().replace(" ", "_"))
    if meant in allowed:
        return f"did you mean '{meant}'? (`{op}` is written '{meant}' here)"
    return did_you_mean(op, allowed)


def _test(fact: str, ftype: FactType, op: str, arg: Any, key: PathKey, ctx: Context) -> Node:
    if op not in ftype.operators:
        known = op in ALL_OPERATORS
        ctx.error(key, "bad-operator" if known else "unknown-operator",
                  f"operator {quoted(op)} "
                  + (f"does not apply to '{fact}'" if known else "is unknown"),
                  expected=f"for '{fact}' ({ftype.describe()}): {one_of(sorted(ftype.operators))}",
                  hint=operator_hint(op, ftype.operators))
        return TRUE
    special = {"exists": _presence, "missing": _presence, "between": _between,
               "one_of": _values, "none_of": _values}.get(op)
    if special is not None:
        return special(fact, ftype, op, arg, key, ctx)
    if op in ("includes", "excludes") and isinstance(arg, list):
        ctx.error(key, "bad-value", f"'{op}' takes one value, got the list {shown(arg)}",
                  expected=ftype.item.describe() if ftype.item else "one value",
                  hint="for several values combine tests with all: [...] or any: [...]")
        return TRUE
    return Test(fact, op, _const(fact, ftype, arg, key, ctx))


def _presence(fact: str, ftype: FactType, op: str, arg: Any, key: PathKey, ctx: Context) -> Node:
    if arg is not True:
        other = "missing" if op == "exists" else "exists"
        ctx.error(key, "bad-value", f"'{op}' takes true, got {shown(arg)}", expected="true",
                  hint=f"to negate it write '{other}: true'")
    return Test(fact, op)


def _between(fact: str, ftype: FactType, op: str, arg: Any, key: PathKey, ctx: Context) -> Node:
    if not (isinstance(arg, list) and len(arg) == 2):
        ctx.error(key, "bad-value", f"'between' takes [low, high], got {shown(arg)}",
                  expected="a list of two numbers, e.g. [10, 15]")
        return TRUE
    low, high = (_const(fact, ftype, a, (*key, i), ctx) for i, a in enumerate(arg))
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        ctx.error(key, "bad-value", f"'between' range {shown(arg)} is empty: low is above high",
                  expected="[low, high] with low <= high")
    return Test(fact, op, (low, high))


def _values(fact: str, ftype: FactType, op: str, arg: Any, key: PathKey, ctx: Context) -> Node:
    if not isinstance(arg, list) or not arg:
        ctx.error(key, "bad-value", f"'{op}' takes a non-empty list, got {shown(arg)}",
                  expected=f"a list of {ftype.describe()}")
        return TRUE
    values = [_const(fact, ftype, a, (*key, i), ctx) for i, a in enumerate(arg)]
    return Test(fact, op, tuple(dict.fromkeys(v for v in values if v is not None)))


def _const(fact: str, ftype: FactType, arg: Any, key: PathKey, ctx: Context) -> Any:
    """A constant, with ``$name`` resolved to a threshold; type-checked against the fact."""
    if isinstance(arg, str) and arg.startswith("$"):
        name = arg[1:]
        if name not in ctx.thresholds:
            ctx.error(key, "unknown-threshold", f"unknown threshold {quoted(arg)}",
                      expected="$NAME of a threshold declared in a thresholds section",
                      hint=did_you_mean(name, ctx.thresholds))
            return None
        ctx.used_thresholds.add(name)
        arg = ctx.thresholds[name]
    if not ftype.accepts(arg):
        item = ftype.item if ftype.kind == "list" and ftype.item else ftype
        choices = item.values if item.kind == "enum" else ()
        ctx.error(key, "bad-value", f"'{fact}' cannot be compared with {shown(arg)}",
                  expected=item.describe(), hint=did_you_mean(arg, choices))
        return None
    return arg
