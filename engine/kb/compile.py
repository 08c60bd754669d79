"""Cross-file checks and compilation: parsed files -> KnowledgeBase, or diagnostics.

Each check returns diagnostics instead of stopping, so ``playbook validate`` shows them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.errors import Diagnostic, Location, did_you_mean
from engine.kb.files import Parsed
from engine.kb.index import build_index
from engine.kb.journey import Journey, find_cycle
from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.language import facts as factlib
from engine.language import templates
from engine.language import when as parser
from engine.language.conditions import tests
from engine.language.document import Document, PathKey
from engine.matchers import build
from engine.models import JourneyMapFile, Rule
from engine.vocabulary import LANGUAGES, STEP_KINDS

DOMAIN_SOURCES = tuple(f"K{i:02d}" for i in range(1, 59))
Item = tuple[str, Any, Document, PathKey]  # (id, value, where it was written)


def unique(items: Iterable[Item], what: str, problems: list[Diagnostic]) -> dict[str, Item]:
    """Items by id; a second item with the same id is a ``duplicate-id`` error."""
    seen: dict[str, Item] = {}
    for item in items:
        first = seen.get(item[0])
        if first is not None:
            problems.append(Diagnostic(
                "duplicate-id", f"{what} '{item[0]}' is defined twice", item[2].loc(item[3]),
                hint=f"the first definition is at {first[2].loc(first[3])}"))
        else:
            seen[item[0]] = item
    return seen


def compile_kb(parsed: Parsed, matcher: str) -> tuple[KnowledgeBase | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    section = _sections(parsed, problems)
    sources = {k: v[1] for k, v in section["sources"].items()}
    known_sources = set(sources) or set(DOMAIN_SOURCES)
    journeys = _journeys(parsed, known_sources, problems)
    entries = unique(((e.id, e, d, ("entries", i)) for d, f in parsed.playbooks
                      for i, e in enumerate(f.entries)), "playbook entry", problems)
    for _, entry, doc, key in entries.values():
        _check_sources(entry.sources, known_sources, doc, (*key, "sources"), problems)
    _check_checklists(parsed, set(entries), problems)
    steps = {s.id for _, f in parsed.journeys for s in f.steps}  # also of broken maps
    registry = factlib.registry({f.project_type for _, f in parsed.journeys},
                                section["services"], steps,
                                {k: v[1] for k, v in section["facts"].items()})
    for _, threshold, doc, key in section["thresholds"].values():
        _check_sources(threshold.sources, known_sources, doc, (*key, "sources"), problems)
    ctx = RuleContext(registry, {k: v[1].value for k, v in section["thresholds"].items()},
                      steps, set(entries), known_sources, problems)
    compiled = [ctx.compile(rule, doc, key) for rule, doc, key in _rules(parsed, problems)]
    if any(p.severity == "error" for p in problems + parsed.problems):
        return None, problems
    parts = _Parts(parsed, section, sources, journeys, entries, registry, ctx)
    return _assemble(parts, [r for r in compiled if r is not None], matcher), problems


@dataclass(frozen=True)
class _Parts:
    """What the checks found valid, ready to be assembled into a KnowledgeBase."""

    parsed: Parsed
    section: dict[str, Any]
    sources: dict[str, Any]
    journeys: dict[str, Journey]
    entries: dict[str, Item]
    registry: dict[str, Any]
    ctx: RuleContext


def _assemble(parts: _Parts, compiled: list[CompiledRule], matcher: str) -> KnowledgeBase:
    ranked = tuple(sorted(compiled, key=lambda r: (-r.spec.priority, r.id)))
    tested = {t.fact for r in ranked for t in tests(r.tree)}
    slots = tuple(name for name in parts.registry if name in tested)
    playbook = {k: v[1] for k, v in parts.entries.items()}
    thresholds = {k: v[1] for k, v in parts.section["thresholds"].items()}
    return KnowledgeBase(
        root=parts.parsed.root, version=parts.parsed.digest, rules=ranked,
        journeys=parts.journeys, playbook=playbook, thresholds=thresholds,
        sources=parts.sources, facts=parts.registry,
        services=frozenset(parts.registry["main_channel"].values),
        matcher=build(matcher, [r.tree for r in ranked], {n: i for i, n in enumerate(slots)}),
        slots=slots, index=build_index(ranked, parts.journeys, playbook,
                                       parts.ctx.thresholds, parts.registry),
        used_facts=frozenset(parts.ctx.used_facts),
        used_thresholds=frozenset(parts.ctx.used_thresholds),
        locations=_locations(ranked, {"threshold": parts.section["thresholds"],
                                      "fact": parts.section["facts"], "entry": parts.entries},
                             parts.parsed))


def _check_checklists(parsed: Parsed, entries: set[str], problems: list[Diagnostic]) -> None:
    """A step's ``checklist:`` names a playbook entry."""
    problems.extend(Diagnostic(
        "unknown-playbook-entry", f"unknown playbook entry '{step.checklist}'",
        doc.loc(("steps", i, "checklist")), expected="an entry id from playbooks/",
        hint=did_you_mean(step.checklist, entries))
        for doc, spec in parsed.journeys for i, step in enumerate(spec.steps)
        if step.checklist is not None and step.checklist not in entries)


def _locations(rules: Iterable[CompiledRule], items: dict[str, dict[str, Item]],
               parsed: Parsed) -> dict[str, Location]:
    """Where each rule, threshold, fact, playbook entry and journey step is written."""
    where = {f"rule:{r.id}": r.location for r in rules}
    for kind, found in items.items():
        where.update({f"{kind}:{name}": doc.loc(key) for name, (_, _, doc, key) in found.items()})
    for doc, spec in parsed.journeys:
        where.update({f"step:{spec.project_type}:{s.id}": doc.loc(("steps", i))
                      for i, s in enumerate(spec.steps)})
    return where


