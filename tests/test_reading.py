"""Bounded reading: libyaml's parser and the pure-Python one give the same data, marks and
refusals; limits are located errors; JSON is read as JSON."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from engine.kb import yaml_reader
from engine.kb.limits import Limits
from engine.kb.source import parse, parse_as, read

from .fuzzing import ROOT

LOADERS = {"libyaml": yaml_reader.C_LOADER, "python": yaml.SafeLoader}
BUNDLED = sorted(p for folder in ("rules", "journey_maps", "playbooks")
                 for p in (ROOT / folder).glob("*.yaml"))


@pytest.fixture(params=[name for name, loader in LOADERS.items() if loader is not None])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(yaml_reader, "LOADER", LOADERS[request.param])
    yield request.param


def rendered(text: str, limits: Limits | None = None) -> list[str]:
    return [p.render() for p in parse(text, "f.yaml", limits)[1]]


def test_libyaml_is_used_when_installed() -> None:
    assert yaml_reader.LOADER is yaml_reader.C_LOADER is yaml.CSafeLoader


@pytest.mark.slow
def test_both_parsers_read_every_bundled_file_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in BUNDLED:
        text = path.read_text(encoding="utf-8")
        docs = []
        for parser in (yaml.CSafeLoader, yaml.SafeLoader):
            monkeypatch.setattr(yaml_reader, "LOADER", parser)
            doc, problems = parse(text, path.name)
            docs.append((doc.data, doc.marks, problems))
        assert docs[0] == docs[1], path
        assert docs[0][0] == yaml.load(text, Loader=yaml.CSafeLoader)


def test_refusals_are_the_same_with_both_parsers(loader: str) -> None:
    assert rendered("a: 1\na: 2\n") == [
        "f.yaml:2:1: error[duplicate-key] key 'a' appears twice in one mapping\n"
        "  hint: the first one is on line 1"]
    assert rendered("a: !!python/object/apply:os.system ['echo pwned']\n") == [
        "f.yaml:1:4: error[yaml-value] cannot read a value tagged "
        "'tag:yaml.org,2002:python/object/apply:os.system'\n"
        "  expected: plain data: text, numbers, dates, lists, mappings"]
    assert rendered("d: 2026-02-30\n")[0].startswith("f.yaml:1:4: error[yaml-value] cannot read "
                                                     "'2026-02-30'")
    assert rendered("a: 1\n---\nb: 2\n") == [
        "f.yaml:2:1: error[yaml-syntax] expected a single document in the stream, but found "
        "another document\n  expected: one YAML document per file"]


def test_an_alias_inside_what_it_names_is_a_loop(loader: str) -> None:
    assert rendered("id: c\nfacts: &a {x: *a}\n") == [
        "f.yaml:2:15: error[yaml-alias-loop] the alias 'a' is inside the value it names: it "
        "would never end\n  expected: an alias to a value that does not contain it"]


def test_alias_expansion_is_counted_and_capped(loader: str) -> None:
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n"  # 3*4 + 3*(1+3*4)
    assert rendered(bomb, Limits(max_alias_nodes=51)) == []
    assert rendered(bomb, Limits(max_alias_nodes=50)) == [
        "f.yaml:3:16: error[too-many-aliases] the aliases of this file copy more than 50 "
        "values\n  expected: a smaller file\n"
        "  hint: the limit can be raised with the environment variable PLAYBOOK_MAX_ALIAS_NODES"]
    doc, _ = parse(bomb, "f.yaml")
    assert doc.data["c"] == [[["x"] * 3] * 3] * 3


def test_depth_is_capped_also_through_aliases(loader: str) -> None:
    assert rendered("a: [[[1]]]\n", Limits(max_depth=4)) == []
    assert rendered("a: [[[[1]]]]\n", Limits(max_depth=4))[0].startswith(
        "f.yaml:1:7: error[too-deep] the data is nested deeper than 4 levels")
    assert rendered("x: &x [[1]]\na: [*x]\n", Limits(max_depth=4)) == []
    assert rendered("x: &x [[1]]\na: [[*x]]\n", Limits(max_depth=4))[0].startswith(
        "f.yaml:2:6: error[too-deep]")


def test_control_characters_and_bad_utf8_are_located(loader: str, tmp_path: Path) -> None:
    assert rendered("id: c\nname: a\x00b\n")[0].startswith(
        "f.yaml:2:8: error[yaml-syntax] the control character U+0000 is not allowed in YAML")
    (tmp_path / "c.yaml").write_bytes(b"id: c\nname: caf\xe9\n")
    assert read(tmp_path / "c.yaml", "c.yaml")[1][0].render().startswith(
        "c.yaml:2:10: error[unreadable-file] byte 0xe9 is not UTF-8 text")


def test_special_files_and_large_files_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    assert [p.render() for p in read(tmp_path / "pipe.yaml", "pipe.yaml")[1]] == [
        "pipe.yaml: error[not-a-file] cannot read a FIFO (named pipe)\n"
        "  expected: a regular file"]
    assert read(Path("/dev/zero"))[1][0].message == "cannot read a character device"
    (tmp_path / "big.yaml").write_text("a: " + "x" * 100 + "\n")
    assert read(tmp_path / "big.yaml", "big.yaml", Limits(max_bytes=100))[1][0].code == (
        "file-too-large")
    assert read(tmp_path / "big.yaml", "big.yaml", Limits(max_bytes=104))[1] == []


def test_limits_are_settable_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Limits.from_env() == Limits(32 * 2**20, 64, 100_000)
    monkeypatch.setenv("PLAYBOOK_MAX_DEPTH", "3")
    monkeypatch.setenv("PLAYBOOK_MAX_FILE_BYTES", "nonsense")
    assert Limits.from_env() == Limits(max_depth=3)
    assert parse("a: [[1]]\n", "f.yaml")[1] == []
    assert parse("a: [[[1]]]\n", "f.yaml")[1][0].code == "too-deep"


def test_json_is_read_as_json() -> None:
    doc, problems = parse_as('{"budget": 1e5, "name": "\\ud83d\\ude00", "k": [1, {"y": 2}]}',
                             "c.json", ".json")
    assert problems == [] and doc.data == {"budget": 1e5, "name": "😀", "k": [1, {"y": 2}]}
    assert str(doc.loc(("k", 1, "y"))) == "c.json:1:51"
    doc, problems = parse_as('{"a": NaN}', "c.json", ".json")
    assert math.isnan(doc.data["a"])  # refused later, by the model or the condition parser


def test_json_errors_are_located() -> None:
    assert [p.render() for p in parse_as('{"id": "c",\n  "nps": 5,,\n}', "c.json", ".json")[1]
            ] == ["c.json:2:12: error[json-syntax] Expecting property name enclosed in double "
                  "quotes\n  expected: valid JSON"]
    assert [p.render() for p in parse_as('{"a": 1,\n "b": {"a": 2},\n "a": 3}', "c.json",
                                         ".json")[1]] == [
        "c.json:3:2: error[duplicate-key] key 'a' appears twice in one mapping\n"
        "  hint: the first one is on line 1"]


def test_json_lines_are_a_list_with_their_line_numbers() -> None:
    doc, problems = parse_as('{"id": "a"}\n\n{"id": "b", "x": [1, 2]}\n{"id": \n', "c.jsonl",
                             ".jsonl")
    assert doc.data == [{"id": "a"}, {"id": "b", "x": [1, 2]}]
    assert [str(doc.loc((1, "x", 1))), str(doc.loc((0,)))] == ["c.jsonl:3:22", "c.jsonl:1:1"]
    assert [str(p.location) for p in problems] == ["c.jsonl:4:8"]
