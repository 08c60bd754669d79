"""Results of a scenario run, as data: pass or fail per case, failures in plain words, coverage.

Produced by engine/tools/scenarios.py; rendered by engine/render/ (text, JSON, JUnit XML).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from engine.errors import Diagnostic, Location


@dataclass(frozen=True)
class Failure:
    """One expectation that did not hold: what was expected, what went wrong, what came back."""

    expected: str
    problem: str
    got: str

    @property
    def message(self) -> str:
        return f"expected {self.expected}, but {self.problem}; got: {self.got}"

    def as_dict(self) -> dict[str, str]:
        return {"expected": self.expected, "problem": self.problem, "got": self.got,
                "message": self.message}


@dataclass(frozen=True)
class CaseResult:
    location: Location
    name: str
    note: str | None
    failures: tuple[Failure, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.location.path, "line": self.location.line, "name": self.name,
                "note": self.note, "passed": self.passed,
                "failures": [f.as_dict() for f in self.failures]}


@dataclass(frozen=True)
class CoveredItems:
    """Which items of a kind were covered and which were not, both sorted."""

    covered: tuple[str, ...]
    uncovered: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.uncovered)

    def as_dict(self) -> dict[str, Any]:
        return {"covered": len(self.covered), "total": self.total,
                "uncovered": list(self.uncovered)}


@dataclass(frozen=True)
class ScenarioCoverage:
    rules_fired: CoveredItems  # acted in at least one case
    rules_silent: CoveredItems  # did not match in at least one case
    steps_proposed: CoveredItems  # "project_type/step" proposed as next_step or upsell
    entries_surfaced: CoveredItems  # playbook entries recommended as communication

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name).as_dict() for f in fields(self)}


@dataclass(frozen=True)
class TestRun:
    cases: tuple[CaseResult, ...]
    coverage: ScenarioCoverage
    problems: tuple[Diagnostic, ...]  # bad scenario files: their cases did not run
    deselected: int = 0  # cases left out by -k
    not_run: int = 0  # cases left after the first failure with --fail-fast
    scope: tuple[str, ...] = ()  # the rules files coverage counts; empty: the whole KB

    __test__ = False  # not a pytest class

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def failed(self) -> int:
        return len(self.cases) - self.passed

    @property
    def ok(self) -> bool:
        return not self.problems and self.passed == len(self.cases)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "passed": self.passed, "failed": self.failed,
                "total": len(self.cases), "deselected": self.deselected, "not_run": self.not_run,
                "coverage_of": list(self.scope) or None,
                "cases": [c.as_dict() for c in self.cases],
                "coverage": self.coverage.as_dict(),
                "diagnostics": [d.as_dict() for d in self.problems]}
