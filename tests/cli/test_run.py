"""Portfolio runs (`playbook run`, engine.recommend_many): a CRM export in, every client's advice
out, in input order, the same on one process or several; bad clients become error records."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

import engine
import engine.journal
from engine.portfolio.mapping import read_mapping
from engine.portfolio.writers import recommendation_record

from ..conftest import playbook as run_playbook
from ..portfolio.crm import AS_OF, CRM, MAPPING, ROOT, crm_export

jsonschema = pytest.importorskip("jsonschema")


FOUND = "playbook: knowledge base . (found from the current folder)\n"


def playbook(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command (in this process: stdin and stdout are pipes, not a terminal); stderr
    without the line saying which knowledge base was used (the checkout's, here)."""
    done = run_playbook(*args, stdin=stdin)
    done.stderr = done.stderr.removeprefix(FOUND)
    return done


def expected(clients: list[dict[str, Any]], lang: str = "en") -> list[dict[str, Any]]:
    return [recommendation_record(engine.recommend(c, as_of=AS_OF, lang=lang))
            for c in clients]


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_a_2000_row_crm_export_with_russian_values_through_a_mapping_file(
        tmp_path: Path) -> None:
    clients, text = crm_export(2000)
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = playbook("run", str(export), "--map", str(MAPPING), "--as-of", AS_OF.isoformat(),
                    "--out", str(out), "--lang", "ru", "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    assert lines(out) == expected(clients, "ru")
    summary = json.loads(done.stdout)
    assert (summary["clients_read"], summary["clients_failed"]) == (2000, 0)
    kinds = [a["kind"] for rec in lines(out) for a in rec["actions"]]
    assert summary["actions_by_kind"] == {k: kinds.count(k) for k in summary["actions_by_kind"]}


def test_json_lines_via_stdin() -> None:
    clients, _ = crm_export(50, seed=5)
    text = "".join(json.dumps(c, ensure_ascii=False, default=str) + "\n" for c in clients)
    done = playbook("run", "-", "--as-of", AS_OF.isoformat(), stdin=text)
    assert done.returncode == 0
    assert [json.loads(line) for line in done.stdout.splitlines()] == expected(clients)
    assert done.stderr.startswith("clients read: 50 · clients failed: 0\n")  # the summary


def test_csv_via_stdin_without_a_mapping() -> None:
    text = ("id,project_type,nps,services,completed_steps,last_contact_on,goals_changed\n"
            "a,lead_gen,3,seo;context_ads,qualification;briefing,2026-09-01,true\n"
            "b,marketplace,,,,,\n")
    done = playbook("run", "-", "--as-of", AS_OF.isoformat(), stdin=text)
    assert done.returncode == 0
    assert [json.loads(line) for line in done.stdout.splitlines()] == expected([
        {"id": "a", "project_type": "lead_gen", "nps": 3, "services": ["seo", "context_ads"],
         "completed_steps": ["qualification", "briefing"], "last_contact_on": "2026-09-01",
         "goals_changed": True},
        {"id": "b", "project_type": "marketplace"}])


BAD_ROWS = """id,project_type,nps,temperament,last_contact_on
ok1,lead_gen,9,choleric,2026-10-01
bad1,lead_gen,ten,choleric,2026-10-01
ok2,marketplace,,,
,lead_gen,5,,
ok3,lead_gen,2,sanguine,2026-09-30

bad3,lead_gen,4,angry,01.10.2026
ok4,monobrand,7,,
"""


def test_three_bad_rows_give_three_error_records_and_the_rest_of_the_results(
        tmp_path: Path) -> None:
    source = tmp_path / "crm.csv"
    source.write_text(BAD_ROWS, encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    done = playbook("run", str(source), "--as-of", AS_OF.isoformat(), "--out", str(out),
                    "--errors", str(errors))
    assert done.returncode == 1  # some client failed
    assert [r["client_id"] for r in lines(out)] == ["ok1", "ok2", "ok3", "ok4"]
    common = {"file": str(source), "expected": None, "hint": None}
    assert lines(errors) == [  # each cell that cannot be read, at its column
        {**common, "line": 3, "col": 3, "row": 2, "client_id": "bad1", "field": "nps",
         "code": "bad-cell", "message": "column 'nps': 'ten' is not a whole number",
         "expected": "a whole number"},
        {**common, "line": 5, "col": 1, "row": 4, "client_id": None, "field": "id",
         "code": "missing-key", "message": "missing required key 'id'"},
        {**common, "line": 8, "col": 4, "row": 6, "client_id": "bad3", "field": "temperament",
         "code": "bad-cell", "expected": "one of 'choleric', 'sanguine', 'melancholic', "
         "'phlegmatic'",
         "message": "column 'temperament': 'angry' is not a value of temperament",
         "hint": "map it in the mapping file: values: {temperament: {angry: VALUE}}"},
        {**common, "line": 8, "col": 5, "row": 6, "client_id": "bad3",
         "field": "last_contact_on", "code": "bad-cell",
         "message": "column 'last_contact_on': '01.10.2026' is not a date written %Y-%m-%d",
         "expected": "a date as %Y-%m-%d, e.g. 2026-12-31",
         "hint": 'it is written %d.%m.%Y: set date_format: "%d.%m.%Y" (for the file, or for '
                 'this column: {field: last_contact_on, date_format: "%d.%m.%Y"})'},
    ]
    assert json.loads(playbook("run", str(source), "--as-of", AS_OF.isoformat(), "--out",
                               str(out), "--format", "json").stdout)["clients_failed"] == 3


def test_errors_go_to_stderr_as_text_without_an_errors_file(tmp_path: Path) -> None:
    source = tmp_path / "crm.csv"
    source.write_text(BAD_ROWS, encoding="utf-8")
    done = playbook("run", str(source), "--as-of", AS_OF.isoformat(), "--out",
                    str(tmp_path / "out.jsonl"))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"{source}:3:3: error[bad-cell] column 'nps': 'ten' is not a whole number")


@pytest.mark.slow
def test_workers_1_and_2_give_byte_identical_outputs(tmp_path: Path) -> None:
    clients, text = crm_export(1500, seed=21)  # three chunks of 512
    export = tmp_path / "export.csv"
    export.write_text(text.replace("Монобренд", "Моно"), encoding="utf-8")  # some bad rows
    outputs = {}
    for workers in ("1", "2"):
        out, errors = tmp_path / f"out{workers}.csv", tmp_path / f"errors{workers}.jsonl"
        done = playbook("run", str(export), "--map", str(MAPPING), "--as-of",
                        AS_OF.isoformat(), "--out", str(out), "--errors", str(errors),
                        "--workers", workers)
        assert done.returncode == 1
        outputs[workers] = (out.read_bytes(), errors.read_bytes(), done.stdout)
    assert outputs["1"] == outputs["2"]
    bad = sum(c["project_type"] == "monobrand" for c in clients)
    assert 0 < bad == len(outputs["2"][1].splitlines())


def _rows(recs: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per action, as CSV, Parquet and SQLite hold them: who and where the client is,
    then the action."""
    return [[r["client_id"], r["client_name"], r["owner"], r["crm_id"], r["crm_url"],
             r["as_of"], r["kb_version"], i, a["kind"], a["id"], a["title"], a["reason"],
             a["priority"], ";".join(a["rules"]), ";".join(a["sources"]), ";".join(a["missing"])]
            for r in recs for i, a in enumerate(r["actions"], start=1)]


def _csv_rows(recs: list[dict[str, Any]]) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in _rows(recs)]


@pytest.mark.slow
def test_csv_parquet_and_sqlite_outputs_hold_the_same_actions(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    clients, text = crm_export(150, seed=4)
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    for suffix in ("jsonl", "csv", "parquet", "sqlite"):
        assert playbook("run", str(export), "--map", str(MAPPING), "--as-of",
                        AS_OF.isoformat(), "--out", str(tmp_path / f"out.{suffix}"),
                        "--lang", "ru").returncode == 0
    recs = lines(tmp_path / "out.jsonl")
    assert {r["client_name"] for r in recs} == {c["name"] for c in clients}
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as stream:
        written = list(csv.reader(stream))
    assert written[1:] == _csv_rows(recs)
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [list(row.values()) for row in table] == _rows(recs)
    db = sqlite3.connect(tmp_path / "out.sqlite")
    assert db.execute("SELECT client_id, client_name FROM recommendations ORDER BY row"
                      ).fetchall() == [(c["id"], c["name"]) for c in clients]
    stored = db.execute("SELECT r.client_id, r.client_name, r.owner, r.crm_id, r.crm_url, "
                        "r.as_of, r.kb_version, a.* FROM actions a JOIN recommendations r "
                        "USING (row) ORDER BY a.row, a.position").fetchall()
    assert [[*s[:7], *s[8:]] for s in stored] == _rows(recs)


def test_parquet_yaml_and_json_inputs_give_what_csv_gives(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    clients, _ = crm_export(40, seed=9)
    flat = [{**{k: v for k, v in c.items() if k != "facts"},
             "services": ";".join(c.get("services", [])),
             "completed_steps": ";".join(c["completed_steps"]),
             "last_contact_on": c["last_contact_on"]} for c in clients]
    pq.write_table(pa.Table.from_pylist(flat), tmp_path / "crm.parquet")
    plain = [{k: v for k, v in c.items() if k != "facts"} for c in clients]
    (tmp_path / "crm.json").write_text(json.dumps(plain, default=str), encoding="utf-8")
    (tmp_path / "crm.yaml").write_text(json.dumps(plain[:3], default=str), encoding="utf-8")
    done = playbook("run", str(tmp_path / "crm.parquet"), str(tmp_path / "crm.json"),
                    str(tmp_path / "crm.yaml"), "--as-of", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    got = [json.loads(line) for line in done.stdout.splitlines()]
    assert got == expected(plain) + expected(plain) + expected(plain[:3])


@pytest.mark.parametrize(("mapping", "message"), [
    ("columns: {Темп: temperment}\n",
     "{path}:1:11: error[bad-value] columns.Темп: 'temperment' is not a client field "
     "(did you mean 'temperament'?); got 'temperment'"),
    ("delimiter: ';;'\n",
     "{path}:1:1: error[bad-value] delimiter: String should have at most 1 character; "
     "got ';;'"),
    ("colums: {}\n", "{path}:1:1: error[unknown-key] unknown key 'colums'"),
])
def test_a_wrong_mapping_file_is_reported(tmp_path: Path, mapping: str, message: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(mapping, encoding="utf-8")
    done = playbook("run", str(CRM / "export.csv"), "--map", str(path))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == message.format(path=path)
    assert done.stdout == ""


def test_an_unknown_column_is_left_out_and_named_once_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("id,nsp,Менеджер\na,3,x\nb,4,y\n", encoding="utf-8")
    done = playbook("run", str(path), "--errors", str(tmp_path / "e.jsonl"), "--out",
                    str(tmp_path / "out.jsonl"))
    assert done.returncode == 0, done.stderr
    assert [r["client_id"] for r in lines(tmp_path / "out.jsonl")] == ["a", "b"]
    assert done.stdout.count("columns left out") == 1
    assert (f"columns left out (no client field; --strict-columns refuses them): {path}: "
            "nsp (did you mean 'nps'?), Менеджер\n") in done.stdout
    summary = json.loads(playbook("run", str(path), "--format", "json",
                                  "--out", str(tmp_path / "out.jsonl")).stdout)
    assert summary["columns_left_out"] == {str(path): ["nsp", "Менеджер"]}
    done = playbook("run", str(path), "--errors", str(tmp_path / "e.jsonl"),
                    "--strict-columns")
    assert done.returncode == 1
    assert [(e["line"], e["col"], e["field"], e["message"], e["hint"])
            for e in lines(tmp_path / "e.jsonl")] == [
        (1, 2, "nsp", "column 'nsp' is no client field", "did you mean 'nps'?"),
        (1, 3, "Менеджер", "column 'Менеджер' is no client field", None)]


def test_the_example_export_and_mapping(tmp_path: Path) -> None:
    mapping, problems = read_mapping(MAPPING)
    assert mapping is not None and problems == []
    schema = json.loads((ROOT / "schemas" / "mapping.schema.json").read_text(encoding="utf-8"))
    import yaml

    data = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    assert MAPPING.read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../../schemas/mapping.schema.json")
    done = playbook("run", str(CRM / "export.csv"), "--map", str(MAPPING), "--as-of",
                    AS_OF.isoformat(), "--out", str(tmp_path / "out.jsonl"), "--format",
                    "markdown")
    assert done.returncode == 0
    assert [r["client_id"] for r in lines(tmp_path / "out.jsonl")] == ["toyland", "okna",
                                                                       "portal"]
    assert done.stdout.startswith("- clients read: 3\n- clients failed: 0\n")


def test_the_summary_names_the_most_urgent_clients_first() -> None:
    clients, _ = crm_export(200, seed=2)
    text = "".join(json.dumps(c, ensure_ascii=False, default=str) + "\n" for c in clients)
    done = playbook("run", "-", "--as-of", AS_OF.isoformat(), "--format", "json", stdin=text)
    summary = json.loads(done.stderr)
    recs = [json.loads(line) for line in done.stdout.splitlines()]
    top = sorted(((r["actions"][0]["priority"], -i, r["client_id"]) for i, r in enumerate(recs)
                  if r["actions"]), reverse=True)[:10]
    assert [(u["priority"], u["client_id"]) for u in summary["most_urgent"]] == [
        (p, c) for p, _, c in top]
    warnings = [a["id"] for r in recs for a in r["actions"] if a["kind"] == "warning"]
    assert [(w["id"], w["clients"]) for w in summary["top_warnings"]] == sorted(
        {(w, warnings.count(w)) for w in warnings}, key=lambda x: (-x[1], x[0]))[:10]


def test_a_line_that_is_no_json_is_an_error_record_and_the_run_goes_on() -> None:
    text = '{"id": "a", "project_type": "lead_gen"}\n{"id": "b", \n{"id": "c"}\n'
    done = playbook("run", "-", "--as-of", AS_OF.isoformat(), stdin=text)
    assert done.returncode == 1
    assert [json.loads(line)["client_id"] for line in done.stdout.splitlines()] == ["a", "c"]
    assert done.stderr.splitlines()[0] == (
        "-:2:13: error[json-syntax] Expecting property name enclosed in double quotes")


def test_run_help_lists_every_option() -> None:
    done = playbook("run", "--help")
    assert done.returncode == 0
    for option in ("--as-of", "--map", "--out", "--errors", "--workers", "--dask", "--format"):
        assert option in done.stdout
    assert io.StringIO(done.stdout).readline().startswith("usage: playbook run")


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "advice.txt"], "playbook run: cannot tell the format of --out advice.txt: "
     "expected a file ending in .jsonl, .ndjson, .json, .csv, .xlsx, .parquet, .pq, .sqlite, "
     ".db, .sqlite3, or - for stdout"),
    (["--out", "/nonexistent/advice.jsonl"],
     "playbook run: [Errno 2] No such file or directory: '/nonexistent/advice.jsonl'"),
    (["--workers", "0"], "playbook run: --workers must be 1 or more"),
])
def test_wrong_options_are_the_users_mistake(args: list[str], message: str) -> None:
    done = playbook("run", str(CRM / "export.csv"), "--map", str(MAPPING), *args)
    assert (done.returncode, done.stderr, done.stdout) == (1, message + "\n", "")


def test_a_run_is_recorded_in_the_journal_once(tmp_path: Path) -> None:
    journal, out = tmp_path / "journal.sqlite", tmp_path / "out.jsonl"
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
    args = ["run", *examples, "--as-of", "2026-10-15", "--journal", str(journal),
            "--out", str(out)]
    first = playbook(*args)
    assert first.returncode == 0, first.stderr
    policy = engine.journal.Policy.of(engine.default_kb())
    roles = [policy.role(a["kind"], tuple(a["rules"])) for record in lines(out)
             for a in record["actions"]]
    tracked = sum(role != "guide" for role in roles)  # to-dos and blocked steps
    assert 0 < tracked < len(roles)
    assert f"total: +{tracked} new ~0 changed -0 resolved, 0 unchanged" in first.stdout
    again = playbook(*args)
    assert again.returncode == 0, again.stderr
    assert "was recorded before (Oct 15, 2026" in again.stdout and "nothing added" in again.stdout
    inbox = playbook("inbox", "--journal", str(journal), "--format", "json")
    assert json.loads(inbox.stdout)["total"] == roles.count("todo")


def test_a_journal_needs_client_files_not_stdin(tmp_path: Path) -> None:
    done = playbook("run", "-", "--journal", str(tmp_path / "j.sqlite"))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("playbook run: --journal knows a run by its input files: give client "
                           "files, not '-'\n")
