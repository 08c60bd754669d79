from __future__ import annotations

import pytest

import engine

from ..conftest import SMALL_KB


@pytest.fixture
def kb(monkeypatch: pytest.MonkeyPatch) -> engine.KnowledgeBase:
    """The small knowledge base loaded from its own folder: locations read rules/main.yaml."""
    monkeypatch.chdir(SMALL_KB)
    return engine.load(".")
