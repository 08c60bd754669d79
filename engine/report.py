"""Rendering results for people (table, markdown) and programs (JSON). The only place rich is used.

Results are data (Recommendation, Diagnostic); these functions only turn them into text.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.errors import Diagnostic
from engine.kb import KnowledgeBase
from engine.models import Recommendation

KIND_LABEL = {
    "en": {"next_step": "next step", "upsell": "upsell", "communication": "communication",
           "warning": "warning", "blocked": "blocked"},
    "ru": {"next_step": "следующий шаг", "upsell": "допродажа", "communication": "коммуникация",
           "warning": "предупреждение", "blocked": "заблокировано"},
}
KIND_STYLE = {"warning": "bold red", "blocked": "yellow", "next_step": "green",
              "upsell": "cyan", "communication": "magenta"}
HEADERS = {
    "en": ("prio", "kind", "what", "why", "sources", "rules", "waiting for", "as of",
           "no actions"),
    "ru": ("приор.", "тип", "что", "почему", "основания", "правила", "ждёт", "на дату",
           "нет действий"),
}


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def recommendations_json(recs: Sequence[Recommendation], explain: dict[str, Any] | None = None
                         ) -> str:
    items = []
    for rec in recs:
        item = rec.model_dump(mode="json")
        if explain is not None:
            item["explanation"] = explain.get(rec.client_id)
        items.append(item)
    return to_json(items)


def _heading(rec: Recommendation, kb: KnowledgeBase, lang: str, name: str | None) -> str:
    h = HEADERS[lang]
    label = f"{rec.client_id} ({name})" if name else rec.client_id
    return f"{label} · {h[7]} {rec.as_of.isoformat()} · kb {kb.version}"


def recommendations_table(recs: Sequence[tuple[Recommendation, str | None]], kb: KnowledgeBase,
                          lang: str = "en", explain: bool = False, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None,
                      highlight=False, soft_wrap=False)
    h = HEADERS[lang]
    for rec, name in recs:
        console.print(Text(_heading(rec, kb, lang, name), style="bold"))
        if not rec.actions:
            console.print(f"  {h[8]}\n")
            continue
        table = Table(show_lines=False, expand=False, pad_edge=False)
        for column in (h[0], h[1], h[2], h[3], h[4], *((h[5],) if explain else ())):
            table.add_column(column, overflow="fold")
        for a in rec.actions:
            why = a.reason + (f"\n{h[6]}: {', '.join(a.missing)}" if a.missing and explain else "")
            cells = [str(a.priority), KIND_LABEL[lang][a.kind], f"{a.title}\n{a.id}", why,
                     ", ".join(a.sources)]
            if explain:
                cells.append("\n".join(_rule_line(kb, r) for r in a.rules) or "journey map")
            row = [Text(c) for c in cells]  # plain text: author text is never markup
            row[1].stylize(KIND_STYLE[a.kind])
            table.add_row(*row)
        console.print(table)
        console.print()
    return buffer.getvalue()


def _rule_line(kb: KnowledgeBase, rule_id: str) -> str:
    where = kb.locations.get(f"rule:{rule_id}")
    return f"{rule_id} ({where})" if where else rule_id


def recommendations_markdown(recs: Sequence[tuple[Recommendation, str | None]],
                             kb: KnowledgeBase, lang: str = "en", explain: bool = False) -> str:
    h = HEADERS[lang]
    lines: list[str] = []
    for rec, name in recs:
        lines += [f"## {_heading(rec, kb, lang, name)}", ""]
        if not rec.actions:
            lines += [h[8], ""]
            continue
        columns = [h[0], h[1], h[2], h[3], h[4], *((h[5],) if explain else ())]
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for a in rec.actions:
            why = a.reason + (f" ({h[6]}: {', '.join(a.missing)})" if a.missing and explain else "")
            cells = [str(a.priority), KIND_LABEL[lang][a.kind], f"{a.title} (`{a.id}`)", why,
                     ", ".join(a.sources)]
            if explain:
                cells.append(", ".join(f"`{r}`" for r in a.rules) or "journey map")
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def diagnostics_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(d.render() + "\n" for d in diagnostics)


def diagnostics_json(diagnostics: Iterable[Diagnostic]) -> str:
    return to_json([d.as_dict() for d in diagnostics])
