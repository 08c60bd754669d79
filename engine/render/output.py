"""What a reporter hands back: the text for standard output and for standard error."""

from __future__ import annotations

from typing import NamedTuple


class Output(NamedTuple):
    out: str = ""
    err: str = ""
