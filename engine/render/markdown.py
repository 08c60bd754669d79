"""Markdown for people: recommendations (pull requests, wikis, tickets) and the coverage table.

Text that comes from clients (ids, names, and the reasons that quote their facts) goes through
``markdown_text``: it shows as the text it is, never as markup. The knowledge base's own words
(titles, playbook content) are the authors' markdown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engine.kb.knowledge_base import KnowledgeBase
from engine.render import advice
from engine.render.groups import ALL, Group, Selection, selected
from engine.render.output import markdown_text
from engine.render.text import (
    Named,
    TextReporter,
    explanation_summary,
    heading,
    held_groups,
    notes_text,
)
from engine.render.words import COVERAGE_HEADER, GROUP_WORDS, HEADERS, PROSE_WHY
from engine.tools.coverage import Coverage, Shown
from engine.tools.explain import Explanation


class MarkdownReporter(TextReporter):
    name = "markdown"
    separator = "\n"  # a blank line before each client's heading

    def advice(self, named: Sequence[Named], kb: KnowledgeBase, lang: str,
               explanations: Sequence[Explanation] | None, view: Selection) -> str:
        if explanations is None:
            return recommendations(named, kb, lang, view)
        return self.separator.join(recommendations([item], kb, lang, view, explain=True) + "\n"
                                   + explanation_summary(ex, lang, "- ", markdown_text)
                                   for item, ex in zip(named, explanations, strict=True))


def recommendations(named: Sequence[Named], kb: KnowledgeBase, lang: str = "en",
                    view: Selection = ALL, explain: bool = False) -> str:
    """Per client a heading and a list: one item per group of actions, the reason and the
    playbook content as paragraphs under it."""
    lines: list[str] = []
    for rec, name in named:
        lines += [f"## {heading(rec, kb, lang, name, markdown_text)}", ""]
        found = selected(rec, kb, view)
        lines += [line for group in found for line in _group(group, kb, lang, view, explain)]
        if not found:
            lines += [HEADERS[lang][8], ""]
        if view.kinds is None:  # what the rules hold back, and why
            ids = view.shows_ids(lang)
            for held, why in held_groups(rec):
                titles = [f"{title} (`{ident}`)" if ids else title for title, ident in held]
                lines += [f"- **{GROUP_WORDS[lang]['held']}:** " + "; ".join(titles), "",
                          f"  {markdown_text(why)}", ""]
        notes = notes_text(rec, lang, "- ")
        lines += [notes.rstrip("\n"), ""] if notes else []
    return "\n".join(lines)


def _group(group: Group, kb: KnowledgeBase, lang: str, view: Selection, explain: bool) -> list[str]:
    ids = view.shows_ids(lang)
    what = ", ".join(f"**{title}** (`{ident}`)" if ids else f"**{title}**"
                     for title, ident in advice.members(group, lang))
    facts = " · ".join([", ".join(advice.kinds(group, lang)), str(group.priority),
                        ", ".join(group.sources)])
    lines = [f"- {what} — {facts}", ""]
    for title, text, details in advice.sections(group, view.brief):
        reason = markdown_text(text.replace("\n", " "))  # client text in it; one paragraph
        lines += [f"  **{_sentence(title)}** {reason}" if title else f"  {reason}", ""]
        for entry in details:
            first, *items = advice.details_lines(entry, "- ", titled=not title)
            lines += [f"  *{first}*", *(f"  {item}" for item in items), ""]
    if explain:
        lines += [f"  {HEADERS[lang][5]}: " + ", ".join(advice.rules(group, kb, lang)), ""]
        lines += [f"  {line}" for line in advice.waiting_lines(group, lang)]
        lines += [""] if group.missing else []
    return lines


def coverage(cov: Coverage) -> str:
    """docs/coverage.md: for each domain item, when it acts, what carries it and the scenarios
    that show it acting, or why it is prose only."""
    rows = []
    every = {s.split("/")[0] for item in cov.items for s in item.steps}
    for item in cov.items:
        why = item.prose_why
        acts = (PROSE_WHY[why].format(why=item.not_encoded) if why is not None
                else item.acts_when or "")
        cells = [acts, _list(item.rules), _steps(item.steps, every), _list(item.entries),
                 _shown(item.shown_by)]
        rows.append(f"| {item.id} | {item.title} | " + " | ".join(cells) + " |")
    head = COVERAGE_HEADER.format(behaviour=cov.behaviour, prose=cov.prose_only,
                                  total=len(cov.items))
    return head + "\n".join(rows) + "\n"


def _steps(steps: Iterable[str], every: set[str]) -> str:
    """``step`` (its journeys), or ``step`` (every journey)."""
    by_step: dict[str, list[str]] = {}
    for cited in steps:
        project_type, step = cited.split("/", 1)
        by_step.setdefault(step, []).append(project_type)
    return ", ".join(f"`{step}` (" + ("every journey" if set(types) == every
                                       else ", ".join(types)) + ")"
                     for step, types in by_step.items())


def _shown(shown: Sequence[Shown]) -> str:
    """The first scenario that shows the item acting, where it is, and how many more."""
    if not shown:
        return ""
    first = f"{markdown_text(shown[0].name)} ({shown[0].location})"
    return first + (f" and {len(shown) - 1} more" if len(shown) > 1 else "")


def _list(ids: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)


def _sentence(title: str) -> str:
    """A guide's title run into its text as a sentence of its own ("Hold the course." ...)."""
    return title if title.endswith((".", "!", "?", "…")) else title + "."
