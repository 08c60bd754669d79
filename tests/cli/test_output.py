"""Issue 11: output an account manager acts on. The CLI runs as a user runs it (subprocesses)
where the terminal matters; the JSON validates against the published schemas."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import engine
from engine.render.groups import ALL
from engine.render.json import recommendations
from engine.tools import schemas
from engine.tools.generate import random_clients

from ..conftest import TESTS, playbook

ROOT = TESTS.parent
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").iterdir() if p.is_file())
FOUND = "playbook: knowledge base . (found from the current folder)\n"  # said on stderr
AS_OF = "2026-10-15"


def env(**values: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    return {**clean, **values}


def run(*args: str, **environ: str) -> tuple[int, str, str]:
    done = playbook(*args, env=env(**environ))
    return done.returncode, done.stdout, done.stderr


def validator(kind: str) -> jsonschema.Draft202012Validator:
    path = ROOT / "schemas" / schemas.file_name(kind)
    return jsonschema.Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_line_wider_than_80_columns(lang: str) -> None:
    code, out, err = run("dry-run", *EXAMPLES, "--as-of", AS_OF, "--lang", lang, COLUMNS="80")
    assert (code, err) == (0, FOUND)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b[" not in out  # a pipe gets no colour


def test_the_width_follows_columns() -> None:
    _, wide, _ = run("dry-run", EXAMPLES[0], "--as-of", AS_OF, COLUMNS="160")
    assert 120 < max(len(line) for line in wide.splitlines()) <= 160


def test_colour_by_kind_when_forced_and_none_with_no_color() -> None:
    new = "examples/new_request.json"
    _, coloured, _ = run("dry-run", new, "--as-of", AS_OF, FORCE_COLOR="1")
    assert "\x1b[1;31m" in coloured  # warnings: bold red
    _, plain, _ = run("dry-run", new, "--as-of", AS_OF, FORCE_COLOR="1", NO_COLOR="1")
    assert "\x1b[31m" not in plain and "\x1b[1;31m" not in plain


@pytest.mark.slow
def test_no_reason_printed_twice_and_at_most_half_the_rows() -> None:
    code, out, _ = run("dry-run", *EXAMPLES, "--as-of", AS_OF, "--format", "json")
    doc = json.loads(out)
    kb = engine.default_kb()
    day = dt.date.fromisoformat(AS_OF)
    actions = groups = 0
    for item in doc["recommendations"]:
        rec = engine.recommend(next(c for c in _clients() if c["id"] == item["client_id"]),
                               as_of=day)
        shown = recommendations([rec], kb)["recommendations"][0]["actions"]
        actions += len(shown)
        groups += len({a["group"] for a in shown})
        assert [a["group"] for a in item["actions"]] == [a["group"] for a in shown]
    assert code == 0 and groups * 2 <= actions
    for name in EXAMPLES:  # one client per example file
        _, table, _ = run("dry-run", name, "--as-of", AS_OF, "--brief", COLUMNS="1000")
        _, out, _ = run("dry-run", name, "--as-of", AS_OF, "--format", "json")
        for action in json.loads(out)["recommendations"][0]["actions"]:
            assert table.count(action["reason"]) <= 1, action["reason"]


def _clients() -> list[dict[str, Any]]:
    import yaml
    found: list[dict[str, Any]] = []
    for name in EXAMPLES:
        data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
        found += data if isinstance(data, list) else [data]
    return found


def test_a_communication_carries_its_summary_and_items() -> None:
    _, out, _ = run("dry-run", "examples/passive_key_client.yaml", "--as-of", AS_OF,
                       "--format", "json", "--lang", "ru")
    actions = json.loads(out)["recommendations"][0]["actions"]
    guide = next(a for a in actions if a["id"] == "temperament_phlegmatic")
    entry = engine.default_kb().playbook["temperament_phlegmatic"]
    assert guide["details"] == {"entry": "temperament_phlegmatic", "title": entry.title.ru,
                                "summary": entry.summary.ru,
                                "items": [i.ru for i in entry.items]}


def test_a_step_brings_its_checklist_and_the_table_shows_it_unless_brief() -> None:
    rec = engine.recommend({"id": "x", "project_type": "lead_gen",
                            "completed_steps": ["qualification"]}, as_of=dt.date(2026, 10, 15))
    briefing = next(a for a in rec.actions if a.id == "briefing")
    assert briefing.details is not None and briefing.details.entry == "brief_checklist"
    summary = engine.default_kb().playbook["optimisation_checklist"].summary.en
    _, full, _ = run("dry-run", "examples/lead_gen_kpi_off.yaml", "--as-of", AS_OF,
                     COLUMNS="1000")
    _, brief, _ = run("dry-run", "examples/lead_gen_kpi_off.yaml", "--as-of", AS_OF, "--brief",
                      COLUMNS="1000")
    assert summary in full and summary not in brief


@pytest.mark.slow
def test_a_checklist_naming_no_entry_is_a_load_error(tmp_path: Path) -> None:
    import shutil
    kb = shutil.copytree(ROOT, tmp_path / "kb", ignore=shutil.ignore_patterns(
        ".venv", ".git", "tests", "bench", "engine", "docs", "examples", "*.egg-info"))
    path = kb / "journey_maps" / "lead_gen.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("checklist: brief_checklist", "checklist: brief_checklst", 1),
                    encoding="utf-8")
    code, _, err = run("validate", "--kb", str(kb))
    assert code == 1
    assert "error[unknown-playbook-entry] unknown playbook entry 'brief_checklst'" in err
    assert "did you mean 'brief_checklist'?" in err


def test_kind_and_top_filter_the_rows() -> None:
    _, out, _ = run("dry-run", "examples/passive_key_client.yaml", "--as-of", AS_OF,
                    "--format", "json", "--kind", "warning,next_step", "--top", "2")
    actions = json.loads(out)["recommendations"][0]["actions"]
    assert {a["kind"] for a in actions} <= {"warning", "next_step"}
    assert sorted({a["group"] for a in actions}) == [1, 2]
    code, _, err = run("dry-run", "examples/passive_key_client.yaml", "--kind", "warnings")
    assert code == 1 and "unknown action kind 'warnings'" in err


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_playbook_show(lang: str) -> None:
    code, out, _ = run("show", "optimisation_checklist", "--lang", lang)
    entry = engine.default_kb().playbook["optimisation_checklist"]
    assert code == 0 and out.startswith(f"{entry.title.get(lang)} (optimisation_checklist)")
    assert all(f"• {item.get(lang)}" in out for item in entry.items if len(item.get(lang)) < 90)
    code, out, err = run("show", "optimisation_checklst")
    assert code == 1 and "did you mean 'optimisation_checklist'?" in err


def test_every_example_validates_against_the_published_schema() -> None:
    for args in ((), ("--explain",), ("--lang", "ru"), ("--brief", "--top", "1")):
        code, out, _ = run("dry-run", *EXAMPLES, "--as-of", AS_OF, "--format", "json", *args)
        doc = json.loads(out)
        validator("recommendation").validate(doc)
        assert code == 0 and doc["format_version"] == "2"
        assert doc["engine_version"] == engine.__version__


@pytest.mark.slow
def test_a_thousand_random_clients_validate() -> None:
    kb = engine.default_kb()
    check = validator("recommendation")
    for client in random_clients(kb, 1000):
        rec = engine.recommend(client, kb=kb)
        check.validate(json.loads(json.dumps({"format_version": "2", "engine_version": "x",
                                              **recommendations([rec], kb, view=ALL)})))


def test_errors_come_as_a_document_that_validates(tmp_path: Path) -> None:
    check = validator("errors")
    for args in (("dry-run", "examples/new_request.json"), ("test",), ("show", "x"),
                 ("explain", "examples/new_request.json")):
        code, out, _ = run(*args, "--kb", str(tmp_path / "none"), "--format", "json")
        doc = json.loads(out)
        check.validate(doc)
        assert code == 1 and doc["errors"][0]["code"] == "not-a-knowledge-base"
    code, out, _ = run("explain", "examples/new_request.json", "--rule", "nope", "--format", "json")
    check.validate(json.loads(out))


def test_failed_and_duplicate_clients_are_in_the_same_document(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {id: a, project_type: lead_gen}\n- {id: b, nps: 11}\n"
                   "- {id: a, project_type: lead_gen}\n", encoding="utf-8")
    code, out, err = run("dry-run", str(bad), "examples/new_request.json", "--format", "json")
    doc = json.loads(out)
    validator("recommendation").validate(doc)
    assert code == 1 and err == FOUND
    assert [r["client_id"] for r in doc["recommendations"]] == ["velvet_accessories"]
    failed = {(f["client_id"], f["errors"][0]["code"], f["errors"][0]["line"])
              for f in doc["failed"]}
    assert failed == {("a", "duplicate-client", 1), ("b", "bad-value", 2),
                      ("a", "duplicate-client", 3)}
    first = next(f for f in doc["failed"] if f["errors"][0]["line"] == 1)
    assert first["errors"][0]["message"] == (
        f"client id 'a' is used twice in this run: also at {bad}:3:3")
    code, out, err = run("dry-run", str(bad))
    assert code == 1 and f"{bad}:3:3: error[duplicate-client]" in err


def test_the_engine_version_is_the_package_version() -> None:
    from importlib.metadata import version

    assert engine.__version__ == version("playbook-engine")
