"""A knowledge base's files: discovery (scenarios apart), the digest that versions them, and
each file read against its model with located problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.kb.files import knowledge_files, parse_all, parse_model, scenario_files, shown_path
from engine.models import RulesFile

from ..conftest import SMALL_KB


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL_KB, tmp_path / "kb"))


def test_knowledge_files_in_folder_order_without_scenarios(kb_dir: Path) -> None:
    assert [(folder, path.relative_to(kb_dir).as_posix())
            for folder, path in knowledge_files(kb_dir)] == [
        ("rules", "rules/main.yaml"), ("rules", "rules/settings.yaml"),
        ("journey_maps", "journey_maps/lead_gen.yaml"),
        ("playbooks", "playbooks/communication.yaml")]
    assert scenario_files(kb_dir) == [kb_dir / "rules" / "main.test.yaml"]


def test_the_digest_changes_with_content_and_names_not_with_scenarios(kb_dir: Path) -> None:
    first = parse_all(kb_dir)
    assert first.problems == [] and len(first.digest) == 12
    assert (len(first.rules), len(first.journeys), len(first.playbooks)) == (2, 1, 1)
    (kb_dir / "rules" / "main.test.yaml").write_text("scenarios: []\n", encoding="utf-8")
    assert parse_all(kb_dir).digest == first.digest
    settings = kb_dir / "rules" / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = parse_all(kb_dir).digest
    assert changed != first.digest
    settings.rename(kb_dir / "rules" / "other.yaml")
    assert parse_all(kb_dir).digest not in (first.digest, changed)


def test_not_a_knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "half" / "rules").mkdir(parents=True)
    assert [d.render() for d in parse_all(Path("nowhere")).problems] == [
        "nowhere: error[not-a-knowledge-base] no such folder\n"
        "  expected: a folder with rules/, journey_maps/ and playbooks/"]
    assert [d.render() for d in parse_all(Path("half")).problems] == [
        "half: error[not-a-knowledge-base] half has no journey_maps/, playbooks/\n"
        "  expected: a folder with rules/, journey_maps/ and playbooks/"]


@pytest.mark.parametrize(("text", "message"), [
    ("", "expected a mapping at the top, found an empty file"),
    ("- 1\n", "expected a mapping at the top, found list"),
])
def test_a_file_that_is_not_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text(text, encoding="utf-8")
    _, model, problems = parse_model(Path("r.yaml"), RulesFile)
    assert model is None
    assert [d.render() for d in problems] == [
        f"r.yaml:1:1: error[bad-file] {message}\n  expected: the keys of RulesFile"]


def test_paths_are_shown_relative_when_inside_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    monkeypatch.chdir(tmp_path / "in")
    assert shown_path(tmp_path / "in" / "rules" / "a.yaml") == "rules/a.yaml"
    assert shown_path(tmp_path / "out.yaml") == str(tmp_path / "out.yaml")
