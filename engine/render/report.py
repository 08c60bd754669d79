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
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Recommendation
from engine.tools.explain import Explanation, RuleOutcome, Unmet

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


# --- explanations (engine/explain.py) -------------------------------------------------------

EXPLAIN_LABELS = {
    "en": {"fired": "fired", "suppressed": "suppressed", "not_matched": "not fired",
           "produced": "produced", "won_by": "group {group} was won by {winner}",
           "blocked": "blocked steps", "asked_by": "{step} (asked by {rules}) waits for:",
           "ready": "ready now", "waits": "waits for {steps}", "groups": "exclusive groups",
           "group": "{group}: {winner} won", "lost": "suppressed: {rules}",
           "dropped": "dropped steps", "asked_for": "{rule} asked for {step}: {why}",
           "rules_fired": "rules fired", "none": "none"},
    "ru": {"fired": "сработали", "suppressed": "подавлены", "not_matched": "не сработали",
           "produced": "дали", "won_by": "в группе {group} победило {winner}",
           "blocked": "заблокированные шаги", "asked_by": "{step} (просит {rules}) ждёт:",
           "ready": "можно начинать", "waits": "ждёт {steps}",
           "groups": "взаимоисключающие группы", "group": "{group}: победило {winner}",
           "lost": "подавлены: {rules}", "dropped": "отброшенные шаги",
           "asked_for": "{rule} просит {step}: {why}", "rules_fired": "сработавшие правила",
           "none": "нет"},
}


def explanation_text(items: Sequence[tuple[Explanation, str | None]], lang: str = "en") -> str:
    """``playbook explain``: every rule (fired first), blocked chains, groups, dropped steps."""
    words = EXPLAIN_LABELS[lang]
    lines: list[str] = []
    for ex, name in items:
        label = f"{ex.client_id} ({name})" if name else ex.client_id
        lines.append(f"{label} · {HEADERS[lang][7]} {ex.as_of.isoformat()} · kb {ex.kb_version}")
        for status in ("fired", "suppressed", "not_matched"):
            outcomes = [r for r in ex.rules if r.status == status]
            if outcomes:
                lines.append(words[status])
                lines += [line for r in outcomes for line in _outcome_lines(r, words)]
        lines += _blocked_lines(ex, words) + _group_lines(ex, words) + _dropped_lines(ex, words)
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")


def _outcome_lines(rule: RuleOutcome, words: dict[str, str]) -> list[str]:
    lines = [f"  {rule.id} · {rule.title} · {rule.location}"]
    if rule.produced:
        lines.append(f"    {words['produced']}: {'; '.join(rule.produced)}")
    if rule.winner:
        lines.append("    " + words["won_by"].format(group=rule.group, winner=rule.winner))
    if rule.unmet:
        lines += _unmet_lines(rule.unmet, "    ")
    return lines


def _unmet_lines(unmet: Unmet, indent: str) -> list[str]:
    if not unmet.alternatives:
        return [indent + unmet.text]
    lines = [f"{indent}{unmet.text}:"]
    for alternative in unmet.alternatives:
        first, *rest = _unmet_lines(alternative, indent + "  ")
        lines += [f"{indent}- {first.lstrip()}", *rest]
    return lines


def _blocked_lines(ex: Explanation, words: dict[str, str]) -> list[str]:
    lines = [words["blocked"]] if ex.blocked else []
    for b in ex.blocked:
        lines.append("  " + words["asked_by"].format(step=b.step, rules=", ".join(b.rules)))
        lines += [f"    {w.step}: " + (words["waits"].format(steps=", ".join(w.waits_for))
                                      if w.waits_for else words["ready"]) for w in b.missing]
    return lines


def _group_lines(ex: Explanation, words: dict[str, str]) -> list[str]:
    lines = [words["groups"]] if ex.groups else []
    for g in ex.groups:
        lost = "; " + words["lost"].format(rules=", ".join(g.suppressed)) if g.suppressed else ""
        lines.append("  " + words["group"].format(group=g.group, winner=g.winner) + lost)
    return lines


def _dropped_lines(ex: Explanation, words: dict[str, str]) -> list[str]:
    lines = [words["dropped"]] if ex.dropped else []
    lines += ["  " + words["asked_for"].format(rule=d.rule, step=d.step, why=d.why)
              for d in ex.dropped]
    return lines


def explanation_summary(ex: Explanation, lang: str = "en", bullet: str = "") -> str:
    """After a client's table in ``dry-run --explain``: the rules that fired and were suppressed."""
    words = EXPLAIN_LABELS[lang]
    fired = [f"{r.id} ({r.location})" for r in ex.rules if r.status == "fired"]
    lines = [f"{words['rules_fired']}: " + (", ".join(fired) or words["none"])]
    lines += [f"{words['suppressed']}: {r.id} ({r.location}) · "
              + words["won_by"].format(group=r.group, winner=r.winner)
              for r in ex.rules if r.status == "suppressed"]
    lines += [f"{words['dropped']}: " + words["asked_for"].format(rule=d.rule, step=d.step,
                                                                  why=d.why) for d in ex.dropped]
    return "".join(f"{bullet}{line}\n" for line in lines) + "\n"
