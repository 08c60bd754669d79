"""`validate --format github` (render/github.py): GitHub Actions annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli import main
from engine.errors import Diagnostic, Location
from engine.render.github import annotation


def test_github_annotations(broken_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "::error file=rules/main.yaml,line=18,col=18,title=unknown-operator::operator '>=' is "
        "unknown%0Aexpected: for 'nps' (a whole number from 0 to 10): one of 'between', 'eq', "
        "'exists', 'gt', "
        "'gte', 'lt', 'lte', 'missing', 'ne', 'none_of', 'one_of'%0Ahint: did you mean 'gte'? "
        "(`>=` is written 'gte' here)")
    assert len([line for line in lines if line.startswith("::error ")]) == 5
    assert lines[-1] == "5 error(s)"


def test_github_escapes_what_would_break_a_command() -> None:
    found = annotation(Diagnostic("c", "100% sure\nreally", Location("a,b:c.yaml", 2, 3),
                                  severity="warning"))
    assert found == "::warning file=a%2Cb%3Ac.yaml,line=2,col=3,title=c::100%25 sure%0Areally"
