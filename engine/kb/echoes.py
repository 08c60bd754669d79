"""One mistake, one error: when a file fails to load, the names it declares are unknown to the
rest of the knowledge base, and every use of them would be reported again. Those reports are
echoes of the one mistake already reported, and are dropped."""

from __future__ import annotations

import re
from typing import Any

from engine.errors import Diagnostic

ECHO = re.compile(r"^unknown (?:threshold|fact|journey step|playbook entry) '([^']+)'$")


def declared(folder: str, data: Any) -> set[str]:
    """The names a file declares, read from its raw data (the file did not load)."""
    if not isinstance(data, dict):
        return set()
    if folder == "rules":
        thresholds, facts = data.get("thresholds"), data.get("facts")
        return ({f"${k}" for k in thresholds} if isinstance(thresholds, dict) else set()) | (
            {f"facts.{k}" for k in facts} if isinstance(facts, dict) else set())
    items = data.get("steps" if folder == "journey_maps" else "entries")
    return {str(i["id"]) for i in items if isinstance(i, dict) and "id" in i} if isinstance(
        items, list) else set()


def without_echoes(problems: list[Diagnostic], unsure: set[str]) -> list[Diagnostic]:
    if not unsure:
        return problems
    kept = []
    for problem in problems:
        echo = ECHO.match(problem.message)
        if echo is None or echo.group(1) not in unsure:
            kept.append(problem)
    return kept
