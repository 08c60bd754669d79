"""What a reporter hands back (the text for standard output and for standard error), and text
from clients and people made safe for markdown, where it would otherwise be markup."""

from __future__ import annotations

import re
from typing import NamedTuple

from engine.errors import escaped_line


class Output(NamedTuple):
    out: str = ""
    err: str = ""


# emphasis, code, links and images, HTML and entities, table cells, strikethrough, mentions,
# issue references; and what starts a heading, a list, a quote or a setext underline
_MARKUP = re.compile(r"[\\`*_\[\]<>&|~!@#]")
_LINE_START = re.compile(r"^([+\-=])|^(\d+)([.)])")


def markdown_text(text: str) -> str:
    """Client or person text in markdown (a wiki, a ticket, a pull-request comment) as the text
    it is, on one line: every character that could make markup is backslash-escaped, so no
    emphasis, link, image, HTML, table cell, heading, list or mention comes of it; control
    characters are written as escapes (``escaped_line``)."""
    text = _MARKUP.sub(lambda m: "\\" + m.group(0), text)
    text = _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1)
                           else m.group(2) + "\\" + m.group(3), text)
    return escaped_line(text)
