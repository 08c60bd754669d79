"""Recommendations as a terminal table: columns per language, author text never markup."""

from __future__ import annotations

import pytest

import engine
from engine.render import reporter
from engine.render.table import TableReporter, table

from .sample import BLOCKED, WARNING, recommendation, two_clients

TABLE_EN = (  # markup in author text is text; a line break in a reason is kept
    "acme (Acme) · as of 2026-11-01 · kb VER\n"
    "prio  kind           what                 why                        sources\n"
    + "─" * 78 + "\n"
    "90    warning        Watch                a | b                      K01, K28\n"
    "                     [bold]out[/bold]     c\n"
    "                     w1\n"
    "90    blocked        Go                   waits                      K26\n"
    "                     ads\n"
    "\n"
    "e · as of 2026-11-01 · kb VER\n"
    "  no actions\n"
    "\n"
)

TABLE_RU_EXPLAIN = (  # the rules and what a blocked step waits for: under the row
    "acme · на дату 1 ноября 2026 · база знаний VER\n"
    "приор.  тип             что                 почему                   основания\n"
    + "─" * 78 + "\n"
    "90      предупреждение  Watch               a | b                    K01, K28\n"
    "                        [bold]out[/bold]    c\n"
    "                        правила: ads_first_warning (rules/main.yaml:21:5)\n"
    "\n"
    "90      заблокировано   Go                  waits                    K26\n"
    "                        правила: карта пути\n"
    "                        ads — ждёт: landing_pages\n"
    "\n"
)


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich measures a pipe by COLUMNS: 80 here, no colour."""
    monkeypatch.setenv("COLUMNS", "80")
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def test_a_table_per_client_under_its_heading(kb: engine.KnowledgeBase) -> None:
    named = two_clients(kb)
    assert table(named, kb).replace(kb.version, "VER") == TABLE_EN


def test_explain_adds_what_is_waited_for_and_the_rules_where_written(
        kb: engine.KnowledgeBase) -> None:
    named = [(recommendation(kb, WARNING, BLOCKED), None)]
    text = table(named, kb, "ru", explain=True)
    assert text.replace(kb.version, "VER") == TABLE_RU_EXPLAIN


def test_the_table_reporter(kb: engine.KnowledgeBase) -> None:
    found = reporter("table")
    assert isinstance(found, TableReporter) and found.name == "table"
    named = two_clients(kb)
    output = found.recommendations(named, kb, "en")
    assert (output.out.replace(kb.version, "VER"), output.err) == (TABLE_EN, "")
