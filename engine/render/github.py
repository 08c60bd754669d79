"""Validation findings as GitHub Actions workflow commands: ``::error file=F,line=L,col=C,
title=CODE::MESSAGE``, which GitHub shows as annotations on the lines of a pull request. What
was expected and the hint follow the message on lines of their own (escaped as the commands
require)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.errors import Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.render.output import Output
from engine.render.text import TextReporter
from engine.render.text import _summary as summary


class GithubReporter(TextReporter):
    name = "github"

    def validation(self, kb: KnowledgeBase | None, problems: Sequence[Diagnostic],
                   strict: bool) -> Output:
        errors = sum(p.severity == "error" for p in problems)
        lines = "".join(annotation(p) + "\n" for p in problems)
        return Output(lines + summary(kb, errors, len(problems) - errors, strict))


def annotation(problem: Diagnostic) -> str:
    where = problem.location
    fields = []
    if where is not None and where.path:
        fields.append(f"file={_property(where.path)}")
        if where.line:
            fields += [f"line={where.line}", f"col={max(where.col, 1)}"]
    fields.append(f"title={_property(problem.code)}")
    text = "\n".join([problem.message,
                      *([f"expected: {problem.expected}"] if problem.expected else []),
                      *([f"hint: {problem.hint}"] if problem.hint else [])])
    return f"::{problem.severity} {','.join(fields)}::{_data(text)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
