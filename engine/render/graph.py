"""A journey picture as text: Mermaid (renders on GitHub and GitLab as is) and Graphviz DOT.

Both lay the journey out left to right, one box per phase; with a client, steps are coloured
by status and a legend explains the colours. No author text reaches either language unescaped.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import textwrap

from engine.errors import escaped
from engine.render.words import LEGEND, ONE_OF
from engine.tools.pictures import STATUSES, Picture, Status, StepBox

WRAP = 24  # characters per line of a step title
# status -> (fill, border, text colour, border width, dashed)
STYLE: dict[Status, tuple[str, str, str, int, bool]] = {
    "done": ("#d8f0d8", "#2e7d32", "#1b4d1e", 1, False),
    "next": ("#fff1b8", "#b26a00", "#4d2e00", 3, False),
    "blocked": ("#fde0e0", "#c62828", "#6b1111", 2, True),
    "todo": ("#ffffff", "#8c8c8c", "#222222", 1, False),
}
# words Mermaid reads as syntax when they stand alone as a node id
MERMAID_WORDS = frozenset({"end", "graph", "flowchart", "subgraph", "style", "class", "classdef",
                           "click", "direction", "linkstyle", "default"})


def lines(step: StepBox) -> list[str]:
    title = step.title + (" ↻" if step.repeatable else "")
    return textwrap.wrap(title, WRAP, break_long_words=False) or [step.id]


def caption(pic: Picture) -> str:
    text = f"{pic.title} ({pic.project_type})"
    if pic.client_id is not None:
        day = f" on {pic.as_of.isoformat()}" if pic.as_of else ""
        text += f": client {escaped(pic.client_id)}{day}"
    return text


# --- Mermaid -------------------------------------------------------------------------------

def mermaid(pic: Picture) -> str:
    title = json.dumps(caption(pic), ensure_ascii=False)  # a YAML string in the front matter
    out = ["---", f"title: {title}", "---", "flowchart LR"]
    for phase in pic.phases:
        out.append(f'  subgraph phase_{phase.id}["{_mermaid_text(phase.id)}"]')
        out += [f'    {_mid(s.id)}["{_mermaid_label(s)}"]' for s in phase.steps]
        out.append("  end")
    out += [f"  {_mid(a)} --> {_mid(b)}" for a, b in pic.edges]
    out += [f"  {_mid(a)} -. {ONE_OF} .-> {_mid(b)}" for a, b in pic.any_edges]
    if pic.client_id is not None:
        out += _mermaid_statuses(pic)
    return "\n".join(out) + "\n"


def _mermaid_statuses(pic: Picture) -> list[str]:
    out = ['  subgraph legend["legend"]', "    direction TB"]
    out += [f'    legend_{s}["{LEGEND[s]}"]' for s in STATUSES]
    out += ['    legend_repeatable["↻ repeatable"]', "  end"]
    for status in STATUSES:
        fill, stroke, color, width, dashed = STYLE[status]
        dash = ",stroke-dasharray:5 4" if dashed else ""
        out.append(f"  classDef {status} fill:{fill},stroke:{stroke},color:{color},"
                   f"stroke-width:{width}px{dash}")
    for status in STATUSES:
        ids = [_mid(s.id) for p in pic.phases for s in p.steps if s.status == status]
        out.append(f"  class {','.join([*ids, f'legend_{status}'])} {status}")
    return out


def _mid(step: str) -> str:
    return f"step_{step}" if step in MERMAID_WORDS else step


def _mermaid_label(step: StepBox) -> str:
    return "<br/>".join(_mermaid_text(line) for line in lines(step))


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and markup as entity codes."""
    for char, code in (("#", "#35;"), ("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"),
                       (">", "#gt;")):
        text = text.replace(char, code)
    return text


# --- DOT -----------------------------------------------------------------------------------

def dot(pic: Picture) -> str:
    out = ["digraph journey {",
           f"  graph [rankdir=LR, nodesep=0.25, ranksep=0.45, fontname=\"Helvetica\", "
           f"labelloc=t, label={_dot_caption(pic)}];",
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, '
           'margin="0.12,0.06"];',
           '  edge [color="#7a7a7a", arrowsize=0.7];']
    for phase in pic.phases:
        out += [f"  subgraph cluster_{phase.id} {{",
                f'    label={_dot_string(phase.id)}; style="rounded,filled"; '
                f'fillcolor="#f4f6f8"; color="#c8ced6"; fontsize=14;']
        out += [f'    "{s.id}" [{_dot_node(s)}];' for s in phase.steps]
        out.append("  }")
    out += [f'  "{a}" -> "{b}";' for a, b in pic.edges]
    out += [f'  "{a}" -> "{b}" [style=dashed, label="{ONE_OF}", fontsize=9];'
            for a, b in pic.any_edges]
    return "\n".join(out) + "\n}\n"


def _dot_node(step: StepBox) -> str:
    fill, stroke, color, width, dashed = STYLE[step.status]
    text = "<BR/>".join(html.escape(line) for line in lines(step))
    label = f'<{text}<BR/><FONT POINT-SIZE="8" COLOR="#5f6b7a">{step.id}</FONT>>'
    style = '"rounded,filled,dashed"' if dashed else '"rounded,filled"'
    return (f'label={label}, fillcolor="{fill}", color="{stroke}", fontcolor="{color}", '
            f"penwidth={width}, style={style}")


def _dot_caption(pic: Picture) -> str:
    """The title on top and, with a client, a legend of the colours under it."""
    title = f'<FONT POINT-SIZE="18">{html.escape(caption(pic))}</FONT>'
    if pic.client_id is None:
        return f"<{title}>"
    cells = []
    for status in STATUSES:
        fill, stroke, color, _, dashed = STYLE[status]
        style = "rounded,dashed" if dashed else "rounded"
        cells.append(f'<TD BGCOLOR="{fill}" COLOR="{stroke}" STYLE="{style}" CELLPADDING="4">'
                     f'<FONT COLOR="{color}">{html.escape(LEGEND[status])}</FONT></TD>')
    legend = ('<TABLE BORDER="0" CELLSPACING="6" CELLBORDER="1"><TR><TD BORDER="0">legend:</TD>'
              + "".join(cells) + '<TD BORDER="0">↻ repeatable</TD></TR></TABLE>')
    return (f'<<TABLE BORDER="0" CELLSPACING="0"><TR><TD>{title}</TD></TR>'
            f'<TR><TD><FONT POINT-SIZE="11">{legend}</FONT></TD></TR></TABLE>>')


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- SVG and PNG, drawn by Graphviz ---------------------------------------------------

INSTALL_HINT = ("install Graphviz (apt install graphviz, brew install graphviz, or "
                "https://graphviz.org/download/); or use --format mermaid or dot")
DOT_SECONDS = 60  # a journey map draws in well under a second


class RenderUnavailable(RuntimeError):
    """Graphviz's ``dot`` program is not installed, or it failed."""


def draw(dot_text: str, fmt: str) -> bytes:
    """SVG or PNG of a DOT text, drawn by Graphviz's ``dot`` program (the only thing needed,
    given the text on its standard input); RenderUnavailable if it is not on PATH or fails."""
    program = shutil.which("dot")
    if program is None:
        raise RenderUnavailable(f"--format {fmt} needs the Graphviz `dot` program, which is "
                                f"not on PATH: {INSTALL_HINT}")
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=dot_text.encode("utf-8"),
                              capture_output=True, timeout=DOT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderUnavailable(f"--format {fmt}: running {program} failed: {exc}") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise RenderUnavailable(f"--format {fmt}: {program} failed: {reason}")
    return done.stdout
