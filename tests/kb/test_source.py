"""Reading YAML: plain data only, every key located, duplicates and bad values reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.kb.source import parse, read


def test_every_key_and_item_has_its_line_and_column() -> None:
    doc, problems = parse("a: 1\nb:\n  - x: 2\n    y: 2026-01-02\n", "f.yaml")
    assert problems == []
    assert doc.data == {"a": 1, "b": [{"x": 2, "y": dt.date(2026, 1, 2)}]}
    assert str(doc.loc(("b", 0, "y"))) == "f.yaml:4:5"
    assert str(doc.loc(("b", 0, "nothing", 3))) == "f.yaml:3:5"  # nearest written ancestor


def test_duplicate_keys_are_reported_and_the_first_kept() -> None:
    doc, problems = parse("a: 1\na: 2\n", "f.yaml")
    assert [p.render() for p in problems] == [
        "f.yaml:2:1: error[duplicate-key] key 'a' appears twice in one mapping\n"
        "  hint: the first one is on line 1"]
    assert doc.data == {"a": 1}


def test_no_python_objects_are_ever_built() -> None:
    doc, problems = parse("a: !!python/object/apply:os.system ['echo pwned']\n", "f.yaml")
    assert [p.code for p in problems] == ["yaml-value"] and doc.data == {"a": None}


def test_impossible_dates_and_syntax_errors_are_located() -> None:
    _, problems = parse("d: 2026-02-30\n", "f.yaml")
    assert str(problems[0].location) == "f.yaml:1:4" and problems[0].code == "yaml-value"
    _, problems = parse("a: [1, 2\n", "f.yaml")
    assert problems[0].code == "yaml-syntax" and problems[0].location is not None


def test_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    _, problems = read(tmp_path / "bin.yaml")
    assert problems[0].code == "unreadable-file"
