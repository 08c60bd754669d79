"""The journal's commands: changes, inbox, done, dismiss, snooze and
history with --format json and text; the run summary's text; the journal section of settings."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import engine
from engine import journal
from engine.render.journal import changes_text, run_summary_text
from tests.journal.support import AS_OF, ROOT, portfolio, record

from ..conftest import SMALL_KB
from ..conftest import playbook as run_playbook

ACME = {"id": "acme", "project_type": "lead_gen", "completed_steps": ["qualification"], "nps": 2}


def playbook(*args: str) -> tuple[int, str, str]:
    done = run_playbook(*args, cwd=ROOT)
    return done.returncode, done.stdout, done.stderr


def as_json(*args: str) -> Any:
    code, out, err = playbook(*args, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc.pop("format_version"), doc.pop("engine_version")) == ("2", engine.__version__)
    return doc.get("records", doc)


@pytest.fixture
def db(tmp_path: Path, kb: engine.KnowledgeBase) -> str:
    path = str(tmp_path / "journal.db")
    with journal.open(path) as j:
        record(j, kb, [ACME, *portfolio(kb, 5)], AS_OF)
        record(j, kb, [{**ACME, "nps": 8}, *portfolio(kb, 5)], AS_OF + dt.timedelta(days=1))
    return path


def test_changes_and_inbox_give_one_record_per_piece_of_advice(db: str) -> None:
    changes = as_json("changes", "--journal", db)
    assert changes and all(c["client_id"] for c in changes)
    assert {"client_id", "kind", "id", "change"} <= set(changes[0])
    assert ("acme", "warning", "detractor_at_risk", "resolved") in {
        (c["client_id"], c["kind"], c["id"], c["change"]) for c in changes}
    first = as_json("changes", "--journal", db, "--since", "2026-10-14")
    assert {c["change"] for c in first} == {"new"}
    inbox = as_json("inbox", "--journal", db, "--client", "acme", "--as-of", "2026-10-16")
    assert inbox["items"] and {i["status"] for i in inbox["items"]} == {"open"}
    assert all({"client_id", "kind", "id", "status", "due_on", "section"} <= set(i)
               for i in inbox["items"])
    warnings = as_json("inbox", "--journal", db, "--kind", "warning")
    assert warnings["items"] and {i["kind"] for i in warnings["items"]} == {"warning"}
    assert as_json("inbox", "--journal", db, "--new")["items"] == []


def test_people_act_on_advice_and_history_shows_it(db: str) -> None:
    item = next(i for i in as_json("inbox", "--journal", db, "--client", "acme")["items"]
                if i["kind"] == "next_step")
    key = ("acme", item["kind"], item["id"])
    dismissed = as_json("dismiss", *key, "--journal", db, "--reason", "ошибка в данных",
                        "--comment", "the NPS was misread", "--by", "Anna")
    assert (dismissed["status"], dismissed["dismiss_reason"]) == ("dismissed", "wrong_data")
    assert dismissed["actor"] == "Anna"
    code, out, _ = playbook("snooze", *key, "--journal", db, "--until", "01.12.2026",
                            "--by", "Anna")
    assert (code, out) == (0, f"acme next step {item['id']}: now snoozed until Dec 1, 2026\n")
    code, out, _ = playbook("done", *key, "--journal", db, "--lang", "ru", "--by", "Борис")
    assert code == 0 and out.endswith(": теперь выполнен\n")  # a step: masculine
    history = as_json("history", "acme", "--journal", db)
    assert [(h["event"], h["actor"]) for h in history if h["id"] == item["id"]][-3:] == [
        ("dismissed", "Anna"), ("snoozed", "Anna"), ("done", "Борис")]
    code, out, _ = playbook("history", "acme", "--journal", db)
    assert f"Anna: dismissed next step «{item['title']}» ({item['id']}) — reason: wrong " \
           "data; the NPS was misread" in out
    code, out, _ = playbook("history", "acme", "--journal", db, "--lang", "ru")
    assert "Борис: выполнен следующий шаг" in out and "причина: ошибка в данных" in out
    assert key[1:] not in {(i["kind"], i["id"]) for i in as_json(
        "inbox", "--journal", db, "--client", "acme")["items"]}


@pytest.mark.parametrize(("args", "expected"), [
    (("dismiss", "acme", "warning", "nope", "--reason", "other"),
     "error[unknown-advice] client 'acme' has no warning 'nope' in the journal"),
    (("changes", "--since", "7"), "error[unknown-run] the journal has no run 7"),
    (("history", "nobody"), "error[unknown-client] the journal has nothing for client 'nobody'"),
])
def test_mistakes_exit_1_with_the_message(db: str, args: tuple[str, ...], expected: str) -> None:
    code, out, err = playbook(*args, "--journal", db)
    assert (code, out) == (1, "")
    said = [line for line in err.splitlines() if not line.startswith("playbook: knowledge")]
    assert said[0] == f"{db}: {expected}"


def test_a_bad_since_is_a_usage_error(db: str) -> None:
    code, _, err = playbook("changes", "--journal", db, "--since", "yesterday")
    assert code == 1
    assert "'yesterday' is neither a run id nor a date: expected a number, 2026-12-20 or " \
           "20.12.2026" in err


def test_the_run_summary_reads_like_a_plan(tmp_path: Path, kb: engine.KnowledgeBase) -> None:
    with journal.open(tmp_path / "j.db") as j:
        record(j, kb, [ACME, {"id": "calm", "project_type": "lead_gen"}], AS_OF)
        summary = record(j, kb, [{**ACME, "nps": 10}, {"id": "calm", "project_type": "lead_gen"}],
                         AS_OF + dt.timedelta(days=1))
        again = record(j, kb, [{**ACME, "nps": 10}, {"id": "calm", "project_type": "lead_gen"}],
                       AS_OF + dt.timedelta(days=1))
        changes = j.changes()
    acme = summary.shown[0].counts
    text = run_summary_text(summary).splitlines()
    assert text[0] == f"run 2 · as of Oct 16, 2026 · kb {kb.version}"
    assert text[1] == (f"  acme  +{acme.new} new ~{acme.changed} changed -{acme.resolved} "
                       f"resolved, {acme.unchanged} unchanged")
    assert text[2:] == ["  1 client without changes",
                        f"total: +{summary.total.new} new ~{summary.total.changed} changed "
                        f"-{summary.total.resolved} resolved, {summary.total.unchanged} unchanged"]
    assert acme.resolved >= 1
    assert run_summary_text(again) == (
        f"run 2 was recorded before (Oct 16, 2026, kb {kb.version}, same input): nothing "
        "added\n")
    assert "  - " in changes_text(changes) and changes_text([]) == "no changes\n"


def test_settings_name_only_known_rules(tmp_path: Path) -> None:
    root = shutil.copytree(SMALL_KB, tmp_path / "kb")
    with (root / "rules" / "settings.yaml").open("a", encoding="utf-8") as f:
        f.write("journal:\n  cooldown_days: 3\n  rules: {no_such_rule: 1}\n")
    with pytest.raises(engine.KnowledgeBaseError) as error:
        engine.load(root)
    assert [d.message for d in error.value.diagnostics] == [
        "the journal's cooldown names unknown rule 'no_such_rule'"]
