"""The portfolio summary of ``playbook run`` (table, markdown, JSON) and its progress bar.

rich and the JSON reporter are imported when a table, a bar or a JSON document is made: a run
whose summary is JSON, in a pipe, does not pay for rich.
"""

from __future__ import annotations

import io
import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from engine.errors import Diagnostic, did_you_mean, escaped_line
from engine.models import Client
from engine.portfolio.records import Record
from engine.portfolio.summary import Summary
from engine.render.output import markdown_text
from engine.render.who import named
from engine.render.words import KIND_LABEL
from engine.render.words import PORTFOLIO_WORDS as WORDS
from engine.vocabulary import ACTION_KINDS

Section = tuple[str, tuple[str, ...], list[tuple[str, ...]]]


def _sections(summary: Summary, lang: str) -> list[Section]:
    """(heading, columns, rows) of each part of the summary, the cells as they are."""
    w, label = WORDS[lang], KIND_LABEL[lang]
    kinds: list[tuple[str, ...]] = [(label[k], str(summary.kinds[k])) for k in ACTION_KINDS]
    warnings: list[tuple[str, ...]] = [(f"{title} ({wid})", str(n))
                                       for wid, title, n in summary.top_warnings()]
    owned = any(u.owner for u in summary.urgent())  # the owner column only when there is one
    urgent: list[tuple[str, ...]] = [
        (named(u.client_id, u.client_name), *([u.owner or ""] if owned else []),
         str(u.priority), label[u.kind], f"{u.title} ({u.action})") for u in summary.urgent()]
    heads = (w["client"], *([w["owner"]] if owned else []), w["prio"], w["kind"], w["action"])
    return [(w["kinds"], (w["kind"], w["count"]), kinds),
            (w["warnings"], (w["warning"], w["clients"]), warnings),
            (w["urgent"], heads, urgent)]


def summary_table(summary: Summary, lang: str = "en", width: int = 100) -> str:
    buffer = io.StringIO()
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=buffer, width=width, force_terminal=False, color_system=None,
                      highlight=False, soft_wrap=False)
    w = WORDS[lang]
    console.print(Text(_counts(summary, w), style="bold"))
    for line in _left_out(summary, w):
        console.print(Text(escaped_line(line)), soft_wrap=True)
    for heading, columns, rows in _sections(summary, lang):
        table = Table(title=heading, title_justify="left", pad_edge=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(Text(escaped_line(c)) for c in row))
        console.print(table if rows else Text(f"{heading}: {w['none']}"))
    return buffer.getvalue()


def summary_markdown(summary: Summary, lang: str = "en") -> str:
    w = WORDS[lang]
    lines = [f"- {w['read']}: {summary.read}", f"- {w['failed']}: {summary.failed}"]
    if summary.files_failed:
        lines.append(f"- {w['files_failed']}: {summary.files_failed}")
    lines += [f"- {markdown_text(line)}" for line in _left_out(summary, w)]
    lines.append("")
    for heading, columns, rows in _sections(summary, lang):
        lines += [f"### {heading}", ""]
        if not rows:
            lines += [w["none"], ""]
            continue
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(map(markdown_text, row)) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


def _counts(summary: Summary, w: dict[str, str]) -> str:
    counts = f"{w['read']}: {summary.read} · {w['failed']}: {summary.failed}"
    return counts + (f" · {w['files_failed']}: {summary.files_failed}"
                     if summary.files_failed else "")


def _left_out(summary: Summary, w: dict[str, str]) -> list[str]:
    """Each table's columns no client field reads, once, each with the field it may have
    meant (as they are: each format escapes them)."""
    return [f"{w['left_out']}: {path}: {', '.join(_column(c) for c in columns)}"
            for path, columns in summary.left_out.items()]


def _column(column: str) -> str:
    hint = did_you_mean(column, Client.model_fields)
    return column + (f" ({hint})" if hint else "")


def summary_json(summary: Summary) -> str:
    from engine.render.json import versioned

    return versioned(summary.as_dict())


STEP = 100
RENDERERS: dict[str, Callable[[Summary, str], str]] = {
    "table": summary_table, "markdown": summary_markdown,
    "json": lambda summary, lang: summary_json(summary)}


@contextmanager
def progress(lang: str = "en", shown: bool | None = None) -> Iterator[Callable[[], None]]:
    """A ``step()`` to call per client: a progress bar on stderr when it is a terminal, and
    nothing at all in a pipe (or when ``shown`` is False)."""
    if not (sys.stderr.isatty() if shown is None else shown):
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=sys.stderr)
    columns = (TextColumn(WORDS[lang]["progress"]), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None)
        counted = itertools.count(1)

        def step() -> None:  # the bar moves every STEP clients: drawing is not free
            if next(counted) % STEP == 0:
                bar.advance(task, STEP)
        yield step


class ErrorText:
    """A bad client's mistakes on stderr, as ``path:line:col: error[code] message``."""

    def write(self, record: Record, errors: tuple[Diagnostic, ...]) -> None:
        from engine.render.text import diagnostics

        sys.stderr.write(diagnostics(errors))

    def close(self) -> None:
        sys.stderr.flush()
