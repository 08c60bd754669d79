"""Recommendations as Markdown: a section per client, a list item per group of actions."""

from __future__ import annotations

import engine
from engine.render import reporter
from engine.render.markdown import MarkdownReporter, coverage, recommendations
from engine.tools.coverage import Coverage, Item, Shown

from .sample import BLOCKED, WARNING, recommendation, two_clients

MD_EN = (
    "## acme (Acme) · as of 2026-11-01 · kb VER\n"
    "\n"
    "- **Watch [bold]out[/bold]** (`w1`) — warning · 90 · K01, K28\n"
    "\n"
    "  a \\| b c\n"
    "\n"
    "- **Go** (`ads`) — blocked · 90 · K26\n"
    "\n"
    "  waits\n"
    "\n"
    "## e · as of 2026-11-01 · kb VER\n"
    "\n"
    "no actions\n"
)

MD_RU_EXPLAIN = (
    "## acme · на дату 1 ноября 2026 · база знаний VER\n"
    "\n"
    "- **Watch [bold]out[/bold]** — предупреждение · 90 · K01, K28\n"
    "\n"
    "  a \\| b c\n"
    "\n"
    "  правила: ads_first_warning (rules/main.yaml:21:5)\n"
    "\n"
    "- **Go** — заблокировано · 90 · K26\n"
    "\n"
    "  waits\n"
    "\n"
    "  правила: карта пути\n"
    "\n"
    "  ads — ждёт: landing_pages\n"
)


def test_a_section_per_client_an_item_per_group_lines_joined(kb: engine.KnowledgeBase) -> None:
    named = two_clients(kb)
    assert recommendations(named, kb).replace(kb.version, "VER") == MD_EN


def test_explain_adds_what_is_waited_for_and_the_rules(kb: engine.KnowledgeBase) -> None:
    named = [(recommendation(kb, WARNING, BLOCKED), None)]
    text = recommendations(named, kb, "ru", explain=True)
    assert text.replace(kb.version, "VER") == MD_RU_EXPLAIN


def test_the_markdown_reporter(kb: engine.KnowledgeBase) -> None:
    found = reporter("markdown")
    assert isinstance(found, MarkdownReporter) and found.name == "markdown"
    named = two_clients(kb)
    output = found.recommendations(named, kb, "en")
    assert (output.out.replace(kb.version, "VER"), output.err) == (MD_EN, "")


def test_the_coverage_table() -> None:
    shown = (Shown("a | tricky name", "rules/x.test.yaml:3:5"),
             Shown("another", "rules/x.test.yaml:9:5"))
    items = (Item("K01", "Segments", ("r1", "r2"), ("lead_gen/briefing",), (), None,
                  "a client is briefed", shown),
             Item("K02", "Why", (), (), (), "a reason, not advice"),
             Item("K03", "Forgotten", (), (), (), None),
             Item("K04", "Guides", (), (), ("guide",), None),
             Item("K05", "Unshown", ("r3",), (), (), None, "a client launches"))
    text = coverage(Coverage(items))
    assert "Behaviour: **1 of 5**; prose only: **4**." in text
    assert text.endswith(
        "| K01 | Segments | a client is briefed | `r1`, `r2` | `briefing` (every journey) |  | "
        "a \\| tricky name (rules/x.test.yaml:3:5) and 1 more |\n"
        "| K02 | Why | prose only: a reason, not advice |  |  |  |  |\n"
        "| K03 | Forgotten | prose only: **nothing cites it** |  |  |  |  |\n"
        "| K04 | Guides | prose only: only playbook text cites it |  |  | `guide` |  |\n"
        "| K05 | Unshown | prose only: no scenario shows it acting | `r3` |  |  |  |\n")
