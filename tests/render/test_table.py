"""Recommendations as a terminal table: columns per language, author text never markup."""

from __future__ import annotations

import engine
from engine.render import reporter
from engine.render.table import TableReporter, table

from .sample import BLOCKED, WARNING, recommendation, two_clients

TABLE_EN = (
    "acme (Acme) · as of 2026-11-01 · kb VER\n"
    "┏━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━┓\n"
    "┃prio ┃ kind    ┃ what                   ┃ why   ┃ sources ┃\n"
    "┡━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━┩\n"
    "│90   │ warning │ Watch [bold]out[/bold] │ a | b │ K28, K01│\n"
    "│     │         │ w1                     │ c     │         │\n"
    "│90   │ blocked │ Go                     │ waits │ K26     │\n"
    "│     │         │ ads                    │       │         │\n"
    "└─────┴─────────┴────────────────────────┴───────┴─────────┘\n"
    "\n"
    "e · as of 2026-11-01 · kb VER\n"
    "  no actions\n"
    "\n"
)

TABLE_RU_EXPLAIN = (
    "acme · на дату 2026-11-01 · kb VER\n"
    "┏━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳"
    "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
    "┃приор. ┃ тип            ┃ что                    ┃ почему              ┃ основания ┃ "
    "правила                          ┃\n"
    "┡━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇"
    "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
    "│90     │ предупреждение │ Watch [bold]out[/bold] │ a | b               │ K28, K01  │ "
    "ads_first_warning                │\n"
    "│       │                │ w1                     │ c                   │           │ "
    "(rules/main.yaml:21:5)           │\n"
    "│90     │ заблокировано  │ Go                     │ waits               │ K26       │ "
    "journey map                      │\n"
    "│       │                │ ads                    │ ждёт: landing_pages │           │   "
    "                               │\n"
    "└───────┴────────────────┴────────────────────────┴─────────────────────┴───────────┴"
    "──────────────────────────────────┘\n"
    "\n"
)


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
