"""Plain text for people: diagnostics, explanations, scenario runs, validation summaries.

``TextReporter`` is also the base of the other reporters: a format that has nothing of its own
for a result shows it as text.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeAlias

from engine.errors import Diagnostic, escaped_line
from engine.kb.index import entry_details
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Held, PlaybookEntry, Recommendation
from engine.render.conditions import unmet_text
from engine.render.groups import ALL, Selection
from engine.render.output import Output
from engine.render.words import (
    DROPPED_WHY,
    EXPLAIN_LABELS,
    HEADERS,
    MORE_DIAGNOSTICS,
    TEST_COVERAGE,
)

if TYPE_CHECKING:  # only annotations: a dry run does not import the explain and test tools
    from engine.runtime.guard import Dropped
    from engine.tools.batch import Failed
    from engine.tools.explain import Explanation, RuleOutcome, Unmet
    from engine.tools.scenario_results import CaseResult, ScenarioCoverage, TestRun

Named = tuple[Recommendation, str | None]  # a recommendation and its client's name
Explained: TypeAlias = "tuple[Explanation, str | None]"
WIDTH = 100


def paired(named: Iterable[Named], explanations: Iterable[Explanation] | None
           ) -> Iterator[tuple[Named, Explanation | None]]:
    """Each client's recommendation with its explanation (None when none was asked for)."""
    if explanations is None:
        return ((item, None) for item in named)
    return zip(named, explanations, strict=True)


MOST_DIAGNOSTICS = 50  # shown as text; --format json lists them all


def diagnostics(problems: Iterable[Diagnostic], most: int = MOST_DIAGNOSTICS) -> str:
    """Each mistake on its lines, the first ``most`` of them, then how many more there are (a
    mangled file can make hundreds of thousands: a terminal is no place for them all)."""
    shown: list[str] = []
    more = 0
    for d in problems:
        if len(shown) < most:
            shown.append(d.render() + "\n")
        else:
            more += 1
    return "".join(shown) + (MORE_DIAGNOSTICS.format(n=more) + "\n" if more else "")


class TextReporter:
    name = "text"
    source: dict[str, str] | None = None  # the knowledge base used: {"path", "how"}
    separator = ""  # between two clients' advice

    def diagnostics(self, problems: Sequence[Diagnostic]) -> Output:
        return Output(err=diagnostics(problems))

    def recommendations(self, named: Sequence[Named], kb: KnowledgeBase, lang: str,
                        explanations: Sequence[Explanation] | None = None,
                        view: Selection = ALL, failed: Sequence[Failed] = ()) -> Output:
        """Recommendations for people; the clients that failed go to standard error."""
        parts = list(self.stream(named, kb, lang, explanations, view, failed))
        return Output("".join(p.out for p in parts), "".join(p.err for p in parts))

    def stream(self, named: Iterable[Named], kb: KnowledgeBase, lang: str,
               explanations: Iterable[Explanation] | None = None, view: Selection = ALL,
               failed: Sequence[Failed] = ()) -> Iterator[Output]:
        """``recommendations`` piece by piece, as each client's advice is made: the failed
        clients first, then one piece per client (memory does not grow with their number)."""
        yield Output(err=diagnostics(d for f in failed for d in f.errors))
        for i, (item, ex) in enumerate(paired(named, explanations)):
            text = self.advice([item], kb, lang, None if ex is None else [ex], view)
            yield Output((self.separator if i else "") + text)

    def advice(self, named: Sequence[Named], kb: KnowledgeBase, lang: str,
               explanations: Sequence[Explanation] | None, view: Selection) -> str:
        raise NotImplementedError(self.name)

    def explanations(self, items: Sequence[Explained], lang: str) -> Output:
        return Output(explanation_text(items, lang))

    def test_run(self, run: TestRun) -> Output:
        return Output(test_run_text(run), diagnostics(run.problems))

    def playbook_entry(self, entry: PlaybookEntry, lang: str) -> Output:
        """``playbook show``: one playbook entry in one language."""
        details = entry_details(entry, lang)
        head = f"{details.title} ({entry.id}) · {entry.kind} · {', '.join(entry.sources)}"
        lines = [head, "", *textwrap.wrap(details.summary, WIDTH), ""]
        lines += [line for item in details.items for line in textwrap.wrap(
            item, WIDTH, initial_indent="• ", subsequent_indent="  ")]
        return Output("\n".join(lines).rstrip("\n") + "\n")

    def validation(self, kb: KnowledgeBase | None, problems: Sequence[Diagnostic],
                   strict: bool) -> Output:
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        return Output(_summary(kb, errors, warnings, strict), diagnostics(problems))


