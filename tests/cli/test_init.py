"""`playbook init DIR [--minimal]`: a new knowledge base whose `$schema` lines work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.cli import main
from engine.tools.schemas import KINDS

from ..conftest import ROOT
from ..kb.test_discover import playbook

jsonschema = pytest.importorskip("jsonschema")
SCHEMA_LINE = "# yaml-language-server: $schema="


def schema_of(path: Path) -> Path:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(SCHEMA_LINE), path
    return (path.parent / first[len(SCHEMA_LINE):]).resolve()


@pytest.mark.parametrize("minimal", [False, True])
@pytest.mark.slow
def test_a_new_knowledge_base_validates_tests_and_its_schema_lines_work(
        tmp_path: Path, minimal: bool) -> None:
    target = tmp_path / "ours"
    done = playbook(tmp_path, "init", "ours", *(["--minimal"] if minimal else []))
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("next: cd ours && playbook validate && playbook test\n")
    files = sorted(target.glob("*/*.yaml"))
    if not minimal:
        assert [p.relative_to(target) for p in files] == sorted(
            p.relative_to(ROOT) for f in ("rules", "journey_maps", "playbooks")
            for p in (ROOT / f).glob("*.yaml"))
    for path in files:
        schema = json.loads(schema_of(path).read_text(encoding="utf-8"))
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")),
                                     default=str))
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == [], path
    assert playbook(target, "validate").returncode == 0
    tested = playbook(target / "rules", "test")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_minimal_skeleton_is_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "kb"), "--minimal"]) == 0
    assert capsys.readouterr().out.startswith(
        f"created {tmp_path / 'kb'}: 1 rules, 1 journey maps, 1 playbook entries in 4 files, "
        f"and {len(KINDS)} schemas in {tmp_path / 'kb' / 'schemas'}/\n")
    rules = json.loads((tmp_path / "kb" / "schemas" / "rules.schema.json").read_text("utf-8"))
    assert rules["$defs"]["ActionSpec"]["properties"]["next_step"]["enum"] == [
        "briefing", "launch"]


def test_init_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "kb"
    target.write_text("mine", encoding="utf-8")
    assert main(["init", str(target)]) == 1
    assert capsys.readouterr().err == f"playbook init: {target} is a file: give a folder\n"
    assert target.read_text() == "mine"


def test_init_never_overwrites_a_knowledge_base(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "schemas").mkdir()
    assert main(["init", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (f"playbook init: {tmp_path} already has rules/, schemas/: "
                                       "give a folder without them\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules", "schemas"]


def test_init_into_a_fresh_repository(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("ours", encoding="utf-8")
    assert main(["init", str(tmp_path), "--minimal"]) == 0
    assert (tmp_path / "rules" / "first.yaml").is_file()
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "ours"


def test_init_into_an_unwritable_place_is_the_users_mistake(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "/proc/new-kb", "--minimal"]) == 1
    assert capsys.readouterr().err.startswith("playbook init: cannot write into /proc/new-kb: ")
