"""Cells as CRMs write them, read by a mapping: numbers with any space-like thousands separator
and a decimal comma, per-column date formats (a date-time cell for a date field), per-column
list separators, values mapped to lists, KPIs from columns; a mapping checked against the
knowledge base once; a library client with several bad fields names each of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.errors import ClientError
from engine.portfolio.cells import Cells, date, number
from engine.portfolio.mapping import Mapping, read_mapping
from engine.portfolio.table import table


@pytest.mark.parametrize(("text", "comma", "value"), [
    ("180\u00a0000,00", True, 180000.0), ("1\u202f200\u202f000 ₽", False, 1200000.0),
    ("150 000 ₽", False, 150000.0), ("₽ 95 000,5", True, 95000.5), ("1,234.5", False, 1234.5),
    ("1.234,5", True, 1234.5), ("12 345 руб.", False, 12345.0), ("-3,5", True, -3.5),
    ("2\u2009500", False, 2500.0),
])
def test_numbers_as_crms_write_them(text: str, comma: bool, value: float) -> None:
    assert number(text, comma) == value


@pytest.mark.parametrize(("text", "fmt", "day"), [
    ("04.09.2026", "%d.%m.%Y", dt.date(2026, 9, 4)),
    ("04.09.2026 00:00:00", "%d.%m.%Y", dt.date(2026, 9, 4)),  # a date-time for a date field
    ("04.09.2026 17:06", "%d.%m.%Y %H:%M:%S", dt.date(2026, 9, 4)),
    ("2026-09-04T17:06:23", "%Y-%m-%d", dt.date(2026, 9, 4)),
    ("04.09.2026", "%d.%m.%Y %H:%M", dt.date(2026, 9, 4)),
])
def test_dates_and_date_times(text: str, fmt: str, day: dt.date) -> None:
    assert date(text, fmt) == day


def rows(mapping: dict[str, Any], header: list[str], *values: list[str]
         ) -> list[tuple[dict[str, Any], list[str]]]:
    """Each row's client data and its bad cells as text."""
    plan = table(Cells(Mapping.model_validate(mapping), engine.default_kb()), header, "x.csv")
    assert plan.problems == []
    out = []
    for line, row in enumerate(values, start=2):
        data, bad = plan.row(row, line)
        out.append((data, [d.render() for d in bad]))
    return out


def test_per_column_dates_lists_and_number_formats() -> None:
    mapping = {"columns": {
        "ID": "id", "Создана": {"field": "client_since", "date_format": "%Y-%m-%d %H:%M"},
        "Контакт": "last_contact_on", "Услуги": {"field": "services", "list_separator": "|"},
        "Этапы": "completed_steps", "Бюджет": {"field": "monthly_budget", "decimal_comma": False}},
        "date_format": "%d.%m.%Y", "list_separator": ",", "decimal_comma": True,
        "values": {"services": {"Контекст": "context_ads", "Пакет": ["seo", "serm"]}}}
    [(data, bad)] = rows(mapping, ["ID", "Создана", "Контакт", "Услуги", "Этапы", "Бюджет"],
                         ["7", "2025-03-16 11:11", "01.12.2026", "Контекст | Пакет",
                          "qualification, briefing", "1,250.5"])
    assert bad == []
    assert data == {"id": "7", "client_since": dt.date(2025, 3, 16),
                    "last_contact_on": dt.date(2026, 12, 1),
                    "services": ["context_ads", "seo", "serm"],
                    "completed_steps": ["qualification", "briefing"],
                    "monthly_budget": 1250.5}


def test_lists_and_facts_as_json_gives_them() -> None:
    """A JSON record's lists and custom facts: texts trimmed (empty ones left out), items that
    are no text kept as they are, numbers in a list of numbers as they are, a text among them
    read as a number; custom facts typed by the knowledge base."""
    cells = Cells(Mapping(), engine.default_kb())
    assert cells.client({
        "id": "1", "completed_steps": [" briefing ", "", "  ", "kickoff_call"],
        "services": ["seo", 7, " serm"], "season_peak_months": [11, 6],
        "facts": {"has_crm": True}}.items()) == {
        "id": "1", "completed_steps": ["briefing", "kickoff_call"], "services": ["seo", 7, "serm"],
        "season_peak_months": [11, 6], "facts": {"has_crm": True}}
    assert cells.client({"season_peak_months": ["11", 6, None]}.items()) == {
        "season_peak_months": [11, 6, None]}


