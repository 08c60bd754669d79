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


def test_every_domain_item_is_behaviour_or_says_why_it_is_prose_only() -> None:
    """Each K item says when it must act and a passing scenario shows advice citing it, or
    the catalogue says why it cannot be advice about one client."""
    kb = engine.default_kb()
    assert sorted(kb.sources) == [f"K{i:02d}" for i in range(1, 59)]
    table = coverage.coverage(kb)
    for item in table.items:
        if item.not_encoded is None:
            assert item.behaviour, f"{item.id} is cited but no scenario shows it acting"
            assert item.acts_when, f"{item.id} does not say when it acts"
        else:
            assert not item.rules and not item.steps, f"{item.id} is cited and not encoded"
    assert (table.behaviour, table.prose_only) == (56, 2)
    assert [i.id for i in table.items if not i.behaviour] == ["K50", "K51"]


def test_a_scenario_shows_an_item_only_through_an_action_it_expects() -> None:
    kb = engine.default_kb()
    shown = coverage.shown_by(kb)
    names = {s.name for s in shown["K49"]}
    assert "a client of two years never agreed a report format - agree it now" in names
    assert all(s.location.startswith("rules/") for s in shown["K49"])
    assert "K50" not in shown


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
    assert rows["| K07"].startswith("| K07 | item K07 |  | `optimise_in_band` | "
                                    "`optimise_campaigns` (every journey) |  | CPL 12% worse "
                                    "than target after launch -\\> optimise (")  # a scenario
    assert rows["| K50"] == ("| K50 | Why segment | prose only: The reason the base exists |  |"
                             "  |  |  |")
    assert rows["| K51"] == ("| K51 | Nobody cites this | prose only: **nothing cites it** |  |"
                             "  |  |  |")
    behaviour = [k for k, row in rows.items() if not row.split(" | ")[2].startswith("prose")]
    assert f"Behaviour: **{len(behaviour)} of {len(cited) + 2}**" in result.stdout
