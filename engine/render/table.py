"""Recommendations as a table for the terminal (rich). The only module that imports rich.

The console is rich's own: its width comes from COLUMNS, the terminal, or 80 for a pipe; colour
is on for a terminal and follows NO_COLOR and FORCE_COLOR. One row per group of actions
(engine/render/groups.py), its playbook content under the reason unless ``--brief``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from engine.kb.knowledge_base import KnowledgeBase
from engine.render import advice
from engine.render.groups import ALL, Group, Selection, selected
from engine.render.text import (
    Named,
    TextReporter,
    explanation_summary,
    heading,
    held_groups,
    notes_text,
)
from engine.render.words import GROUP_WORDS, HEADERS, KIND_LABEL

if TYPE_CHECKING:
    from engine.tools.explain import Explanation

KIND_STYLE = {"warning": "bold red", "blocked": "yellow", "next_step": "green",
              "upsell": "cyan", "communication": "magenta"}


class TableReporter(TextReporter):
    name = "table"

    def advice(self, named: Sequence[Named], kb: KnowledgeBase, lang: str,
               explanations: Sequence[Explanation] | None, view: Selection) -> str:
        if explanations is None:
            return table(named, kb, lang, view=view)
        return "".join(table([item], kb, lang, view, explain=True)
                       + explanation_summary(ex, lang)
                       for item, ex in zip(named, explanations, strict=True))


def console(buffer: io.StringIO) -> Console:
    """A console writing into ``buffer`` as rich would write to this process's stdout."""
    probe = Console(highlight=False)
    return Console(file=buffer, width=probe.width, force_terminal=probe.is_terminal,
                   color_system=probe.color_system, no_color=probe.no_color,  # type: ignore[arg-type]
                   highlight=False, soft_wrap=False, emoji=False)


def table(named: Sequence[Named], kb: KnowledgeBase, lang: str = "en", view: Selection = ALL,
          explain: bool = False) -> str:
    buffer = io.StringIO()
    out = console(buffer)
    for rec, name in named:
        out.print(Text(heading(rec, kb, lang, name), style="bold"))
        found = selected(rec, kb, view)
        if not found:
            out.print(f"  {HEADERS[lang][8]}\n")
            continue
        widths = _widths(out.width, lang)
        for i, group in enumerate(found):
            out.print(_row(group, lang, widths, header=i == 0, ids=view.shows_ids(lang)))
            below = _below(group, kb, lang, view, explain)
            if below.plain:
                out.print(Padding(below, (0, 0, 1 if group is not found[-1] else 0,
                                          widths[0] + widths[1] + 2 * GAP)))
        if view.kinds is None:  # what the rules hold back, and why
            ids = view.shows_ids(lang)
            for pairs, why in held_groups(rec):
                titles = [f"{title} ({ident})" if ids else title for title, ident in pairs]
                held = Text(f"{GROUP_WORDS[lang]['held']}: ", style="bold")
                held.append("; ".join(titles) + "\n").append(why, style="dim")
                out.print(Padding(held, (1, 0, 0, 2)))
        out.print(Text(notes_text(rec, lang)), end="")
        out.print()
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


GAP = 2  # between columns: one space of padding, one of the box's divider


def _widths(total: int, lang: str) -> tuple[int, int, int, int, int]:
    """prio, kind, what, why, sources: what and why share what the others leave."""
    prio = max(len(HEADERS[lang][0]), 4)
    kind = max(len(label) for label in KIND_LABEL[lang].values())
    sources = max(len(HEADERS[lang][4]), 9)
    rest = max(total - prio - kind - sources - 5 * GAP, 20)
    what = rest * 9 // 20
    return prio, kind, what, rest - what, sources


def _row(group: Group, lang: str, widths: tuple[int, ...], header: bool, ids: bool) -> Table:
    grid = Table(box=box.SIMPLE_HEAD, show_header=header, pad_edge=False,
                 padding=(0, 1, 0, 0), collapse_padding=True, show_edge=False)
    for title, width in zip(HEADERS[lang][:5], widths, strict=True):
        grid.add_column(title, width=width, overflow="fold")
    style = KIND_STYLE[group.actions[0].kind]
    what = Text()
    for i, (title, ident) in enumerate(advice.members(group, lang)):
        what.append(("\n" if i else "") + title, style="bold")
        if ids:
            what.append("\n" + ident, style="dim")
    why = "" if group.key == "contact" else "\n".join(group.reasons)
    grid.add_row(Text(str(group.priority)), Text("\n".join(advice.kinds(group, lang)), style),
                 what, Text(why), Text(", ".join(group.sources)))
    return grid


def _below(group: Group, kb: KnowledgeBase, lang: str, view: Selection, explain: bool) -> Text:
    """Under the row, as wide as the terminal: each guide's reason (the contact's row), the
    playbook content, and with --explain the rules and what blocked steps wait for."""
    text = Text()  # author text is appended as text, never parsed as markup
    for title, reason, details in advice.sections(group, view.brief):
        if title:
            text.append(f"\n{title}\n", style="bold")
            text.append(reason + "\n")
        for entry in details:
            first, *items = advice.details_lines(entry, titled=not title)
            text.append(("" if title else "\n") + first + "\n", style="italic")
            text.append("".join(item + "\n" for item in items))
    if explain:
        lines = [f"{HEADERS[lang][5]}: " + ", ".join(advice.rules(group, kb, lang)),
                 *advice.waiting_lines(group, lang)]
        text.append("\n" + "".join(line + "\n" for line in lines), style="dim")
    text.rstrip()
    return text[1:] if text.plain.startswith("\n") else text