def test_a_bad_cell_names_its_column_the_cell_and_the_format_and_the_rest_still_reads() -> None:
    mapping = {"columns": {"ID": "id", "Дата": "last_contact_on", "Темп": "temperament",
                           "NPS": "nps"}, "date_format": "%d.%m.%Y"}
    [(data, bad)] = rows(mapping, ["ID", "Дата", "Темп", "NPS"],
                         ["7", "2026-12-01", "Холерик", "9"])
    assert data == {"id": "7", "nps": 9}
    assert bad == [
        "x.csv:2:2: error[bad-cell] column 'Дата': '2026-12-01' is not a date written %d.%m.%Y\n"
        "  expected: a date as %d.%m.%Y, e.g. 31.12.2026\n"
        '  hint: it is written %Y-%m-%d: set date_format: "%Y-%m-%d" (for the file, or for '
        'this column: {field: last_contact_on, date_format: "%Y-%m-%d"})',
        "x.csv:2:3: error[bad-cell] column 'Темп': 'Холерик' is not a value of temperament\n"
        "  expected: one of 'choleric', 'sanguine', 'melancholic', 'phlegmatic'\n"
        "  hint: map it in the mapping file: values: {temperament: {Холерик: VALUE}}"]


def test_kpis_from_a_name_column_and_from_fixed_pairs() -> None:
    mapping = {"columns": {"ID": "id"}, "decimal_comma": True,
               "kpis": [{"name_column": "KPI", "target": "План KPI", "actual": "Факт KPI"},
                        {"name": "ДРР", "target": "ДРР план", "actual": "ДРР факт"}]}
    header = ["ID", "KPI", "План KPI", "Факт KPI", "ДРР план", "ДРР факт"]
    found = rows(mapping, header, ["1", "CPL", "1 000", "1 120", "", ""],
                 ["2", "Заявки", "300", "295,5", "12,5", "15"],
                 ["3", "", "", "", "", ""], ["4", "ROMI", "", "140", "", ""],
                 ["5", "", "200", "", "", ""])
    assert found[0] == ({"id": "1", "kpis": [{"name": "CPL", "higher_is_better": False,
                                              "target": 1000.0, "actual": 1120.0}]}, [])
    assert found[1] == ({"id": "2", "kpis": [
        {"name": "Заявки", "higher_is_better": True, "target": 300.0, "actual": 295.5},
        {"name": "ДРР", "higher_is_better": False, "target": 12.5, "actual": 15.0}]}, [])
    assert found[2] == ({"id": "3"}, [])  # no KPI in this row
    assert found[3][1] == ["x.csv:5:3: error[bad-cell] column 'План KPI': empty, but the KPI "
                           "'ROMI' needs a target\n  expected: the KPI's target, a number"]
    assert found[4][1] == ["x.csv:6:2: error[bad-cell] column 'KPI': empty, but the row has a "
                           "KPI target or actual\n  expected: the KPI's name"]
    rec = engine.recommend({**found[0][0], "project_type": "lead_gen", "completed_steps": [
        "qualification", "briefing", "proposal", "contract_signed", "payment_received",
        "handoff", "access_granted", "kickoff_call", "owner_interview", "analytics_setup",
        "kpi_agreed", "competitor_analysis", "landing_pages", "launch_context_ads"],
        "campaign_launched_on": "2026-09-01"}, as_of=dt.date(2026, 12, 7))
    assert any("optimise_in_band" in a.rules for a in rec.actions)  # CPL 12% worse: KPI rules


