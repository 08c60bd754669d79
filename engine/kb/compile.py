"""Cross-file checks and compilation: parsed files -> KnowledgeBase, or diagnostics.

Each check returns diagnostics instead of stopping, so ``playbook validate`` shows them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.errors import Diagnostic, Location, did_you_mean
from engine.kb.echoes import without_echoes
from engine.kb.files import Parsed, shown_path
from engine.kb.index import build_index
from engine.kb.journey import Journey, find_cycle
from engine.kb.knowledge_base import CompiledRule, KnowledgeBase
from engine.kb.rule_check import RuleContext, check_sources, holdable
from engine.language import facts as factlib
from engine.language.conditions import tests
from engine.language.document import Document, PathKey
from engine.matchers import build
from engine.models import CrmSettings, JournalSettings, JourneyMapFile, Rule, Step

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
        check_sources(entry.sources, known_sources, doc, (*key, "sources"), problems)
    _check_checklists(parsed, set(entries), problems)
    steps = {s.id for _, f in parsed.journeys for s in f.steps}  # also of broken maps
    registry = factlib.registry({f.project_type for _, f in parsed.journeys},
                                section["services"], steps,
                                {k: v[1] for k, v in section["facts"].items()})
    for _, threshold, doc, key in section["thresholds"].values():
        check_sources(threshold.sources, known_sources, doc, (*key, "sources"), problems)
    ctx = RuleContext(registry=registry,
                      thresholds={k: v[1].value for k, v in section["thresholds"].items()},
                      steps=steps, entries=set(entries), sources=known_sources,
                      problems=problems)
    ctx.holdable = holdable((f for _, f in parsed.journeys), (v[1] for v in entries.values()))
    _check_services(parsed, set(registry["main_channel"].values), problems)
    _check_same_steps(parsed, problems)
    compiled = [ctx.compile(rule, doc, key) for rule, doc, key in _rules(parsed, problems)]
    journal = _journal(parsed, {r.id for _, f in parsed.rules for r in f.rules}, problems)
    crm = _crm(parsed, problems)
    problems[:] = without_echoes(problems, parsed.unsure)
    problems.extend(_empty(parsed))
    if any(p.severity == "error" for p in problems + parsed.problems):
        return None, problems
    parts = _Parts(parsed=parsed, section=section, sources=sources, journeys=journeys,
                   entries=entries, registry=registry, ctx=ctx, journal=journal,
                   crm=crm)
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
    journal: JournalSettings
    crm: CrmSettings | None


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
                                       parts.ctx.thresholds, parts.registry,
                                       {k: t.unit for k, t in thresholds.items()}),
        used_facts=frozenset(parts.ctx.used_facts),
        used_thresholds=frozenset(parts.ctx.used_thresholds),
        locations=_locations(ranked, {"threshold": parts.section["thresholds"],
                                      "fact": parts.section["facts"], "entry": parts.entries},
                             parts.parsed),
        journal=parts.journal, crm=parts.crm)


def _empty(parsed: Parsed) -> list[Diagnostic]:
    """A knowledge base without rules or without journey maps can never advise anyone."""
    if parsed.problems:  # files that did not read are reported instead
        return []
    missing = [(folder, what) for folder, what, found in (
        ("rules", "rule", any(f.rules for _, f in parsed.rules)),
        ("journey_maps", "journey map", bool(parsed.journeys))) if not found]
    return [Diagnostic("empty-knowledge-base", f"the knowledge base has no {what}s",
                       Location(shown_path(parsed.root / folder)),
                       expected=f"at least one {what} in {folder}/*.yaml",
                       hint="start from a copy of the bundled knowledge base")
            for folder, what in missing]


def _check_checklists(parsed: Parsed, entries: set[str], problems: list[Diagnostic]) -> None:
    """A step's ``checklist:`` names a playbook entry."""
    problems.extend(Diagnostic(
        "unknown-playbook-entry", f"unknown playbook entry '{step.checklist}'",
        doc.loc(("steps", i, "checklist")), expected="an entry id from playbooks/",
        hint=did_you_mean(step.checklist, entries))
        for doc, spec in parsed.journeys for i, step in enumerate(spec.steps)
        if step.checklist is not None and step.checklist not in entries)


