"""JSON Schemas: generated from the models, kept current in schemas/, and matching every file.

Every bundled YAML file starts with a yaml-language-server line naming its schema, so editors
check it as it is typed; the schema and the loader agree on valid and invalid files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import engine
from engine.cli import main
from engine.tools import schemas as schema

from ..conftest import SMALL_KB

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).parents[2]
SCHEMAS = ROOT / "schemas"
# folder, glob, kind: the bundled files of each kind
BUNDLED = (
    ("rules", "*.yaml", "rules"),
    ("journey_maps", "*.yaml", "journey"),
    ("playbooks", "*.yaml", "playbook"),
    ("rules", "*.test.yaml", "scenario"),
    ("examples", "*.yaml", "client"),
    ("examples", "*.yml", "client"),
    ("examples", "*.json", "client"),
    ("docs", "*.client.yaml", "client"),
)


def kind_files(root: Path) -> list[tuple[Path, str]]:
    found = []
    for folder, pattern, kind in BUNDLED:
        for path in sorted((root / folder).glob(pattern)) if (root / folder).is_dir() else ():
            if kind == "rules" and path.name.endswith(".test.yaml"):
                continue
            found.append((path, kind))
    return found


def plain(data: Any) -> Any:
    """YAML data as JSON would have it: dates become ISO strings."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def errors(kind: str, data: Any, kb: engine.KnowledgeBase | None = None) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema.schema(kind, kb))
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(plain(data)))


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", list(schema.KINDS))
def test_schema_files_are_current(kind: str) -> None:
    path = SCHEMAS / schema.file_name(kind)
    assert path.exists(), f"{path} is missing: run `playbook schema --write schemas`"
    assert path.read_text(encoding="utf-8") == schema.render(kind, engine.default_kb()), \
        f"{path} is out of date: run `playbook schema --write schemas`"


@pytest.mark.parametrize("kind", list(schema.KINDS))
@pytest.mark.slow
def test_schemas_are_valid_json_schemas(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema.schema(kind))
    jsonschema.Draft202012Validator.check_schema(schema.schema(kind, engine.default_kb()))


BUNDLED_FILES = kind_files(ROOT)


@pytest.mark.skipif(not BUNDLED_FILES, reason="no bundled knowledge base yet")
@pytest.mark.parametrize(("path", "kind"), BUNDLED_FILES,
                         ids=[str(p.relative_to(ROOT)) for p, _ in BUNDLED_FILES])
@pytest.mark.slow
def test_bundled_files_match_their_schema(path: Path, kind: str) -> None:
    data = json.loads(path.read_text("utf-8")) if path.suffix == ".json" else load(path)
    assert errors(kind, data) == []
    assert errors(kind, data, engine.default_kb()) == []


@pytest.mark.skipif(not BUNDLED_FILES, reason="no bundled knowledge base yet")
@pytest.mark.parametrize(("path", "kind"),
                         [(p, k) for p, k in BUNDLED_FILES if p.suffix != ".json"],
                         ids=[str(p.relative_to(ROOT)) for p, _ in BUNDLED_FILES
                              if p.suffix != ".json"])
def test_bundled_files_name_their_schema(path: Path, kind: str) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schemas/{schema.file_name(kind)}"


@pytest.mark.parametrize(("path", "kind"), kind_files(SMALL_KB),
                         ids=[p.name for p, _ in kind_files(SMALL_KB)])
def test_the_small_test_kb_matches_too(path: Path, kind: str,
                                       small_kb: engine.KnowledgeBase) -> None:
    assert errors(kind, load(path)) == []
    assert errors(kind, load(path), small_kb) == []


RULE = {"id": "r", "title": {"en": "T", "ru": "Т"}, "reason": {"en": "R", "ru": "Р"},
        "priority": 1, "sources": ["K01"], "when": {"nps": {"lte": 6}},
        "then": [{"next_step": "briefing"}]}