def test_the_mapping_is_checked_against_the_knowledge_base_once(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("columns:\n  ID: id\n  Ответственный: facts.manager\n  Менеджер: owner\n"
                    "  Руководитель: owner\nvalues:\n  temperament: {Холерик: angry}\n"
                    "  completed_steps: {Оплачено: [contract_signed, paid]}\n"
                    "  nps: {Высокий: [9, 10]}\n", encoding="utf-8")
    mapping, problems = read_mapping(path, engine.default_kb())
    assert mapping is None
    assert [d.render().splitlines()[0] for d in problems] == [
        f"{path}:3:3: error[unknown-fact] facts.manager: the knowledge base declares no fact "
        "'manager'",
        f"{path}:7:17: error[unknown-value] temperament: 'angry' is not a value of temperament",
        f"{path}:8:21: error[unknown-value] completed_steps: 'paid' is not a value of "
        "completed_steps",
        f"{path}:9:9: error[bad-value] nps: one CRM value maps to a list, but nps is not a list",
        f"{path}:5:3: error[duplicate-field] columns 'Менеджер' and 'Руководитель' both hold "
        "'owner'"]


def test_an_undeclared_fact_in_a_mapping_stops_the_run_with_one_error(tmp_path: Path) -> None:
    from ..conftest import playbook

    path = tmp_path / "map.yaml"
    path.write_text("columns: {ID: id, Ответственный: facts.manager}\n", encoding="utf-8")
    done = playbook("run", str(Path(__file__).parents[1] / "data" / "crm" / "bitrix24"
                              / "bitrix24_deals_2026-12-07.csv"), "--map", str(path))
    assert done.returncode == 1
    assert done.stderr.count("error[") == 1 and "error[unknown-fact]" in done.stderr


def test_a_library_client_with_several_bad_fields_names_every_one() -> None:
    with pytest.raises(ClientError) as raised:
        engine.recommend({"id": "a", "nps": 11, "temperament": "x", "monthly_budget": -1,
                          "services": ["zzz"], "facts": {"nope": 1}}, as_of=dt.date(2026, 10, 1))
    fields = [d.message.split(":")[0] for d in raised.value.diagnostics]
    assert sorted(fields) == ["facts.nope", "monthly_budget", "nps", "services.0", "temperament"]
    assert "temperament: Input should be 'choleric', 'sanguine', 'melancholic' or 'phlegmatic'" \
        "; got 'x'" in str(raised.value)


def test_the_knowledge_base_s_crm_template_makes_each_client_s_link(tmp_path: Path) -> None:
    import shutil

    from ..conftest import SMALL_KB

    kb_dir = tmp_path / "kb"
    shutil.copytree(SMALL_KB, kb_dir)
    settings = kb_dir / "rules" / "crm.yaml"
    settings.write_text("crm:\n  url: https://agency.bitrix24.ru/crm/deal/details/{crm_id}/\n",
                        encoding="utf-8")
    kb = engine.load(kb_dir)
    rec = engine.recommend({"id": "a", "crm_id": "10 42", "name": "Альфа", "owner": "Иванова"},
                           kb=kb, as_of=dt.date(2026, 10, 1))
    assert (rec.client_name, rec.owner, rec.crm_id, rec.crm_url) == (
        "Альфа", "Иванова", "10 42", "https://agency.bitrix24.ru/crm/deal/details/10%2042/")
    own = engine.recommend({"id": "b", "crm_id": "7", "crm_url": "https://x.example/7"}, kb=kb,
                           as_of=dt.date(2026, 10, 1))
    assert own.crm_url == "https://x.example/7"  # the client's own link wins
    assert engine.recommend({"id": "c 1"}, kb=kb, as_of=dt.date(2026, 10, 1)).crm_url == \
        "https://agency.bitrix24.ru/crm/deal/details/c%201/"  # no CRM id: the id is the CRM's
    settings.write_text("crm:\n  url: https://agency.bitrix24.ru/deal/{name}\n",
                        encoding="utf-8")
    with pytest.raises(engine.KnowledgeBaseError, match=r"crm\.url"):
        engine.load(kb_dir)