def heading(rec: Recommendation, kb: KnowledgeBase, lang: str, name: str | None,
            shown: Callable[[str], str] = escaped_line) -> str:
    """``id (name) · owner · CRM link · as of DAY · kb VERSION`` (``· база знаний VERSION`` in
    Russian): who and where the client is (owner and link when known), for which day and
    knowledge base, the client's words made safe by ``shown``."""
    label = shown(f"{rec.client_id} ({name})" if name else rec.client_id)
    who = "".join(f" · {shown(x)}" for x in (rec.owner, rec.crm_url) if x)
    return (f"{label}{who} · {HEADERS[lang][7]} {day_text(rec.as_of, lang)} · "
            f"{HEADERS[lang][9]} {kb.version}")


def day_text(day: dt.date, lang: str) -> str:
    """A date for people: ISO in English (2026-10-15), words in Russian (15 октября 2026)."""
    if lang == "en":
        return day.isoformat()
    from babel.dates import format_date  # only when a Russian heading is written

    return format_date(day, format="d MMMM y", locale=lang)


def held_groups(rec: Recommendation) -> list[tuple[list[tuple[str, str]], str]]:
    """What the rules held back, as ((title, id) pairs, why): one entry per distinct reason,
    in order."""
    by_reason: dict[str, list[tuple[str, str]]] = {}
    for h in rec.held:
        by_reason.setdefault(h.reason, []).append((h.title, h.id))
    return [(held, why) for why, held in by_reason.items()]


def _summary(kb: KnowledgeBase | None, errors: int, warnings: int, strict: bool) -> str:
    if kb is None:
        return f"{errors} error(s)" + (f", {warnings} warning(s)" if warnings else "") + "\n"
    contents = (f"{len(kb.rules)} rules, {len(kb.journeys)} journey maps, "
                f"{len(kb.playbook)} playbook entries (kb {kb.version})")
    if warnings and strict:
        return f"failed (--strict): {warnings} warning(s) in {contents}\n"
    return f"ok: {contents}" + (f"; {warnings} warning(s)" if warnings else "") + "\n"


# --- explanations --------------------------------------------------------------------------

def explanation_text(items: Sequence[Explained], lang: str = "en") -> str:
    """``playbook explain``: every rule (fired first), blocked chains, groups, dropped steps."""
    words = EXPLAIN_LABELS[lang]
    lines: list[str] = []
    for ex, name in items:
        label = f"{ex.client_id} ({name})" if name else ex.client_id
        lines.append(f"{label} · {HEADERS[lang][7]} {day_text(ex.as_of, lang)} · "
                     f"{HEADERS[lang][9]} {ex.kb_version}")
        for status in ("fired", "suppressed", "not_matched"):
            outcomes = [r for r in ex.rules if r.status == status]
            if outcomes:
                lines.append(words[status])
                lines += [line for r in outcomes for line in _outcome_lines(r, words, lang)]
        lines += _blocked_lines(ex, words) + _group_lines(ex, words) + _dropped_lines(ex, words)
        lines += _held_lines(ex, words)
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")


def _outcome_lines(rule: RuleOutcome, words: dict[str, str], lang: str) -> list[str]:
    lines = [f"  {rule.id} · {rule.title} · {rule.location}"]
    if rule.produced:
        lines.append(f"    {words['produced']}: {'; '.join(rule.produced)}")
    if rule.winner:
        lines.append("    " + words["won_by"].format(group=rule.group, winner=rule.winner))
    if rule.unmet:
        lines += _unmet_lines(rule.unmet, "    ", lang)
    return lines


def _unmet_lines(unmet: Unmet, indent: str, lang: str) -> list[str]:
    if not unmet.alternatives:
        return [indent + unmet_text(unmet, lang)]
    lines = [f"{indent}{unmet_text(unmet, lang)}:"]
    for alternative in unmet.alternatives:
        first, *rest = _unmet_lines(alternative, indent + "  ", lang)
        lines += [f"{indent}- {first.lstrip()}", *rest]
    return lines


def _blocked_lines(ex: Explanation, words: dict[str, str]) -> list[str]:
    lines = [words["blocked"]] if ex.blocked else []
    for b in ex.blocked:
        lines.append("  " + words["asked_by"].format(step=b.step, rules=", ".join(b.rules)))
        lines += [f"    {w.step}: " + (words["waits"].format(steps=", ".join(w.waits_for))
                                      if w.waits_for else words["ready"]) for w in b.missing]
    return lines