def _sections(parsed: Parsed, problems: list[Diagnostic]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, what in (("thresholds", "threshold"), ("facts", "fact"), ("sources", "source")):
        out[name] = unique(((k, v, d, (name, k)) for d, f in parsed.rules
                            for k, v in getattr(f, name).items()), what, problems)
    out["services"] = sorted({s for _, f in parsed.rules for s in f.services})
    return out


def _rules(parsed: Parsed, problems: list[Diagnostic]) -> list[tuple[Rule, Document, PathKey]]:
    items = unique(((r.id, r, d, ("rules", i)) for d, f in parsed.rules
                    for i, r in enumerate(f.rules)), "rule", problems)
    return [(rule, doc, key) for _, rule, doc, key in items.values()]


def _check_sources(ids: Iterable[str], known: set[str], doc: Document, key: PathKey,
                   problems: list[Diagnostic]) -> None:
    for i, source in enumerate(ids):
        if source not in known:
            problems.append(Diagnostic(
                "unknown-source", f"unknown source '{source}'", doc.loc((*key, i)),
                expected="a domain item id from the sources catalogue (K01-K58)",
                hint=did_you_mean(source, known)))


def _journeys(parsed: Parsed, known_sources: set[str],
              problems: list[Diagnostic]) -> dict[str, Journey]:
    maps = unique(((f.project_type, f, d, ("project_type",)) for d, f in parsed.journeys),
                  "journey map for project type", problems)
    journeys = {}
    for project_type, spec, doc, _ in maps.values():
        if _check_journey(spec, doc, known_sources, problems):
            journeys[project_type] = Journey(spec)
    return journeys


def _check_journey(spec: JourneyMapFile, doc: Document, known_sources: set[str],
                   problems: list[Diagnostic]) -> bool:
    before = len(problems)
    steps = unique(((s.id, s, doc, ("steps", i)) for i, s in enumerate(spec.steps)),
                   "step", problems)
    for _, step, _, key in steps.values():
        _check_sources(step.sources, known_sources, doc, (*key, "sources"), problems)
        for j, prerequisite in enumerate(step.after):
            if prerequisite not in steps:
                problems.append(Diagnostic(
                    "unknown-prerequisite", f"step '{step.id}' waits for unknown step "
                    f"'{prerequisite}'", doc.loc((*key, "after", j)),
                    expected=f"a step of the {spec.project_type} journey",
                    hint=did_you_mean(prerequisite, steps)))
    cycle = find_cycle(spec)
    if cycle:
        first = steps[cycle[0]][3]
        problems.append(Diagnostic(
            "journey-cycle", f"the journey loops: {' --> '.join(cycle)}", doc.loc(first),
            expected="prerequisites that lead back to the first contact, never in a circle",
            hint="remove one of these 'after' links"))
    return len(problems) == before


class RuleContext:
    """Type-checks rules against the facts, thresholds, steps and playbook entries."""

    def __init__(self, registry: dict[str, Any], thresholds: dict[str, float], steps: set[str],
                 entries: set[str], sources: set[str], problems: list[Diagnostic]) -> None:
        self.registry, self.thresholds = registry, thresholds
        self.steps, self.entries, self.sources = steps, entries, sources
        self.problems = problems
        self.used_facts: set[str] = set()
        self.used_thresholds: set[str] = set()

    def compile(self, rule: Rule, doc: Document, key: PathKey) -> CompiledRule | None:
        before = len(self.problems)
        ctx = parser.Context(doc, self.registry, self.thresholds)
        tree = parser.parse(rule.when, (*key, "when"), ctx)
        self.problems.extend(ctx.problems)
        self.used_facts |= ctx.used_facts
        self.used_thresholds |= ctx.used_thresholds
        _check_sources(rule.sources, self.sources, doc, (*key, "sources"), self.problems)
        self._check_actions(rule, doc, key)
        reason = {lang: self._template(rule, lang, doc, key) for lang in LANGUAGES}
        if len(self.problems) > before:
            return None
        return CompiledRule(rule, tree, reason, doc.loc(key))  # type: ignore[arg-type]

    def _check_actions(self, rule: Rule, doc: Document, key: PathKey) -> None:
        for i, action in enumerate(rule.then):
            where = doc.loc((*key, "then", i, action.kind))
            if action.kind in STEP_KINDS and action.target not in self.steps:
                self.problems.append(Diagnostic(
                    "unknown-step", f"unknown journey step '{action.target}'", where,
                    expected="a step id of a journey map", hint=did_you_mean(action.target,
                                                                             self.steps)))
            if action.kind == "communication" and action.target not in self.entries:
                self.problems.append(Diagnostic(
                    "unknown-playbook-entry", f"unknown playbook entry '{action.target}'",
                    where, expected="an entry id from playbooks/",
                    hint=did_you_mean(action.target, self.entries)))

    def _template(self, rule: Rule, lang: str, doc: Document,
                  key: PathKey) -> templates.Template | None:
        where = doc.loc((*key, "reason", lang))
        try:
            template = templates.parse(rule.reason.get(lang))
        except templates.TemplateError as exc:
            self.problems.append(Diagnostic("bad-template", str(exc), where,
                                            expected="text with {fact} or {$threshold}"))
            return None
        for kind, name in template.names():
            known = self.thresholds if kind == "threshold" else self.registry
            if name not in known:
                self.problems.append(Diagnostic(
                    "bad-template", f"the reason names unknown {kind} '{name}'", where,
                    expected=f"a {kind} name", hint=did_you_mean(name, known)))
            elif kind == "threshold":
                self.used_thresholds.add(name)
        return template

