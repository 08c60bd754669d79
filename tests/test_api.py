"""engine/api.py: one loader. ``engine.load``, ``engine.check`` and ``engine.default_kb`` mean
the same thing (compiled, then linted unless ``lint=False``), and recommend() fills in its
defaults once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import engine
from engine.lint import lint

from .conftest import DATA, SMALL_KB

LINT_KB = DATA / "lint_kb"


def test_load_check_and_default_kb_carry_the_same_warnings() -> None:
    kb, problems = engine.check(LINT_KB)
    assert kb is not None and kb.warnings and list(kb.warnings) == lint(kb)
    assert engine.load(LINT_KB).warnings == kb.warnings
    assert [d for d in problems if d.severity == "warning"] == list(kb.warnings)
    assert engine.default_kb().warnings == engine.load().warnings


def test_lint_false_compiles_only() -> None:
    kb, problems = engine.check(LINT_KB, lint=False)
    assert kb is not None and kb.warnings == () and problems == []
    assert engine.load(LINT_KB, lint=False) == kb


def test_the_defaults_of_recommend_are_the_bundled_kb_and_today() -> None:
    client = {"id": "c", "project_type": "lead_gen"}
    assert engine.recommend(client) == engine.recommend(client, kb=engine.default_kb(),
                                                        as_of=dt.date.today())
    rec, evaluation = engine.evaluate(client, kb=engine.load(SMALL_KB))
    assert rec.as_of == dt.date.today() and evaluation.facts["id"] == "c"


@pytest.mark.parametrize(("call", "message"), [
    ({"lang": "de"}, "unknown language 'de'"),
    ({"kb": "small", "matcher": "durable"}, "compiled for the 'python' matcher"),
])
def test_wrong_arguments_are_refused(call: dict[str, str], message: str) -> None:
    kwargs: dict[str, object] = dict(call)
    if kwargs.get("kb") == "small":
        kwargs["kb"] = engine.load(Path(SMALL_KB))
    with pytest.raises(ValueError, match=message):
        engine.recommend({"id": "c"}, **kwargs)  # type: ignore[arg-type]
