from __future__ import annotations

from pathlib import Path

import pytest

import engine

from ..conftest import DATA, SMALL_KB, overlay


@pytest.fixture
def kb(monkeypatch: pytest.MonkeyPatch) -> engine.KnowledgeBase:
    """The small knowledge base loaded from its own folder: locations read rules/main.yaml."""
    monkeypatch.chdir(SMALL_KB)
    return engine.load(".")


@pytest.fixture
def broken_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small knowledge base with five operators spelled as people type them; we stand in it."""
    kb = overlay(SMALL_KB, DATA / "errors" / "operator_spellings", tmp_path / "kb")
    monkeypatch.chdir(kb)
    return kb
