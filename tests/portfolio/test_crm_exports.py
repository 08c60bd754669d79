"""Real CRM exports in, as an agency saves them: the shared Bitrix24 sample (Windows-1251 from
Excel, UTF-8 with BOM from the CRM, and a tab-separated UTF-8 copy) and an amoCRM-style export
(tests/data/crm/amocrm/make_export.py), each through `playbook map init` and then through
`playbook run`, with the unedited skeleton and with a finished mapping. Who and where each
client is (name, owner, CRM link) comes out in every output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import DATA, ROOT, playbook

jsonschema = pytest.importorskip("jsonschema")

CRM = DATA / "crm"
BITRIX = CRM / "bitrix24"
AMO = CRM / "amocrm"
CP1251 = BITRIX / "bitrix24_deals_2026-12-07.csv"
BOM = BITRIX / "bitrix24_deals_2026-12-07_utf8bom.csv"
AMO_EXPORT = AMO / "amocrm_leads_2026-12-07.csv"
DAY = "2026-12-07"
SCHEMA = json.loads((ROOT / "schemas" / "mapping.schema.json").read_text(encoding="utf-8"))


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(*args: str) -> tuple[int, dict[str, Any]]:
    """`playbook run ... --format json`: the exit code and the summary."""
    done = playbook("run", *args, "--as-of", DAY, "--format", "json")
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def tab_copy(tmp_path: Path) -> Path:
    """The sample's third form: UTF-8 without a BOM, cells separated by tabs."""
    text = CP1251.read_bytes().decode("cp1251").replace(";", "\t")
    path = tmp_path / "bitrix24_tabs.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_the_bitrix_sample_reads_the_same_in_every_form(tmp_path: Path) -> None:
    """The shared mapping names neither the encoding nor (for the tab copy) the delimiter."""
    shared = BITRIX / "shared_mapping.yaml"
    detected = tmp_path / "detected.yaml"  # the shared mapping without its delimiter
    detected.write_text(shared.read_text(encoding="utf-8").replace('delimiter: ";"\n', ""),
                        encoding="utf-8")
    forms = [(CP1251, shared), (BOM, shared), (tab_copy(tmp_path), detected)]
    outs = []
    for i, (form, mapping) in enumerate(forms):
        out = tmp_path / f"out{i}.jsonl"
        code, summary = run(str(form), "--map", str(mapping), "--out", str(out))
        assert (code, summary["clients_read"], summary["clients_failed"],
                summary["files_failed"]) == (0, 200, 0, 0)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    first = lines(tmp_path / "out0.jsonl")[1]
    assert (first["client_id"], first["client_name"]) == ("1001", "ИП «Стиль Эко»")


