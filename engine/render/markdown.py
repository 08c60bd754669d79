"""Markdown for people: recommendations (pull requests, wikis, tickets) and the coverage table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Action
from engine.render.output import Output
from engine.render.text import (
    Named,
    TextReporter,
    explanation_summary,
    heading,
    notes_text,
    waiting_for,
)
from engine.render.words import COVERAGE_HEADER, HEADERS, KIND_LABEL
from engine.tools.coverage import Coverage
from engine.tools.explain import Explanation


class MarkdownReporter(TextReporter):
    name = "markdown"

    def recommendations(self, named: Sequence[Named], kb: KnowledgeBase, lang: str,
                        explanations: Sequence[Explanation] | None = None) -> Output:
        if explanations is None:
            return Output(recommendations(named, kb, lang))
        return Output("".join(recommendations([item], kb, lang, explain=True) + "\n"
                              + explanation_summary(ex, lang, bullet="- ")
                              for item, ex in zip(named, explanations, strict=True)))


def recommendations(named: Sequence[Named], kb: KnowledgeBase, lang: str = "en",
                    explain: bool = False) -> str:
    h = HEADERS[lang]
    lines: list[str] = []
    for rec, name in named:
        lines += [f"## {heading(rec, kb, lang, name)}", ""]
        if not rec.actions:
            lines += [h[8], ""]
            continue
        columns = [h[0], h[1], h[2], h[3], h[4], *((h[5],) if explain else ())]
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(_cell(c) for c in _cells(a, lang, explain)) + " |"
                  for a in rec.actions]
        notes = notes_text(rec, lang, "- ")
        lines += ["", notes.rstrip("\n")] if notes else []
        lines.append("")
    return "\n".join(lines)


def _cells(a: Action, lang: str, explain: bool) -> list[str]:
    h = HEADERS[lang]
    waits = waiting_for(a, lang)
    why = a.reason + (f" ({h[6]}: {waits})" if waits and explain else "")
    cells = [str(a.priority), KIND_LABEL[lang][a.kind], f"{a.title} (`{a.id}`)", why,
             ", ".join(a.sources)]
    if explain:
        cells.append(", ".join(f"`{r}`" for r in a.rules) or "journey map")
    return cells


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def coverage(cov: Coverage) -> str:
    """docs/coverage.md: for each domain item, what cites it, or why it is not encoded."""
    rows = []
    for item in cov.items:
        if item.cited:
            cells = [_list(item.rules), _list(item.steps), _list(item.entries)]
        elif item.not_encoded is not None:
            cells = [f"not encoded: {item.not_encoded}", "", ""]
        else:
            cells = ["**not encoded**", "", ""]
        rows.append(f"| {item.id} | {item.title} | " + " | ".join(cells) + " |")
    head = COVERAGE_HEADER.format(encoded=cov.encoded, total=len(cov.items))
    return head + "\n".join(rows) + "\n"


def _list(ids: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)
