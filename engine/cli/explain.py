"""Explain, rule by rule, why a client gets what it gets.

For each rule: fired, suppressed by the winner of its exclusive group, or not fired with the
first condition that failed and the client's actual value ("nps is 8, rule wants <= 6"). Then the
chain of missing prerequisites of every blocked step, the exclusive groups and the steps that
were dropped. --rule ID explains that rule only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import add_format, add_kb, date, emit, load_kb
from engine.errors import Diagnostic, DiagnosticsError, did_you_mean, one_of
from engine.kb.knowledge_base import KnowledgeBase
from engine.render import TextReporter, reporter
from engine.runtime.clients import read_clients
from engine.tools.explain import Explanation, explain
from engine.vocabulary import LANGUAGES

NAME = "explain"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("client", metavar="CLIENT_FILE", type=Path,
                        help="a client file (.yaml, .yml or .json): one client or a list")
    parser.add_argument("--rule", metavar="ID", help="explain this rule only")
    add_kb(parser)
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day to explain for, YYYY-MM-DD (default: today)")
    add_format(parser, "text", "json")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of titles and explanations (default: en)")


def run(args: argparse.Namespace) -> int:
    kb = load_kb(args)
    if args.rule is not None:
        check_rule(args.rule, kb)
    clients, problems = read_clients(args.client, kb)
    emit(TextReporter().diagnostics(problems))
    items: list[tuple[Explanation, str | None]] = []
    for client in clients:
        ex = explain(kb, client, args.as_of, args.lang)
        items.append((ex.only(args.rule) if args.rule else ex, client.name))
    emit(reporter(args.format).explanations(items, args.lang))
    return 1 if problems else 0


def check_rule(rule_id: str, kb: KnowledgeBase) -> None:
    """Raise a diagnostic naming the closest rule when ``rule_id`` is not a rule of ``kb``."""
    known = sorted(r.id for r in kb.rules)
    if rule_id not in known:
        raise DiagnosticsError([Diagnostic(
            "unknown-rule", f"the knowledge base has no rule '{rule_id}'",
            expected=one_of(known) if len(known) <= 12 else "the id of a rule in rules/*.yaml",
            hint=did_you_mean(rule_id, known))])
