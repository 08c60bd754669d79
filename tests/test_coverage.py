"""The coverage table in the docs is generated from the bundled knowledge base and kept current."""

from __future__ import annotations

from pathlib import Path

import engine
from engine.cli import main
from engine.tools import coverage

DOC = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"


def test_the_coverage_table_in_the_docs_is_current() -> None:
    expected = coverage.table(engine.default_kb())
    assert DOC.read_text(encoding="utf-8") == expected, \
        "docs/coverage.md is stale: run `playbook coverage --write docs/coverage.md`"


def test_every_domain_item_is_catalogued_and_at_least_50_are_encoded() -> None:
    kb = engine.default_kb()
    assert sorted(kb.sources) == [f"K{i:02d}" for i in range(1, 59)]
    cited = coverage.citations(kb)
    assert len([k for k in kb.sources if k in cited]) >= 50
    for source, item in kb.sources.items():
        assert source in cited or item.not_encoded is not None, f"{source} is neither encoded " \
                                                                "nor explained"


def test_an_uncited_item_says_why(small_kb, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from .conftest import SMALL_KB
    assert main(["coverage", "--kb", str(SMALL_KB)]) == 0
    out = capsys.readouterr().out
    assert "| K07 | " in out and "`optimise_in_band`" in out
    assert "| K50 | " in out and "**not encoded**" in out
