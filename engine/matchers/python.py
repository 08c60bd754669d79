"""The default matcher: one Python function generated from the condition trees.

Only identifiers the generator makes up appear in the source (``f3``, ``C[7]``): fact values
come in by slot number and every constant written by an author goes through the table ``C``.
Rules scoped by an equality on the same fact are grouped under one ``if``/``elif`` chain on
that fact, and within a branch again by the next shared equality, so a client only pays for
the rules of its own segment.

A matcher pickles with its compiled code (``marshal``): a process of the same Python (a cached
knowledge base read back, a pool's worker) runs it without generating and compiling the source
again; a Python with another bytecode format builds it from the trees and slots.
"""

from __future__ import annotations

import marshal
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from importlib.util import MAGIC_NUMBER
from types import CodeType
from typing import Any

from engine.language.conditions import All, Node, Test
from engine.matchers.base import MatcherValue

Emit = Callable[[str], None]
TEMPLATES = {
    "eq": "{v} == {c}",
    "ne": "({v} is not None and {v} != {c})",
    "lt": "({v} is not None and {v} < {c})",
    "lte": "({v} is not None and {v} <= {c})",
    "gt": "({v} is not None and {v} > {c})",
    "gte": "({v} is not None and {v} >= {c})",
    "one_of": "{v} in {c}",
    "none_of": "({v} is not None and {v} not in {c})",
    "includes": "({v} is not None and {c} in {v})",
    "excludes": "({v} is not None and {c} not in {v})",
    "exists": "{v} is not None",
    "missing": "{v} is None",
}


class _Generator:
    def __init__(self, slots: Mapping[str, int]) -> None:
        self.slots = slots
        self.constants: list[Any] = []
        self.used: set[int] = set()

    def const(self, value: Any) -> str:
        self.constants.append(value)
        return f"C[{len(self.constants) - 1}]"

    def var(self, fact: str) -> str:
        slot = self.slots[fact]
        self.used.add(slot)
        return f"f{slot}"

    def expr(self, node: Node) -> str:
        if isinstance(node, Test):
            return self.test(node)
        if not node.children:
            return "True" if isinstance(node, All) else "False"
        joiner = " and " if isinstance(node, All) else " or "
        return "(" + joiner.join(self.expr(c) for c in node.children) + ")"

    def test(self, t: Test) -> str:
        v = self.var(t.fact)
        if t.op in ("between", "outside"):
            low, high = self.const(t.value[0]), self.const(t.value[1])
            if t.op == "between":
                return f"({v} is not None and {low} <= {v} <= {high})"
            return f"({v} is not None and ({v} < {low} or {v} > {high}))"
        value = frozenset(t.value) if t.op in ("one_of", "none_of") else t.value
        return TEMPLATES[t.op].format(v=v, c=self.const(value))


def _scope(tree: Node) -> tuple[str, Any, Node] | None:
    """(fact, value, rest) when the tree is an equality test ANDed with the rest."""
    children = tree.children if isinstance(tree, All) else (tree,)
    for i, child in enumerate(children):
        if isinstance(child, Test) and child.op == "eq":
            rest = All(children[:i] + children[i + 1:])
            return child.fact, child.value, rest
    return None


Rows = list[tuple[int, Node]]  # (rule index, the part of its tree still to test)


def _plan(rows: Rows) -> tuple[dict[str, dict[Any, Rows]], Rows]:
    """Group rows by the fact most of them are scoped on, repeatedly; the rest run flat."""
    scoped = {i: s for i, t in rows if (s := _scope(t)) is not None}
    groups: dict[str, dict[Any, Rows]] = {}
    while scoped:
        fact, count = Counter(s[0] for s in scoped.values()).most_common(1)[0]
        if count < 2:
            break
        branches = groups.setdefault(fact, {})
        for i in [i for i, s in scoped.items() if s[0] == fact]:
            _, value, rest = scoped.pop(i)
            branches.setdefault(value, []).append((i, rest))
    grouped = {i for b in groups.values() for branch in b.values() for i, _ in branch}
    return groups, [(i, t) for i, t in rows if i not in grouped]


def _block(rows: Rows, gen: _Generator, depth: int) -> list[str]:
    """Statements testing ``rows``: dispatch chains on shared equalities, nested, then the rest."""
    pad = "    " * depth
    lines: list[str] = []
    groups, flat = _plan(rows)
    for fact, branches in groups.items():
        var, keyword = gen.var(fact), "if"
        for value, branch in branches.items():
            lines.append(f"{pad}{keyword} {var} == {gen.const(value)}:")
            lines.extend(_block(branch, gen, depth + 1))
            keyword = "elif"
    lines.extend(f"{pad}if {gen.expr(tree)}: a({i})" for i, tree in flat)
    return lines


def generate(trees: Sequence[Node], slots: Mapping[str, int]) -> tuple[str, list[Any]]:
    """The source of ``match(v)`` and its constant table."""
    gen = _Generator(slots)
    body = _block(list(enumerate(trees)), gen, 1)
    head = ["def match(v, C=C):", "    out = []", "    a = out.append"]
    head.extend(f"    f{slot} = v[{slot}]" for slot in sorted(gen.used))
    tail = ["    out.sort()", "    return out"]
    return "\n".join(head + body + tail) + "\n", gen.constants


class PythonMatcher(MatcherValue):
    name = "python"

    def __init__(self, trees: Sequence[Node], slots: Mapping[str, int]) -> None:
        self._keep(trees, slots)
        self.source, constants = generate(trees, slots)
        self._start(compile(self.source, "<playbook rules>", "exec"), tuple(constants))

    def _start(self, code: CodeType, constants: tuple[Any, ...]) -> None:
        self._code, self._constants = code, constants
        namespace: dict[str, Any] = {"C": constants}
        exec(code, namespace)
        self._match: Callable[[Sequence[Any]], list[int]] = namespace["match"]

    def match(self, values: Sequence[Any], label: str | None = None) -> list[int]:
        return self._match(values)

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpickled, (self.trees, self.slots, self.source, self._constants, MAGIC_NUMBER,
                            marshal.dumps(self._code))


def _unpickled(trees: tuple[Node, ...], slots: dict[str, int], source: str,
               constants: tuple[Any, ...], magic: bytes, code: bytes) -> PythonMatcher:
    """A pickled matcher: its code as compiled, if this Python reads that bytecode."""
    if magic != MAGIC_NUMBER:
        return PythonMatcher(trees, slots)
    matcher = PythonMatcher.__new__(PythonMatcher)
    matcher._keep(trees, slots)
    matcher.source = source
    matcher._start(marshal.loads(code), constants)
    return matcher
