"""Exclusive groups: of the matching rules of a group, only the first in rank order acts."""

from __future__ import annotations

from engine.kb.rule import CompiledRule


def resolve_groups(matched: list[CompiledRule]) -> tuple[list[CompiledRule], dict[str, str]]:
    """The rules that act, and each suppressed rule with the rule of its group that won."""
    winners: dict[str, str] = {}
    acting, suppressed = [], {}
    for rule in matched:  # rank order: the first of a group wins
        group = rule.group
        if group is not None and group in winners:
            suppressed[rule.id] = winners[group]
            continue
        if group is not None:
            winners[group] = rule.id
        acting.append(rule)
    return acting, suppressed
