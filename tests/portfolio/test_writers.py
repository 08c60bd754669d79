"""Results out: a JSON line is the recommendation with each action's playbook content named by
its entry, written in one call by orjson, the same bytes the standard library writes."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import orjson

import engine
from engine.portfolio.writers import (
    JsonLines,
    _named,
    _Shared,
    json_line,
    recommendation_line,
    recommendation_record,
)
from engine.runtime.wire import from_wire, to_wire
from engine.tools.generate import random_clients

AS_OF = dt.date(2026, 10, 15)


def test_a_line_names_the_playbook_content_and_is_what_the_stdlib_writes() -> None:
    kb = engine.default_kb()
    for client in random_clients(kb, 300, seed=5, known=0.8):
        for lang in ("en", "ru"):
            rec = engine.recommend(client, kb=kb, as_of=AS_OF, lang=lang)
            line = recommendation_line(rec)
            assert line == json_line(recommendation_record(rec))
            full = rec.model_dump(mode="json")
            for written, action in zip(json.loads(line)["actions"], full["actions"],
                                       strict=True):
                details = action.pop("details")
                assert written.pop("details") == (details and {"entry": details["entry"]})
                assert written == action


def test_text_that_is_no_utf8_still_makes_a_line(tmp_path: Path) -> None:
    """As a string, the line is the standard library's; in a file (UTF-8), a lone surrogate is
    written as its JSON escape: the file is UTF-8, and reads back to the same text."""
    rec = engine.recommend({"id": "c"}, as_of=AS_OF).model_copy(update={"notes": ["a\ud800"]})
    assert recommendation_line(rec) == json_line(recommendation_record(rec))
    path = tmp_path / "out.jsonl"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = JsonLines(stream)
        writer.write(rec)
        writer.close()
    assert json.loads(path.read_bytes().decode("utf-8"))["notes"] == ["a\ud800"]


def test_the_json_lines_writer_writes_what_recommendation_line_does(tmp_path: Path) -> None:
    """The lines are the same bytes, whatever the client's id (quotes, backslashes, invisible
    characters escaped) or its notes and held steps, and whether the recommendation was made
    here or came back from a worker process in wire form; into a text stream, or into a file
    (its bytes written as they are made)."""
    kb = engine.default_kb()
    stream = io.StringIO()
    writer = JsonLines(stream)
    path = tmp_path / "out.jsonl"
    file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    into_file = JsonLines(file)
    expected = []
    odd = ['a"b', "c\\d", "é\u200bz", "\u202eright", "\ufeffbom"]
    for i, client in enumerate(random_clients(kb, 300, seed=9, known=0.6)):
        client["id"] = odd[i % len(odd)] + str(i)
        for lang in ("en", "ru"):
            rec = engine.recommend(client, kb=kb, as_of=AS_OF, lang=lang)
            writer.write(rec)
            into_file.write(rec)
            expected.append(recommendation_line(rec))
            assert recommendation_line(from_wire(to_wire(rec))) == expected[-1]
            assert expected[-1] == json_line(recommendation_record(rec))
    assert any(json.loads(line)["held"] for line in expected)
    assert any(json.loads(line)["notes"] for line in expected)
    assert stream.getvalue() == "".join(expected)
    into_file.close()
    file.close()
    assert path.read_bytes() == "".join(expected).encode()


def test_an_action_many_recommendations_share_is_made_once_in_bounded_tables() -> None:
    """The knowledge base's prepared actions are shared objects: met again, the same object,
    their JSON is made once and spliced in; the JSON is what the action's own fields give, and
    the tables start again when full."""
    kb = engine.default_kb()
    shared = _Shared()
    shared.SEEN, shared.MADE = 40, 20
    spliced = 0
    for client in random_clients(kb, 200, seed=3, known=0.6):
        for action in engine.recommend(client, kb=kb, as_of=AS_OF).actions:
            made = shared.json(action)
            spliced += isinstance(made, orjson.Fragment)
            assert orjson.dumps(made) == orjson.dumps(_named(action))
            assert len(shared.seen) <= 40 and len(shared.made) <= 20
    assert spliced > 500