def _group_lines(ex: Explanation, words: dict[str, str]) -> list[str]:
    lines = [words["groups"]] if ex.groups else []
    for g in ex.groups:
        lost = "; " + words["lost"].format(rules=", ".join(g.suppressed)) if g.suppressed else ""
        lines.append("  " + words["group"].format(group=g.group, winner=g.winner) + lost)
    return lines


def _dropped_lines(ex: Explanation, words: dict[str, str]) -> list[str]:
    lines = [words["dropped"]] if ex.dropped else []
    lines += ["  " + _asked_for(d, words, ex.lang) for d in ex.dropped]
    return lines


def _asked_for(d: Dropped, words: dict[str, str], lang: str) -> str:
    """``grow_when_met asked for serm: already done, ...``."""
    return words["asked_for"].format(rule=d.rule, step=d.target, why=dropped_why(d, lang))


def dropped_why(d: Dropped, lang: str) -> str:
    """Why a step a rule asked for was dropped, in words."""
    return DROPPED_WHY[lang][d.why].format(journey=d.journey, step=d.target, by=d.by)


def notes_text(rec: Recommendation, lang: str, bullet: str = "") -> str:
    """What the engine ignored in the client's input, one line each (empty if nothing)."""
    label = EXPLAIN_LABELS[lang]["note"]
    return "".join(f"{bullet}{label}: {note}\n" for note in rec.notes)


def _held_lines(ex: Explanation, words: dict[str, str]) -> list[str]:
    lines = [words["held"]] if ex.held else []
    return lines + ["  " + held_text(h, words) for h in ex.held]


def held_text(h: Held, words: dict[str, str], shown: Callable[[str], str] = str) -> str:
    """``serm (Offer SERM): held by optimise_in_band: why`` (the why made safe by ``shown``)."""
    return words["held_by"].format(step=h.id, title=h.title, rules=", ".join(h.rules),
                                   why=shown(h.reason))


def explanation_summary(ex: Explanation, lang: str = "en", bullet: str = "",
                        shown: Callable[[str], str] = str) -> str:
    """After a client's table in ``dry-run --explain``: the rules that fired and were suppressed
    (the reasons, which hold client text, made safe by ``shown``)."""
    words = EXPLAIN_LABELS[lang]
    fired = [f"{r.id} ({r.location})" for r in ex.rules if r.status == "fired"]
    lines = [f"{words['rules_fired']}: " + (", ".join(fired) or words["none"])]
    lines += [f"{words['suppressed']}: {r.id} ({r.location}) · "
              + words["won_by"].format(group=r.group, winner=r.winner)
              for r in ex.rules if r.status == "suppressed"]
    lines += [f"{words['dropped']}: " + _asked_for(d, words, lang) for d in ex.dropped]
    lines += [f"{words['held']}: {held_text(h, words, shown)}" for h in ex.held]
    return "".join(f"{bullet}{line}\n" for line in lines) + "\n"


# --- scenario runs -------------------------------------------------------------------------

def test_run_text(result: TestRun) -> str:
    """The human report: cases, coverage, then notes and the summary line, last."""
    lines = [line for case in result.cases for line in case_lines(case)]
    if result.cases:
        lines += ["", *coverage_lines(result.coverage, result.scope)]
    notes = []
    if result.problems:
        notes.append(f"{len(result.problems)} error(s) in scenario files: those cases did not "
                     "run (see above)")
    if result.deselected:
        notes.append(f"{result.deselected} deselected by -k")
    if result.not_run:
        notes.append(f"{result.not_run} not run: stopped at the first failure (--fail-fast)")
    summary = f"{result.passed} passed, {result.failed} failed"
    return "\n".join([*lines, "", *notes, summary]) + "\n"


def case_lines(case: CaseResult) -> list[str]:
    where = f"{case.location.path}:{case.location.line}"
    title = case.name + (f" — {case.note}" if case.note else "")
    return [f"{'PASS' if case.passed else 'FAIL'}  {where}  {title}",
            *(f"      {failure.message}" for failure in case.failures)]


def coverage_lines(coverage: ScenarioCoverage, scope: Sequence[str] = ()) -> list[str]:
    lines = [f"coverage of {', '.join(scope)}:" if scope else "coverage:"]
    width = max(len(label) for _, label, _ in TEST_COVERAGE) + 1
    for attribute, label, uncovered_word in TEST_COVERAGE:
        tally = getattr(coverage, attribute)
        lines.append(f"  {label + ':':<{width}} {len(tally.covered)}/{tally.total}")
        if tally.uncovered:
            lines += textwrap.wrap(f"{uncovered_word}: {', '.join(tally.uncovered)}", WIDTH,
                                   initial_indent="    ", subsequent_indent="      ",
                                   break_on_hyphens=False)
    return lines
