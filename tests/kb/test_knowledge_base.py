"""A loaded KnowledgeBase is an immutable value: it survives pickling equal to itself and
recommends the same afterwards; its runtime index is built when it is loaded."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pytest

import engine
from engine.kb.index import Index
from engine.tools.generate import random_clients

DAY = dt.date(2026, 10, 15)


def test_a_loaded_kb_is_immutable() -> None:
    kb = engine.default_kb()
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.version = "x"  # type: ignore[misc]
    assert isinstance(kb.index, Index)


def test_pickle_round_trip_is_equal_and_recommends_the_same() -> None:
    kb = engine.default_kb()
    copy = pickle.loads(pickle.dumps(kb))
    assert copy == kb and copy is not kb
    assert copy.matcher == kb.matcher and copy.matcher is not kb.matcher
    for client in random_clients(kb, 200, seed=7):
        for lang in ("en", "ru"):
            assert (engine.recommend(client, kb=copy, as_of=DAY, lang=lang)
                    == engine.recommend(client, kb=kb, as_of=DAY, lang=lang))


def test_knowledge_bases_of_different_content_differ(small_kb: engine.KnowledgeBase) -> None:
    assert small_kb != engine.default_kb()
    assert pickle.loads(pickle.dumps(small_kb)) == small_kb