@pytest.mark.parametrize(("change", "expected"), [
    ({}, []),
    ({"when": {"all": [{"nps": {"between": ["$low", 8]}}, {"not": {"kpi_met": True}}]}}, []),
    ({"then": [{"next_step": "a", "upsell": "b"}]},
     ["rules/0/then/0: {'next_step': 'a', 'upsell': 'b'} has too many properties"]),
    ({"then": []}, ["rules/0/then: [] should be non-empty"]),
    ({"when": {"nps": {"bigger": 3}}},
     ["rules/0/when/nps: {'bigger': 3} is not valid under any of the given schemas"]),
    ({"when": {"nps": {"lte": "high"}}},
     ["rules/0/when/nps: {'lte': 'high'} is not valid under any of the given schemas"]),
    ({"title": {"en": "only English"}}, ["rules/0/title: 'ru' is a required property"]),
    ({"colour": "red"},
     ["rules/0: Additional properties are not allowed ('colour' was unexpected)"]),
])
def test_the_rules_schema_says_what_the_loader_says(change: dict[str, Any],
                                                    expected: list[str]) -> None:
    assert errors("rules", {"rules": [{**RULE, **change}]}) == expected


def test_a_client_file_is_one_client_or_a_list() -> None:
    client = {"id": "acme", "project_type": "lead_gen", "client_since": dt.date(2025, 1, 1)}
    assert errors("client", client) == []
    assert errors("client", [client, {"id": "b"}]) == []
    assert errors("client", {"name": "no id"}) != []


def test_cli_prints_one_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "journey"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["title"] == "playbook-engine journey map (journey_maps/*.yaml)"
    assert out["required"] == ["project_type", "title", "steps"]


def test_cli_writes_every_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--write", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        schema.file_name(k) for k in schema.KINDS)


def test_cli_needs_a_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 1
    assert capsys.readouterr().err == ("playbook schema: name a kind (rules, journey, playbook, "
                                       "scenario, client, impact, mapping, recommendation, "
                                       "batch, errors) or give --write DIR\n")


def test_a_knowledge_base_schema_lists_its_names(small_kb: engine.KnowledgeBase) -> None:
    rules = schema.schema("rules", small_kb)["$defs"]
    condition = rules["Condition"]
    assert condition["propertyNames"]["enum"] == ["all", "any", "not", *sorted(small_kb.facts)]
    temperament = condition["properties"]["temperament"]
    assert temperament["description"] == ("temperament: one of choleric, sanguine, melancholic, "
                                          "phlegmatic")
    assert sorted(temperament["anyOf"][1]["properties"]) == [
        "eq", "exists", "missing", "ne", "none_of", "one_of"]
    assert rules["ActionSpec"]["properties"]["next_step"]["enum"] == sorted(
        small_kb.journeys["lead_gen"].step_ids)
    assert rules["ActionSpec"]["properties"]["communication"]["enum"] == ["temperament_choleric"]
    client = schema.schema("client", small_kb)["$defs"]["Client"]["properties"]
    assert client["project_type"]["anyOf"][0] == {"enum": ["lead_gen"]}


@pytest.mark.parametrize(("change", "expected"), [
    ({"when": {"temperment": "choleric"}},
     ["rules/0/when: 'temperment' is not one of ['all', 'any', 'not', 'activity', "]),
    ({"when": {"temperament": "angry"}},
     ["rules/0/when/temperament: 'angry' is not valid under any of the given schemas"]),
    ({"when": {"temperament": {"gte": 3}}},
     ["rules/0/when/temperament: {'gte': 3} is not valid under any of the given schemas"]),
    ({"then": [{"next_step": "breifing"}]},
     ["rules/0/then/0/next_step: 'breifing' is not one of ['briefing', "]),
])
def test_a_knowledge_base_schema_flags_names_it_lacks(
        change: dict[str, Any], expected: list[str], small_kb: engine.KnowledgeBase) -> None:
    found = errors("rules", {"rules": [{**RULE, **change}]}, small_kb)
    assert [e[:len(x)] for e, x in zip(found, expected, strict=True)] == expected


def test_cli_writes_the_schemas_of_the_knowledge_base_given(
        tmp_path: Path, small_kb: engine.KnowledgeBase,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--write", str(tmp_path), "--kb", str(SMALL_KB)]) == 0
    written = json.loads((tmp_path / "rules.schema.json").read_text(encoding="utf-8"))
    assert written == schema.schema("rules", small_kb)


@pytest.mark.slow
def test_cli_cannot_write_the_schemas_is_the_users_mistake(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--write", "/proc/x", "--kb", str(SMALL_KB)]) == 1
    assert capsys.readouterr().err == ("playbook schema: cannot write the schemas into /proc/x: "
                                       "No such file or directory\n")