def _check_services(parsed: Parsed, services: set[str], problems: list[Diagnostic]) -> None:
    """A step's ``service:`` names a service the client facts know."""
    problems.extend(Diagnostic(
        "unknown-service", f"step '{step.id}' starts unknown service '{step.service}'",
        doc.loc(("steps", i, "service")), expected="a service id (services: in a rules file)",
        hint=did_you_mean(step.service, services))
        for doc, spec in parsed.journeys for i, step in enumerate(spec.steps)
        if step.service is not None and step.service not in services)


def _check_same_steps(parsed: Parsed, problems: list[Diagnostic]) -> None:
    """A step id means one thing on every journey: the same category, phase and service in
    every map it appears in (holds name categories and phases, so they must mean the same
    everywhere). Each map that differs from the first to write the step is an error."""
    first: dict[str, tuple[Document, PathKey, str, Step]] = {}
    for doc, spec in sorted(parsed.journeys, key=lambda d: d[0].path):
        for i, step in enumerate(spec.steps):
            found = first.setdefault(step.id, (doc, ("steps", i), spec.project_type, step))
            ref_doc, ref_key, ref_type, ref = found
            if ref_doc is doc:  # the first, or a duplicate in one map (its own mistake)
                continue
            for field in ("category", "phase", "service"):
                mine, theirs = getattr(step, field), getattr(ref, field)
                if mine == theirs:
                    continue
                here, there = (f"'{v}'" if v is not None else "none" for v in (mine, theirs))
                problems.append(Diagnostic(
                    "step-differs", f"step '{step.id}' has {field} {here} here but {there} on "
                    f"the {ref_type} journey", doc.loc(("steps", i, field)),
                    expected=f"the same {field} for '{step.id}' on every journey: {there}",
                    hint=f"holds and reports read a step's {field} the same way on every "
                    f"journey; the {ref_type} step is at {ref_doc.loc(ref_key)}"))


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


def _journal(parsed: Parsed, rules: set[str], problems: list[Diagnostic]) -> JournalSettings:
    """The journal policy: written once, in any rules file; its rule ids must exist."""
    found = unique((("journal", f.journal, d, ("journal",)) for d, f in parsed.rules
                    if f.journal is not None), "section", problems)
    if not found:
        return JournalSettings()
    _, settings, doc, key = found["journal"]
    for rule in settings.rules:
        if rule not in rules:
            problems.append(Diagnostic(
                "unknown-rule", f"the journal's cooldown names unknown rule '{rule}'",
                doc.loc((*key, "rules", rule)), expected="a rule id",
                hint=did_you_mean(rule, rules)))
    return settings  # type: ignore[no-any-return]


def _crm(parsed: Parsed, problems: list[Diagnostic]) -> CrmSettings | None:
    """Where clients' CRM records are (``crm: {url: ...}``): written once, in any rules file."""
    found = unique((("crm", f.crm, d, ("crm",)) for d, f in parsed.rules if f.crm is not None),
                   "section", problems)
    return found["crm"][1] if found else None


def _rules(parsed: Parsed, problems: list[Diagnostic]) -> list[tuple[Rule, Document, PathKey]]:
    items = unique(((r.id, r, d, ("rules", i)) for d, f in parsed.rules
                    for i, r in enumerate(f.rules)), "rule", problems)
    return [(rule, doc, key) for _, rule, doc, key in items.values()]


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
        check_sources(step.sources, known_sources, doc, (*key, "sources"), problems)
        for field in ("after", "after_any"):
            for j, prerequisite in enumerate(getattr(step, field)):
                if prerequisite not in steps:
                    problems.append(Diagnostic(
                        "unknown-prerequisite", f"step '{step.id}' waits for unknown step "
                        f"'{prerequisite}'", doc.loc((*key, field, j)),
                        expected=f"a step of the {spec.project_type} journey",
                        hint=did_you_mean(prerequisite, steps)))
        if len(step.after_any) == 1:
            problems.append(Diagnostic(
                "lone-any-of", f"step '{step.id}' has a single step in 'after_any'",
                doc.loc((*key, "after_any")), expected="two or more alternatives",
                hint="move it to 'after'"))
    cycle = find_cycle(spec)
    if cycle:
        first = steps[cycle[0]][3]
        problems.append(Diagnostic(
            "journey-cycle", f"the journey loops: {' --> '.join(cycle)}", doc.loc(first),
            expected="prerequisites that lead back to the first contact, never in a circle",
            hint="remove one of these 'after' or 'after_any' links"))
    return len(problems) == before
