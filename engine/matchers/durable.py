"""The optional matcher on durable-rules (``pip install 'playbook-engine[durable]'``).

It drives the raw C extension ``durable_rules_engine`` (not ``durable.lang``'s Host, whose
dispatcher thread can steal actions) around the traps measured in research/durable_rules.md:

- rules are packed into rulesets small enough for the 64-entry evaluation stack (a bound per
  rule, ``join``) and the 255 properties per fact;
- each ruleset has a catch-all rule and each rule a positive marker test (``pb``): no session
  is left unmatched (``delete_state`` would crash), no rule matches the engine's state fact;
- facts are normalised: a missing fact sends no field; equality compares type-tagged tokens
  (``n5``, ``s`` + hex of the UTF-8), so ``"5" != 5`` and ``5 == 5.0 == True`` as in Python;
  ordering reads a number (``nK``) or hex text (``sK``) field; lists (``lK``) carry a sentinel
  item so that "not contains" holds on an empty list; numbers are written as durable parses
  them; NaN, and inf or ints beyond 2**53 where they are ordered, are refused (ValueError);
- ``$or`` firings are de-duplicated; a session is deleted in a ``finally`` once its actions
  started (durable frees uninitialised pointers deleting any other: after a failed assert the
  ruleset is renewed instead); error codes become a DurableError naming client and ruleset;
- a lock per matcher keeps one session alive at a time (durable takes at most 1024 per ruleset
  and tells them apart by a 32-bit hash of the sid); as the extension never releases the GIL,
  the lock costs no parallelism.
"""

from __future__ import annotations

import importlib
import itertools
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from engine.errors import MatcherUnavailable
from engine.language.conditions import Node
from engine.matchers.base import MatcherValue
from engine.matchers.durable_plan import MAX_RULES, STACK_BUDGET, Shard, fragment, plan

__all__ = ["MAX_RULES", "STACK_BUDGET", "DurableError", "DurableMatcher", "load_engine"]

CODES = {106: "too many rules on one property", 201: "unparsable value", 203: "unparsable number",
         204: "unparsable object", 302: "more than 255 properties", 309: "session not found",
         303: "evaluation stack overflow: too many tests true at once"}
INSTALL = ("pip install 'playbook-engine[durable]' (it compiles durable-rules 2.0.28 from "
           "source: needs gcc and the Python headers, e.g. python3-dev; Python 3.11 or 3.12)")


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




def _drop(engine: ModuleType, shards: list[Shard]) -> None:
    for shard in shards:
        if shard.handle is not None:
            engine.delete_ruleset(shard.handle)


def _client(label: str | None) -> str:
    return f"client {label!r}" if label else "a client"


class DurableMatcher(MatcherValue):
    name = "durable"

    def __init__(self, trees: Sequence[Node], slots: Mapping[str, int]) -> None:
        self._keep(trees, slots)
        self._engine = load_engine()
        self._shards, self._fields = plan(trees, slots)
        weakref.finalize(self, _drop, self._engine, self._shards).atexit = False
        for shard in self._shards:
            self._create(shard)
        self._lock = threading.Lock()
        self._sids = itertools.count()

    def _create(self, shard: Shard) -> None:
        try:
            shard.handle = self._engine.create_ruleset(shard.name, shard.definition())
        except self._engine.error as exc:
            raise self._error(exc, shard, "loading the rules") from exc

    def _renew(self, shard: Shard) -> None:
        """A new ruleset for one whose session failed: durable would free uninitialised
        pointers deleting that session, while deleting the ruleset frees no session."""
        handle, shard.handle = shard.handle, None
        self._engine.delete_ruleset(handle)
        self._create(shard)

    def match(self, values: Sequence[Any], label: str | None = None) -> list[int]:
        """Indices of the matching trees, ascending; ``label`` names the client in errors."""
        body, matched = self._body(values, label), set[int]()
        with self._lock:
            for shard in self._shards:
                fired = self._evaluate(shard, body, label)
                matched.update(shard.rules[name] for name in fired if name in shard.rules)
        return sorted(matched)

    def _body(self, values: Sequence[Any], label: str | None) -> str:
        """The JSON members of the present facts: missing facts send no field at all."""
        try:
            members = [fragment(slot, kind, v) for slot, kind in self._fields
                       if (v := values[slot]) is not None]
        except ValueError as exc:
            raise ValueError(f"{_client(label)}: {exc}") from exc
        return "".join("," + m for m in members if m is not None)

    def _evaluate(self, shard: Shard, body: str, label: str | None) -> list[str]:
        """The names of the rules that fire for one fact, in a session deleted afterwards."""
        engine, handle, sid = self._engine, shard.handle, f"{next(self._sids)}"
        try:
            code, state = engine.assert_fact(handle, f'{{"sid":"{sid}","id":"1","pb":1{body}}}')
        except engine.error as exc:
            self._renew(shard)
            raise self._error(exc, shard, _client(label)) from exc
        if code != 0:  # no rule took the fact, not even the catch-all
            self._renew(shard)
            raise DurableError(f"{_client(label)}, ruleset {shard.name}: the catch-all rule "
                               f"did not fire (code {code})")
        try:
            try:
                return self._fired(handle, state)
            finally:
                engine.delete_state(handle, sid)
        except engine.error as exc:
            raise self._error(exc, shard, _client(label)) from exc

    def _fired(self, handle: int | None, state: int) -> list[str]:
        fired: list[str] = []
        action = self._engine.start_action_for_state(handle, state)
        messages: str | None = action and action[1]
        while messages:  # '{"r12":{"m":{...}}}': one firing each
            fired.append(messages[2:messages.index('"', 2)])
            messages = self._engine.complete_and_start_action(handle, state)
        return fired

    @staticmethod
    def _error(exc: Exception, shard: Shard, where: str) -> DurableError:
        """durable's bare numeric error code, made to say what and where."""
        found = re.search(r"error code: (\d+)", str(exc))
        code = int(found[1]) if found else 0
        first, last = min(shard.rules.values()), max(shard.rules.values())
        return DurableError(f"durable-rules error {code} ({CODES.get(code, 'see rules.h')}) "
                            f"for {where}, ruleset {shard.name} (rules #{first} to #{last}): "
                            f"{exc}")
