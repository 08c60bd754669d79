"""A parsed document: the location of any part, or of its nearest written ancestor."""

from __future__ import annotations

from engine.errors import Location
from engine.kb.source import parse
from engine.language.document import Document

TEXT = "a:\n  b: [1, 2]\n  c: x\n"


def test_a_written_key_and_item_are_located_exactly() -> None:
    doc, problems = parse(TEXT, "f.yaml")
    assert problems == []
    assert doc.loc(("a", "b")) == Location("f.yaml", 2, 3)
    assert doc.loc(("a", "b", 1)) == Location("f.yaml", 2, 10)
    assert doc.loc(("a", "c")) == Location("f.yaml", 3, 3)


def test_an_unwritten_part_takes_its_nearest_written_ancestor() -> None:
    doc, _ = parse(TEXT, "f.yaml")
    assert doc.loc(("a", "b", 7)) == Location("f.yaml", 2, 3)
    assert doc.loc(("a", "missing", "deeper")) == Location("f.yaml", 1, 1)


def test_without_any_mark_the_start_of_the_file() -> None:
    doc = Document("g.yaml", {"x": 1})
    assert doc.loc() == Location("g.yaml", 1, 1)
    assert doc.loc(("x",)) == Location("g.yaml", 1, 1)
    marked = Document("g.yaml", {"x": 1}, {("x",): (4, 2)})
    assert marked.loc(("x", "y")) == Location("g.yaml", 4, 2)
    assert marked.loc(("z",)) == Location("g.yaml", 1, 1)