@pytest.mark.parametrize("export", ["cp1251", "utf8bom", "amocrm"])
def test_map_init_then_run_with_the_unedited_skeleton_and_with_a_finished_mapping(
        tmp_path: Path, export: str) -> None:
    source = {"cp1251": CP1251, "utf8bom": BOM, "amocrm": AMO_EXPORT}[export]
    rows = 200 if export != "amocrm" else 120
    skeleton = tmp_path / "map.yaml"
    done = playbook("map", "init", str(source), "--output", str(skeleton))
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load(skeleton.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)) == []
    assert data["encoding"] == {"cp1251": "windows-1251", "utf8bom": "utf-8-sig",
                                "amocrm": "utf-8"}[export]
    assert data["delimiter"] == ("," if export == "amocrm" else ";")
    assert data["columns"]["ID"] == "id" and data["columns"]["Ответственный"] == "owner"
    assert data["kpis"]
    # the unedited skeleton: no file fails as a whole, every row is advised or fails alone
    out, errors = tmp_path / "raw.jsonl", tmp_path / "raw-errors.jsonl"
    _, summary = run(str(source), "--map", str(skeleton), "--out", str(out), "--errors",
                     str(errors))
    assert (summary["files_failed"], summary["clients_read"]) == (0, rows)
    failed = {e["row"] for e in lines(errors)}
    assert len(lines(out)) + len(failed) == rows == len(failed) + rows - summary["clients_failed"]
    for e in lines(errors):  # a value still to map: its column, the value, the allowed values
        assert e["code"] == "bad-cell" and e["expected"].startswith("one of "), e
        assert e["message"].startswith(f"column '{e['field']}': ")
    # the finished mapping: every client advised, with who and where
    finished = (AMO if export == "amocrm" else BITRIX) / "mapping.yaml"
    out = tmp_path / "advice.jsonl"
    code, summary = run(str(source), "--map", str(finished), "--out", str(out))
    assert (code, summary["clients_read"], summary["clients_failed"]) == (0, rows, 0)
    recs = lines(out)
    assert all(r["client_name"] and r["owner"] and r["crm_url"] for r in recs)
    assert recs[0]["crm_url"] == (f"https://agency.amocrm.ru/leads/detail/{recs[0]['client_id']}"
                                  if export == "amocrm" else
                                  "https://agency.bitrix24.ru/crm/deal/details/1000/")
    fired = {r for rec in recs for a in rec["actions"] for r in a["rules"]}
    assert {"optimise_beyond_band", "grow_when_kpi_met"} & fired  # KPIs from columns


def test_the_amocrm_export_s_budgets_dates_stages_and_tags(tmp_path: Path) -> None:
    out = tmp_path / "advice.jsonl"
    code, _ = run(str(AMO_EXPORT), "--map", str(AMO / "mapping.yaml"), "--out", str(out))
    assert code == 0
    by_id = {r["client_id"]: r for r in lines(out)}
    import engine
    from engine.portfolio.cells import Cells
    from engine.portfolio.mapping import read_mapping
    from engine.portfolio.readers import read_all

    mapping, problems = read_mapping(AMO / "mapping.yaml", engine.default_kb())
    assert mapping is not None, problems
    records = {r.client_id: r.data for r in read_all([str(AMO_EXPORT)],
                                                     Cells(mapping, engine.default_kb()))}
    first = records["31000000"]  # 150 000 ₽ (U+00A0), 16.03.2025 11:11, Оптимизация, SEO
    assert first["monthly_budget"] == 150000.0
    assert str(first["client_since"]) == "2025-03-16"
    assert first["completed_steps"][-1] == "optimise_campaigns"
    assert first["services"] == ["seo"]
    assert first["kpis"] == [{"name": "CPL", "target": 900.0, "actual": 773.0,
                              "higher_is_better": False}]
    narrow = [r for r in records.values() if r.get("monthly_budget") == 1200000.0]
    assert narrow  # 1 200 000 ₽ with a narrow no-break space (U+202F)
    assert all("VIP" not in r.get("services", []) for r in records.values())
    assert set(by_id) == set(records)


