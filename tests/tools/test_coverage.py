"""The coverage table in the docs is generated from the bundled knowledge base and kept current."""

from __future__ import annotations

import re
from pathlib import Path

import engine
from engine.render import markdown
from engine.tools import coverage

from ..conftest import SMALL_KB, overlay, playbook

DOC = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"


def test_the_coverage_table_in_the_docs_is_current() -> None:
    expected = markdown.coverage(coverage.coverage(engine.default_kb()))
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


def test_an_uncited_item_says_why(tmp_path: Path) -> None:
    kb_dir = overlay(SMALL_KB, SMALL_KB, tmp_path / "kb")
    cited = sorted({k for f in SMALL_KB.rglob("*.yaml")
                    for k in re.findall(r"\bK\d\d\b", f.read_text(encoding="utf-8"))} - {"K50"})
    catalogue = "".join(f"  {k}:\n    title: {{en: item {k}, ru: пункт {k}}}\n" for k in cited)
    (kb_dir / "rules" / "sources.yaml").write_text(
        "sources:\n" + catalogue + "  K50:\n    title: {en: Why segment, ru: Зачем}\n"
        "    not_encoded: {en: The reason the base exists, ru: Причина}\n"
        "  K51:\n    title: {en: Nobody cites this, ru: Никто}\n", encoding="utf-8")
    result = playbook("coverage", "--kb", str(kb_dir))
    assert result.returncode == 0, result.stderr
    rows = {line.split(" | ")[0]: line for line in result.stdout.splitlines()
            if line.startswith("| K")}
    assert rows["| K07"] == ("| K07 | item K07 | `optimise_in_band` | "
                             "`lead_gen/optimise_campaigns` |  |")
    assert rows["| K50"] == "| K50 | Why segment | not encoded: The reason the base exists |  |  |"
    assert rows["| K51"] == "| K51 | Nobody cites this | **not encoded** |  |  |"
    assert f"Encoded: **{len(cited)} of {len(cited) + 2}**." in result.stdout
