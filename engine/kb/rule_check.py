"""Rules type-checked against the facts, thresholds, steps, playbook entries and holds of the
knowledge base, and compiled into condition trees; every mistake a located diagnostic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.errors import Diagnostic, did_you_mean
from engine.kb.knowledge_base import CompiledRule
from engine.language import templates, when
from engine.language.document import Document, PathKey
from engine.models import JourneyMapFile, PlaybookEntry, Rule
from engine.vocabulary import LANGUAGES, STEP_KINDS


def check_sources(ids: Iterable[str], known: set[str], doc: Document, key: PathKey,
                   problems: list[Diagnostic]) -> None:
    for i, source in enumerate(ids):
        if source not in known:
            problems.append(Diagnostic(
                "unknown-source", f"unknown source '{source}'", doc.loc((*key, i)),
                expected="a domain item id from the sources catalogue (K01-K58)",
                hint=did_you_mean(source, known)))


# "step" | "category" | "phase" -> name -> step ids; "entry_category" -> name -> entry ids
Holdable = dict[str, dict[str, set[str]]]


def holdable(maps: Iterable[JourneyMapFile], entries: Iterable[PlaybookEntry] = ()) -> Holdable:
    """What a hold may name: step ids, categories and phases of any journey map, each with the
    steps it stands for, and the categories of the playbook entries, with their entries."""
    out: Holdable = {"step": {}, "category": {}, "phase": {}, "entry_category": {}}
    for spec in maps:
        for s in spec.steps:
            for what, name in (("step", s.id), ("category", s.category), ("phase", s.phase)):
                out[what].setdefault(name, set()).add(s.id)
    for entry in entries:
        out["entry_category"].setdefault(entry.category, set()).add(entry.id)
    return out


class RuleContext:
    """Type-checks rules against the facts, thresholds, steps and playbook entries."""

    def __init__(self, *, registry: dict[str, Any], thresholds: dict[str, float],
                 steps: set[str], entries: set[str], sources: set[str],
                 problems: list[Diagnostic]) -> None:
        self.registry, self.thresholds = registry, thresholds
        self.steps, self.entries, self.sources = steps, entries, sources
        self.problems = problems
        self.used_facts: set[str] = set()
        self.used_thresholds: set[str] = set()
        self.holdable: Holdable = {"step": {}, "category": {}, "phase": {}, "entry_category": {}}

    def compile(self, rule: Rule, doc: Document, key: PathKey) -> CompiledRule | None:
        before = len(self.problems)
        ctx = when.Context(doc, self.registry, self.thresholds)
        tree = when.tree(rule.when, (*key, "when"), ctx)
        self.problems.extend(ctx.problems)
        self.used_facts |= ctx.used_facts
        self.used_thresholds |= ctx.used_thresholds
        check_sources(rule.sources, self.sources, doc, (*key, "sources"), self.problems)
        self._check_actions(rule, doc, key)
        self._check_hold(rule, doc, key)
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

    def _check_hold(self, rule: Rule, doc: Document, key: PathKey) -> None:
        """Every name in a hold is known (a category of a journey step or of a playbook entry);
        a rule never holds a step or an entry it proposes itself."""
        if rule.hold is None:
            return
        held: set[str] = set()
        entries: set[str] = set()
        for what in ("step", "category", "phase"):
            known = self.holdable[what]
            of_entries = self.holdable["entry_category"] if what == "category" else {}
            for i, name in enumerate(rule.hold.names(what)):
                if name in known or name in of_entries:
                    held |= known.get(name, set())
                    entries |= of_entries.get(name, set())
                    continue
                choices = {*known, *of_entries}
                self.problems.append(Diagnostic(
                    f"unknown-hold-{what}", f"the hold names unknown {what} '{name}'",
                    doc.loc((*key, "hold", what, i)), expected=f"a {what} of a journey map"
                    + (" or of a playbook entry" if what == "category" else ""),
                    hint=did_you_mean(name, choices)))
        for i, action in enumerate(rule.then):
            own = held if action.kind in STEP_KINDS else entries
            if action.kind != "warning" and action.target in own:
                self.problems.append(Diagnostic(
                    "holds-own-step", f"rule '{rule.id}' proposes '{action.target}' and holds "
                    f"it back at the same time", doc.loc((*key, "then", i, action.kind)),
                    expected="a hold that leaves the rule's own steps and entries out",
                    hint="narrow the hold to other steps, or propose another step"))

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