def test_a_file_in_another_encoding_is_one_located_error_naming_it(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("encoding: utf-8\ncolumns: {ID: id}\n", encoding="utf-8")
    keep = tmp_path / "keep.jsonl"
    keep.write_bytes(b"yesterday\n")
    done = playbook("run", str(CP1251), "--map", str(mapping), "--out", str(keep))
    assert done.returncode == 1
    said = done.stderr.splitlines()
    assert said[-3:] == [f"{CP1251}:1:4: error[bad-encoding] byte 0xcd cannot be read as utf-8; "
                         "the file looks like windows-1251", "  expected: text in utf-8",
                         "  hint: set encoding: windows-1251 in the mapping file"]
    assert "files not read: 1" in done.stdout
    assert keep.read_bytes() == b"yesterday\n"  # a failed run leaves the previous output


def test_a_wrong_byte_after_the_sample_is_located_at_its_line(tmp_path: Path) -> None:
    text = BOM.read_text(encoding="utf-8-sig").splitlines()
    body = text + [f"9{i:03d};x;Компания {i};;Новая;;;;;;;;;;;;;;;;;;;;;;;;;;;" for i in range(700)]
    path = tmp_path / "late.csv"
    data = "\r\n".join(body).encode("utf-8") + b"\r\n9999;\xcd\xe0;x" + b";" * 29 + b"\r\n"
    path.write_bytes(data)
    assert len(data) > 70_000
    done = playbook("run", str(path), "--map", str(BITRIX / "shared_mapping.yaml"), "--as-of",
                    DAY, "--out", str(tmp_path / "out.jsonl"))
    line = len(body) + 1
    assert f"{path}:{line}:6: error[bad-encoding] byte 0xcd cannot be read as utf-8" \
        in done.stderr
    assert not (tmp_path / "out.jsonl").exists()  # the run failed: no output in its place


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "crm.csv"
    rows = [["id", "name", "owner", "nps"], ["a", "Альфа, ООО", "Иванова", "9"],
            ["b", "Бета", "Петров", "4"]]
    path.write_text("\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row)
                              for row in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _ = run(str(path), "--out", str(out))
    assert code == 0
    assert [(r["client_id"], r["client_name"], r["owner"]) for r in lines(out)] == [
        ("a", "Альфа, ООО", "Иванова"), ("b", "Бета", "Петров")]


def test_a_csv_given_to_dry_run_without_a_mapping_says_how_to_read_it() -> None:
    done = playbook("dry-run", str(CP1251))
    assert done.returncode == 1
    assert done.stderr.splitlines()[-3:] == [
        f"{CP1251}:1:1: error[no-id-column] no column holds the client's id",
        "  expected: a column named id, or a mapping file (--map) whose columns: name the id "
        "column (e.g. ID: id)",
        f"  hint: `playbook map init {CP1251}` writes a mapping file for this export"]


def test_dry_run_shows_one_client_of_an_export_with_its_reasons_and_playbook_text() -> None:
    done = playbook("dry-run", str(CP1251), "--map", str(BITRIX / "mapping.yaml"), "--client",
                    "1007", "--as-of", DAY, "--lang", "ru", "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("на дату") == 1
    assert done.stdout.splitlines()[0].startswith(
        "## 1007 (АО «Маркет Кухни») · Петров Сергей · "
        "https://agency.bitrix24.ru/crm/deal/details/1007/ · на дату 7 декабря 2026 · база знаний ")
    flat = " ".join(done.stdout.split())
    assert "Контакта не было уже 101 день" in flat  # the reason, with the client's figures
    assert "Покажите точку старта, согласованные цели" in flat  # the playbook's text
    as_json = json.loads(playbook("dry-run", str(AMO_EXPORT), "--map", str(AMO / "mapping.yaml"),
                                  "--client", "31000037", "--format", "json", "--as-of",
                                  DAY).stdout)
    [rec] = as_json["recommendations"]
    assert (rec["client_id"], rec["owner"]) == ("31000037", "Лебедева Наталья")
    missing = playbook("dry-run", str(CP1251), "--map", str(BITRIX / "mapping.yaml"),
                       "--client", "nobody")
    assert missing.returncode == 1
    assert f"error[unknown-client] no client 'nobody' in {CP1251}" in missing.stderr


def test_json_lines_through_dry_run_with_client(tmp_path: Path) -> None:
    path = tmp_path / "clients.jsonl"
    path.write_text('{"id": "a", "name": "Альфа", "owner": "Иванова"}\n'
                    '{"id": "b", "nps": 99}\n', encoding="utf-8")
    done = playbook("dry-run", str(path), "--client", "a", "--as-of", DAY, "--format", "json")
    assert done.returncode == 0, done.stderr
    [rec] = json.loads(done.stdout)["recommendations"]
    assert (rec["client_name"], rec["owner"]) == ("Альфа", "Иванова")
