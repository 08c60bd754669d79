"""Validation findings as SARIF 2.1.0, the format code-scanning services read (GitHub code
scanning, GitLab, Azure DevOps): one result per diagnostic, with its rule (the diagnostic's
code), level, message and place. Checked against the SARIF 2.1.0 schema in the tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.errors import Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.render.json import document
from engine.render.output import Output
from engine.render.text import TextReporter
from engine.version import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class SarifReporter(TextReporter):
    name = "sarif"

    def validation(self, kb: KnowledgeBase | None, problems: Sequence[Diagnostic],
                   strict: bool) -> Output:
        return Output(document(sarif(problems)))


def sarif(problems: Sequence[Diagnostic]) -> dict[str, Any]:
    codes = sorted({p.code for p in problems})
    rules = [{"id": code, "name": code, "shortDescription": {"text": code.replace("-", " ")}}
             for code in codes]
    driver = {"name": "playbook", "version": __version__, "rules": rules}
    results = [_result(p, codes.index(p.code)) for p in problems]
    return {"$schema": SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": results}]}


def _result(problem: Diagnostic, rule_index: int) -> dict[str, Any]:
    text = "\n".join([problem.message,
                      *([f"expected: {problem.expected}"] if problem.expected else []),
                      *([f"hint: {problem.hint}"] if problem.hint else [])])
    result: dict[str, Any] = {"ruleId": problem.code, "ruleIndex": rule_index,
                              "level": problem.severity, "message": {"text": text}}
    where = problem.location
    if where is not None and where.path:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(where.path)}}
        if where.line:
            physical["region"] = {"startLine": where.line, "startColumn": max(where.col, 1)}
        result["locations"] = [{"physicalLocation": physical}]
    return result


def _uri(path: str) -> str:
    """A relative path as a relative URI (forward slashes); an absolute one as a file URI."""
    as_path = Path(path)
    return as_path.as_uri() if as_path.is_absolute() else as_path.as_posix()
