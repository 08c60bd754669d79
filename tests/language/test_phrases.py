"""The engine's own sentences: both languages, author text only ever a value."""

from __future__ import annotations

import pytest

from engine.language.phrases import MESSAGES, say, sentence
from engine.vocabulary import LANGUAGES


def test_every_sentence_in_every_language() -> None:
    assert all(tuple(texts) == LANGUAGES for texts in MESSAGES.values())
    assert say("not_yet", "en", missing="briefing") == "Not yet: first briefing."
    assert say("quoted", "ru", text="{x}") == "«{x}»"
    assert say("journey_next", "ru", journey="lead_gen") == (
        "Дальше по карте «lead_gen»: всё, что этому предшествует, уже сделано.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Call them", "Call them."),
    ("Call them.  ", "Call them."),
    ("Why?", "Why?"),
    ("Now!", "Now!"),
    ("So\u2026", "So\u2026"),
    ("First:", "First:"),
])
def test_a_sentence_ends_with_a_stop(text: str, expected: str) -> None:
    assert sentence(text) == expected
