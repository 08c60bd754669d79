"""One folder per authoring mistake: its files laid over tests/data/small_kb, its messages in
expected.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.render.text import diagnostics as diagnostics_text

from ..conftest import DATA, SMALL_KB, golden, overlay

CASES = sorted(p for p in (DATA / "errors").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_error_messages(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb_dir = overlay(SMALL_KB, case, tmp_path / "kb")
    monkeypatch.chdir(kb_dir)
    kb, problems = engine.check(".")
    assert kb is None, "a knowledge base with mistakes must not load"
    golden(case / "expected.txt", diagnostics_text(problems))


def test_load_raises_with_every_error(tmp_path: Path) -> None:
    kb_dir = overlay(SMALL_KB, DATA / "errors" / "wrong_type", tmp_path / "kb")
    with pytest.raises(engine.KnowledgeBaseError) as info:
        engine.load(kb_dir)
    assert [d.code for d in info.value.diagnostics] == ["bad-value", "bad-value", "bad-value"]
