"""The impact of a knowledge-base change, for people: a terminal plan and a pull-request comment.

Like ``terraform plan``: the summary first (clients affected, actions added / removed / changed),
then what changed by kind, by rule and by segment, then each affected client's actions with
``+`` added, ``-`` removed, ``~`` changed and the rules behind each side.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.errors import escaped_line
from engine.render.json import document
from engine.render.output import markdown_text
from engine.tools.impact import ActionChange, ImpactReport, Tally

SIGN = {"added": "+", "removed": "-", "changed": "~"}
TOP = 10  # rows of the by-rule and by-segment lists
CLIENTS_SHOWN = 100  # affected clients listed in full in a pull-request comment


def headline(report: ImpactReport) -> str:
    t = report.totals
    return (f"{report.clients_affected} of {report.clients} clients affected "
            f"({report.affected_pct:.1f}%): +{t.added} added, -{t.removed} removed, "
            f"~{t.changed} changed")


def tally(t: Tally) -> str:
    return f"+{t.added} -{t.removed} ~{t.changed}"


def text(report: ImpactReport) -> str:
    lines = [f"Impact of kb {report.base_kb} -> {report.new_kb} as of "
             f"{report.as_of.isoformat()}", "", "  " + headline(report)]
    if report.errors:
        lines.append(f"  {len(report.errors)} client(s) could not be compared (see JSON)")
    if report.changes:
        lines += ["", "By kind:", *(f"  {k:<14} {tally(t)}" for k, t in report.by_kind.items())]
        lines += ["", "By rule:", *(f"  {r:<40} {tally(t)}" for r, t in _top_rules(report))]
        lines += ["", "Segments most affected:", *(
            f"  {escaped_line(s.fact)}={escaped_line(s.value)}: {s.affected} of {s.clients} "
            f"({s.pct:.1f}%)"
            for s in report.segments[:TOP] if s.affected)]
        lines += ["", "Clients:", *_client_lines(report, "  ")]
    return "\n".join(lines) + "\n"


def markdown(report: ImpactReport) -> str:
    lines = [f"### Impact of this knowledge-base change: {headline(report)}", "",
             f"kb `{report.base_kb}` -> `{report.new_kb}`, clients as of "
             f"{report.as_of.isoformat()}.", ""]
    if report.errors:
        lines += [f"{len(report.errors)} client(s) could not be compared: see `--format json`.",
                  ""]
    if report.changes:
        lines += ["| kind | added | removed | changed |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {t.added} | {t.removed} | {t.changed} |"
                  for k, t in report.by_kind.items()]
        lines += ["", "| rule | added | removed | changed |", "|---|---:|---:|---:|"]
        lines += [f"| `{r}` | {t.added} | {t.removed} | {t.changed} |"
                  for r, t in _top_rules(report)]
        lines += ["", "| segment | affected | of | share |", "|---|---:|---:|---:|"]
        lines += [f"| {markdown_text(f'{s.fact}={s.value}')} | {s.affected} | {s.clients} | "
                  f"{s.pct:.1f}% |"
                  for s in report.segments[:TOP] if s.affected]
        shown = list(_client_lines(report, "", CLIENTS_SHOWN))
        more = report.clients_affected - CLIENTS_SHOWN
        lines += ["", "<details><summary>Per client</summary>", "", "```diff", *shown, "```",
                  *([f"... and {more} more clients: see `--format json`"] if more > 0 else []),
                  "", "</details>"]
    return "\n".join(lines) + "\n"


def json(report: ImpactReport) -> str:
    return document(report.model_dump(mode="json"))


def _top_rules(report: ImpactReport) -> list[tuple[str, Tally]]:
    ranked = sorted(report.by_rule.items(),
                    key=lambda item: (-(item[1].added + item[1].removed + item[1].changed),
                                      item[0]))
    return ranked[:TOP]


def _client_lines(report: ImpactReport, indent: str,
                  limit: int | None = None) -> Iterator[str]:
    client, count = None, 0
    for change in report.changes:
        if change.client_id != client:
            client, count = change.client_id, count + 1
            if limit is not None and count > limit:
                return
            yield f"{indent}~ client {escaped_line(client)}"  # one line: no fence closes
        yield f"{indent}  {_change_line(change)}"


def _change_line(c: ActionChange) -> str:
    line = f"{SIGN[c.change]} {c.kind} {c.id}"
    if c.change == "changed" and c.before is not None and c.after is not None:
        shown = [f"{f} {getattr(c.before, f)} -> {getattr(c.after, f)}"
                 for f in c.fields if f in ("priority", "missing")]
        words = [f for f in c.fields if f not in ("priority", "missing")]
        line += ": " + "; ".join(shown + ([", ".join(words) + " changed"] if words else []))
    return line + f"  [rules: {', '.join(c.rules) or 'journey map'}]"
