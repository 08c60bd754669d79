"""Recommendations as a table for the terminal (rich). The only module that imports rich."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Action, Recommendation
from engine.render.output import Output
from engine.render.text import (
    Named,
    TextReporter,
    explanation_summary,
    heading,
    notes_text,
    waiting_for,
)
from engine.render.words import HEADERS, KIND_LABEL
from engine.tools.explain import Explanation

KIND_STYLE = {"warning": "bold red", "blocked": "yellow", "next_step": "green",
              "upsell": "cyan", "communication": "magenta"}
WIDTH = 120


class TableReporter(TextReporter):
    name = "table"

    def recommendations(self, named: Sequence[Named], kb: KnowledgeBase, lang: str,
                        explanations: Sequence[Explanation] | None = None) -> Output:
        if explanations is None:
            return Output(table(named, kb, lang))
        return Output("".join(table([item], kb, lang, explain=True)
                              + explanation_summary(ex, lang)
                              for item, ex in zip(named, explanations, strict=True)))


def table(named: Sequence[Named], kb: KnowledgeBase, lang: str = "en",
          explain: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, force_terminal=False, color_system=None,
                      highlight=False, soft_wrap=False)
    h = HEADERS[lang]
    for rec, name in named:
        console.print(Text(heading(rec, kb, lang, name), style="bold"))
        if not rec.actions:
            console.print(f"  {h[8]}\n")
            continue
        console.print(_actions(rec, kb, lang, explain))
        console.print(Text(notes_text(rec, lang)), end="")
        console.print()
    return buffer.getvalue()


def _actions(rec: Recommendation, kb: KnowledgeBase, lang: str, explain: bool) -> Table:
    h = HEADERS[lang]
    grid = Table(show_lines=False, expand=False, pad_edge=False)
    for column in (h[0], h[1], h[2], h[3], h[4], *((h[5],) if explain else ())):
        grid.add_column(column, overflow="fold")
    for a in rec.actions:
        row = [Text(c) for c in _cells(a, kb, lang, explain)]  # author text is never markup
        row[1].stylize(KIND_STYLE[a.kind])
        grid.add_row(*row)
    return grid


def _cells(a: Action, kb: KnowledgeBase, lang: str, explain: bool) -> list[str]:
    h = HEADERS[lang]
    waits = waiting_for(a, lang)
    why = a.reason + (f"\n{h[6]}: {waits}" if waits and explain else "")
    cells = [str(a.priority), KIND_LABEL[lang][a.kind], f"{a.title}\n{a.id}", why,
             ", ".join(a.sources)]
    if explain:
        cells.append("\n".join(rule_line(kb, r) for r in a.rules) or "journey map")
    return cells


def rule_line(kb: KnowledgeBase, rule_id: str) -> str:
    where = kb.locations.get(f"rule:{rule_id}")
    return f"{rule_id} ({where})" if where else rule_id
