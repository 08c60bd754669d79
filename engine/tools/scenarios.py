"""Scenarios (``rules/*.test.yaml``): a client on a day, and what must or must not come back.

``run`` reads the scenario files, checks every case's client and expectations against the
knowledge base (mistakes become located diagnostics, like the loader's), runs each valid case
through ``recommend`` and returns results as data: pass or fail per case with its file:line,
each failed expectation in plain words, and the coverage of rules, journey steps and playbook
entries. Rendering is left to the caller (engine/cli/test.py).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from engine.api import evaluate, recommend
from engine.errors import Diagnostic, Location, did_you_mean, one_of, sort_key
from engine.kb.files import SCENARIO_SUFFIX, parse_model, scenario_files, shown_path
from engine.kb.knowledge_base import KnowledgeBase
from engine.language.document import Document, PathKey
from engine.models import Action, Client, Model, Recommendation
from engine.runtime.clients import check_against_kb
from engine.runtime.recommend import Evaluation
from engine.tools.scenario_results import (
    CaseResult,
    CoveredItems,
    Failure,
    ScenarioCoverage,
    TestRun,
)
from engine.vocabulary import STEP_ID_KINDS, STEP_KINDS, ActionKind, Language

# --- the scenario file ---------------------------------------------------------------------

class ReasonText(Model):
    """What the reason of an expected action must and must not say, in one language (any case,
    any kind of space): ``{includes: [payment], excludes: [contract]}``."""

    includes: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    excludes: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> ReasonText:
        if not self.includes and not self.excludes:
            raise ValueError("a reason expectation needs 'includes' or 'excludes'")
        return self


class Present(Model):
    kind: ActionKind
    id: Annotated[str, Field(min_length=1)]
    missing: list[str] | None = None
    reason: dict[Language, ReasonText] | None = None  # per language: words it says, or never

    @model_validator(mode="after")
    def _missing_for_blocked(self) -> Present:
        if self.missing is not None and self.kind != "blocked":
            raise ValueError("'missing' applies only to kind blocked")
        return self


class Absent(Model):
    kind: ActionKind
    id: Annotated[str, Field(min_length=1)]


class Expect(Model):
    present: list[Present] = Field(default_factory=list)
    absent: list[Absent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> Expect:
        if not self.present and not self.absent:
            raise ValueError("expect needs at least one 'present' or 'absent' item")
        return self


class Scenario(Model):
    name: Annotated[str, Field(min_length=1)]
    as_of: dt.date
    client: Client
    expect: Expect
    note: str | None = None


class ScenarioFile(Model):
    scenarios: Annotated[list[Scenario], Field(min_length=1)]


# --- cases ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """A valid scenario and where it is written."""

    location: Location
    scenario: Scenario


# --- reading -------------------------------------------------------------------------------

def files(kb: KnowledgeBase, paths: Sequence[Path] = ()) -> list[Path]:
    """The scenario files to run: the given files and folders, or those of the knowledge base."""
    if not paths:
        return scenario_files(kb.root)
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob(f"*{SCENARIO_SUFFIX}")) if path.is_dir() else [path]
    return found


def read_cases(path: Path, kb: KnowledgeBase) -> tuple[list[Case], list[Diagnostic]]:
    """The valid cases of one file; a case whose client or expectations are wrong is left out."""
    doc, model, problems = parse_model(path, ScenarioFile)
    if model is None:
        return [], problems
    cases = []
    for i, scenario in enumerate(model.scenarios):
        key: PathKey = ("scenarios", i)
        bad = check_against_kb(scenario.client, kb, doc, (*key, "client"))
        bad += _check_expect(scenario, kb, doc, (*key, "expect"))
        problems += bad
        if not bad:
            cases.append(Case(doc.loc(key), scenario))
    return cases, problems


def _check_expect(scenario: Scenario, kb: KnowledgeBase, doc: Document,
                  key: PathKey) -> list[Diagnostic]:
    """Expectations must name things the knowledge base can produce, or they prove nothing."""
    journey = kb.journeys.get(scenario.client.project_type or "")
    steps = journey.step_ids if journey else kb.index.all_steps
    warnings = {a.target for r in kb.rules for a in r.spec.then if a.kind == "warning"}
    known: dict[str, tuple[str, Collection[str]]] = {
        kind: ("journey step", steps) for kind in STEP_ID_KINDS}
    known |= {"communication": ("playbook entry", set(kb.playbook)),
              "warning": ("warning", warnings)}
    problems: list[Diagnostic] = []
    for part in ("present", "absent"):
        for i, item in enumerate(getattr(scenario.expect, part)):
            here = (*key, part, i)
            what, choices = known[item.kind]
            problems += _unknown(doc, (*here, "id"), item.id, choices, what)
            for j, step in enumerate(getattr(item, "missing", None) or ()):
                problems += _unknown(doc, (*here, "missing", j), step, steps, "journey step")
    return problems


def _unknown(doc: Document, key: PathKey, value: str, known: Collection[str],
             what: str) -> list[Diagnostic]:
    if value in known:
        return []
    field = ".".join(str(p) for p in key[2:])
    return [Diagnostic("unknown-value", f"{field}: unknown {what} '{value}'",
                       doc.loc(key), expected=one_of(sorted(known)) if known else f"no {what}s",
                       hint=did_you_mean(value, known))]


def no_scenarios(kb: KnowledgeBase, paths: Sequence[Path]) -> Diagnostic:
    where = ", ".join(shown_path(p) for p in paths) or shown_path(kb.root / "rules")
    return Diagnostic("no-scenarios", f"no scenario files (*{SCENARIO_SUFFIX}) in {where}",
                      Location(where), hint="write scenarios next to the rules, in "
                      "rules/NAME.test.yaml (see docs/authoring.md)")


# --- running -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Ran:
    result: CaseResult
    evaluation: Evaluation
    recommendation: Recommendation
    project_type: str | None


def run_case(case: Case, kb: KnowledgeBase) -> _Ran:
    s = case.scenario
    rec, evaluation = evaluate(s.client, kb=kb, as_of=s.as_of)
    by_lang = {"en": rec.actions}
    for lang in sorted({lang for p in s.expect.present for lang in p.reason or {}} - {"en"}):
        by_lang[lang] = recommend(s.client, kb=kb, as_of=s.as_of, lang=lang).actions
    failures = failed_expectations(s.expect, rec.actions, by_lang)
    return _Ran(CaseResult(case.location, s.name, s.note, failures), evaluation, rec,
                s.client.project_type)


def failed_expectations(expect: Expect, actions: Sequence[Action],
                        by_lang: Mapping[str, Sequence[Action]] | None = None
                        ) -> tuple[Failure, ...]:
    """Every expectation that the actions do not meet, in the order written; ``by_lang``: the
    actions in each language a reason expectation names (English: ``actions``)."""
    langs = {"en": actions, **(by_lang or {})}
    failures: list[Failure | None] = []
    for want in expect.present:
        failures.append(_present(want, actions))
        if failures[-1] is None and want.reason:
            failures += [_reason(want, lang, text, langs.get(lang))
                         for lang, text in want.reason.items()]
    failures += [_absent(avoid, actions) for avoid in expect.absent]
    return tuple(f for f in failures if f is not None)


def _find(actions: Sequence[Action], kind: str, id: str) -> Action | None:
    return next((a for a in actions if (a.kind, a.id) == (kind, id)), None)


def _present(want: Present, actions: Sequence[Action]) -> Failure | None:
    found = _find(actions, want.kind, want.id)
    if found is None:
        same = [a.label() for a in actions if a.id == want.id]
        return Failure(f"{want.kind} {want.id}", "it was not recommended",
                       "; ".join(same) or f"no action for {want.id}")
    if want.missing is None or tuple(want.missing) == found.missing:
        return None
    expected = f"blocked {want.id} (missing: {', '.join(want.missing) or 'nothing'})"
    problem = ("the missing steps are listed in another order (journey order is the rule)"
               if sorted(want.missing) == sorted(found.missing) else "the missing steps differ")
    return Failure(expected, problem, found.label())


def _reason(want: Present, lang: str, text: ReasonText, actions: Sequence[Action] | None
            ) -> Failure | None:
    expected = f"the {lang} reason of {want.kind} {want.id}"
    found = None if actions is None else _find(actions, want.kind, want.id)
    if found is None:  # the same client in another language: only when not asked for
        return Failure(expected, "no advice in that language was given", "nothing")
    said = _plain(found.reason)
    lacks = [w for w in text.includes if _plain(w) not in said]
    has = [w for w in text.excludes if _plain(w) in said]
    if not lacks and not has:
        return None
    problem = "; ".join([*(f"it does not say '{w}'" for w in lacks),
                         *(f"it says '{w}'" for w in has)])
    return Failure(expected, problem, found.reason)


def _plain(text: str) -> str:
    """Text compared as a reader sees it: any case, any space (``12 %`` is written with a
    no-break space in Russian) as one plain space."""
    return " ".join(text.split()).casefold()


def _absent(avoid: Absent, actions: Sequence[Action]) -> Failure | None:
    found = _find(actions, avoid.kind, avoid.id)
    if found is None:
        return None
    label = "rules" if len(found.rules) > 1 else "rule"
    origin = f"{label} {', '.join(found.rules)}" if found.rules else "the journey map"
    return Failure(f"no {avoid.kind} {avoid.id}", "it was recommended",
                   f"{found.label()}, from {origin}")


def scenario_coverage(kb: KnowledgeBase, runs: Iterable[_Ran],
                      scope: Sequence[str] = ()) -> ScenarioCoverage:
    """What the runs covered: of the whole knowledge base, or of the rules files in ``scope``
    (their rules, and the steps and entries those rules propose)."""
    fired: set[str] = set()
    silent: set[str] = set()
    steps: set[str] = set()
    entries: set[str] = set()
    rule_ids, all_steps, all_entries = _universe(kb, scope)
    for ran in runs:
        fired |= set(ran.evaluation.acting)
        silent |= rule_ids - set(ran.evaluation.matched)
        for a in ran.recommendation.actions:
            if a.kind in STEP_KINDS:
                steps.add(f"{ran.project_type}/{a.id}")
            elif a.kind == "communication":
                entries.add(a.id)
    return ScenarioCoverage(_tally(rule_ids, fired), _tally(rule_ids, silent),
                    _tally(all_steps, steps), _tally(all_entries, entries))


def _universe(kb: KnowledgeBase, scope: Sequence[str]) -> tuple[set[str], set[str], set[str]]:
    """The rules, "project_type/step"s and entries coverage counts."""
    all_steps = {f"{pt}/{s}" for pt, j in kb.journeys.items() for s in j.steps}
    if not scope:
        return {r.id for r in kb.rules}, all_steps, set(kb.playbook)
    files = {os.path.abspath(p) for p in scope}
    rules = [r for r in kb.rules if os.path.abspath(kb.locations[f"rule:{r.id}"].path) in files]
    targets = {(a.kind, a.target) for r in rules for a in r.spec.then}
    steps = {s for s in all_steps if any((k, s.split("/")[1]) in targets for k in STEP_KINDS)}
    return {r.id for r in rules}, steps, {t for k, t in targets if k == "communication"}


def paired_rules(kb: KnowledgeBase, scenario_paths: Sequence[Path]) -> tuple[str, ...]:
    """The rules files beside the scenario files (rules/NAME.yaml for rules/NAME.test.yaml),
    when every one of them has one in the knowledge base; else () for the whole KB."""
    rules = os.path.abspath(kb.root / "rules")
    paired = []
    for path in scenario_paths:
        candidate = path.with_name(path.name.removesuffix(SCENARIO_SUFFIX) + ".yaml")
        if os.path.dirname(os.path.abspath(candidate)) != rules or not candidate.is_file():
            return ()
        paired.append(shown_path(candidate))
    return tuple(sorted(set(paired)))


def _tally(everything: set[str], covered: set[str]) -> CoveredItems:
    return CoveredItems(tuple(sorted(everything & covered)), tuple(sorted(everything - covered)))


def run(kb: KnowledgeBase, paths: Sequence[Path] = (), pattern: str | None = None,
        fail_fast: bool = False) -> TestRun:
    """Run the scenarios of ``paths`` (files or folders), or of the knowledge base's rules/;
    only those whose name holds ``pattern`` (any case); with ``fail_fast``, up to the first
    failing one. ScenarioCoverage is of the rules files beside the scenario files given, if any."""
    cases: list[Case] = []
    problems: list[Diagnostic] = []
    targets = files(kb, paths)
    for path in targets:
        found, bad = read_cases(path, kb)
        cases += found
        problems += bad
    if not targets:
        problems.append(no_scenarios(kb, paths))
    chosen = [c for c in cases if pattern is None or pattern.lower() in c.scenario.name.lower()]
    ran: list[_Ran] = []
    for case in chosen:
        ran.append(run_case(case, kb))
        if fail_fast and not ran[-1].result.passed:
            break
    scope = paired_rules(kb, targets) if paths else ()
    return TestRun(tuple(r.result for r in ran), scenario_coverage(kb, ran, scope),
                   tuple(sorted(problems, key=sort_key)), deselected=len(cases) - len(chosen),
                   not_run=len(chosen) - len(ran), scope=scope)
