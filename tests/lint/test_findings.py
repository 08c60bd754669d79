"""Lint: warnings for what is valid but almost certainly a mistake.

tests/data/lint_kb is a small knowledge base with one of each finding (see the comments in its
files); its warnings are pinned in tests/data/lint_kb/expected.txt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.language.conditions import All, AnyOf, Test
from engine.lint.reasons import guaranteed
from engine.render.text import diagnostics as diagnostics_text

from ..conftest import DATA, SMALL_KB, golden

LINT_KB = DATA / "lint_kb"


def test_every_finding_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(LINT_KB)
    kb, problems = engine.check(".")
    assert kb is not None, "lint findings are warnings: the knowledge base still loads"
    assert all(p.severity == "warning" for p in problems)
    golden(LINT_KB / "expected.txt", diagnostics_text(problems))


def test_the_loaded_kb_keeps_its_warnings() -> None:
    kb = engine.load(LINT_KB)
    assert sorted({w.code for w in kb.warnings}) == [
        "always-blocked", "band-gap", "band-overlap", "never-proposed", "shadowed-rule",
        "unguaranteed-fact", "unreachable-step", "unused-fact", "unused-playbook-entry",
        "unused-threshold"]


def test_a_kb_with_errors_is_not_linted(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    for folder in ("journey_maps", "playbooks"):
        (tmp_path / folder).symlink_to(LINT_KB / folder)
    (tmp_path / "rules" / "bad.yaml").write_text("rules: nope\n", encoding="utf-8")
    kb, problems = engine.check(tmp_path)
    assert kb is None and {p.severity for p in problems} == {"error"}


def test_a_reason_names_only_facts_its_rule_guarantees() -> None:
    """Present on every path of the condition: all adds up, any keeps what all branches share,
    ``missing`` guarantees nothing, facts derived together come together."""
    tree = All((Test("kpi_deviation_pct", "gt", 10),
                AnyOf((Test("nps", "lte", 6), All((Test("nps", "gt", 8),
                                                   Test("client_since", "exists")))))))
    assert guaranteed(tree) == {"kpi_deviation_pct", "worst_kpi", "kpi_met", "nps",
                                "nps_category"}
    assert guaranteed(AnyOf((Test("nps", "missing"), Test("nps", "gt", 8)))) == frozenset()


def test_the_small_test_kb_has_two_findings() -> None:
    """Its ads warning names the budget, which a client asking for ads may not have given."""
    assert [w.code for w in engine.load(SMALL_KB).warnings] == ["always-blocked",
                                                                "unguaranteed-fact"]


def test_a_step_for_project_types_without_it(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    for folder in ("journey_maps", "playbooks"):
        (kb_dir / folder).mkdir(parents=True)
        for path in (SMALL_KB / folder).iterdir():
            (kb_dir / folder / path.name).write_bytes(path.read_bytes())
    (kb_dir / "rules").mkdir()
    (kb_dir / "rules" / "main.yaml").write_text("""\
rules:
  - id: not_for_leads
    title: {en: T, ru: Т}
    reason: {en: R, ru: Р}
    priority: 5
    sources: [K01]
    when: {project_type: {ne: lead_gen}}
    then:
      - upsell: serm
      - communication: temperament_choleric
""", encoding="utf-8")
    kb = engine.load(kb_dir)
    assert [w.message for w in kb.warnings] == [
        "rule 'not_for_leads' can never propose 'serm': the journeys it applies to (none) have "
        "no such step"]
