"""JSON for programs: one style (UTF-8, indent 2, ISO dates; control and invisible formatting
characters as ``\\uXXXX`` escapes) for every document the CLI prints.

Each function turns one kind of result into JSON-ready data; ``document`` writes it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, fields, is_dataclass
from typing import Any

from pydantic import BaseModel

from engine.errors import Diagnostic, escaped_json
from engine.kb.index import entry_details
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import PlaybookEntry, Recommendation
from engine.render.conditions import unmet_text
from engine.render.groups import ALL, Selection, selected
from engine.render.output import Output
from engine.render.text import Explained, Named, TextReporter, dropped_why, paired
from engine.tools.batch import Failed
from engine.tools.contract import json_header
from engine.tools.explain import Explanation, RuleOutcome, Unmet
from engine.tools.pictures import Picture
from engine.tools.scenario_results import (
    CaseResult,
    CoveredItems,
    Failure,
    ScenarioCoverage,
    TestRun,
)


def document(data: Any) -> str:
    return escaped_json(json.dumps(plain(data), ensure_ascii=False, indent=2, default=str)) + "\n"


def plain(value: Any) -> Any:
    """JSON-ready data: models dumped, dataclasses as dicts, sets sorted into lists, tuples as
    lists, dates as ISO text."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def diagnostics(problems: Iterable[Diagnostic]) -> list[dict[str, object]]:
    return [d.as_dict() for d in problems]


def versioned(data: Mapping[str, Any]) -> str:
    """A JSON document of the CLI: format_version and engine_version first."""
    return document({**json_header(), **data})


def errors(problems: Iterable[Diagnostic]) -> str:
    """The error document (``playbook schema errors``)."""
    return versioned({"errors": diagnostics(problems)})


def recommendations(recs: Sequence[Recommendation], kb: KnowledgeBase,
                    explanations: Sequence[Explanation] | None = None, view: Selection = ALL,
                    failed: Sequence[Failed] = ()) -> dict[str, Any]:
    """The document of ``playbook schema recommendation``: every action (of the kinds and rows
    asked for), each with the number of the group it is shown in."""
    exs = explanations if explanations is not None else [None] * len(recs)
    return {"recommendations": [item(rec, kb, view, ex) for rec, ex in zip(recs, exs, strict=True)],
            "failed": failed_items(failed)}


def item(rec: Recommendation, kb: KnowledgeBase, view: Selection,
         ex: Explanation | None) -> dict[str, Any]:
    """One client's entry of that document."""
    data = rec.model_dump(mode="json")
    number = {id(a): g.number for g in selected(rec, kb, view) for a in g.actions}
    data["actions"] = [{**a.model_dump(mode="json"), "group": number[id(a)]}
                       for a in rec.actions if id(a) in number]
    if ex is not None:
        data["explanation"] = explanation(ex)
    return data


def failed_items(failed: Sequence[Failed]) -> list[dict[str, Any]]:
    return [{"path": f.path, "client_id": f.client_id, "errors": diagnostics(f.errors)}
            for f in failed]


def streamed(key: str, items: Iterable[Any], tail: Mapping[str, Any]) -> Iterator[str]:
    """The text ``versioned({key: [*items], **tail})`` writes, one item at a time."""
    head = "".join(f"{_member(k, v)},\n" for k, v in json_header().items())
    yield f"{{\n{head}  {json.dumps(key)}: ["
    count = 0
    for count, value in enumerate(items, 1):
        yield ("," if count > 1 else "") + "\n    " + _nested(value, 2)
    yield ("\n  ]" if count else "]") + "".join(f",\n{_member(k, v)}" for k, v in tail.items())
    yield "\n}\n"


def _member(key: str, value: Any) -> str:
    return f"  {escaped_json(json.dumps(key, ensure_ascii=False))}: {_nested(value, 1)}"


def _nested(value: Any, depth: int) -> str:
    return document(value).rstrip("\n").replace("\n", "\n" + "  " * depth)


def explanation(ex: Explanation) -> dict[str, Any]:
    data = {f.name: getattr(ex, f.name) for f in fields(ex)
            if f.name not in ("lang", "rules", "dropped")}
    data["rules"] = [_outcome(r, ex.lang) for r in ex.rules]
    data["dropped"] = [{"rule": d.rule, "step": d.target, "why": dropped_why(d, ex.lang),
                        "code": d.why} for d in ex.dropped]
    order = [f.name for f in fields(ex) if f.name != "lang"]
    return {name: plain(data[name]) for name in order}


def _outcome(rule: RuleOutcome, lang: str) -> dict[str, Any]:
    data = plain({f.name: getattr(rule, f.name) for f in fields(rule) if f.name != "unmet"})
    at = list(data).index("produced")
    items = list(data.items())
    items.insert(at, ("unmet", _unmet(rule.unmet, lang) if rule.unmet else None))
    return dict(items)


def _unmet(unmet: Unmet, lang: str) -> dict[str, Any]:
    return {"text": unmet_text(unmet, lang), "fact": unmet.fact, "op": unmet.op,
            "wanted": plain(unmet.wanted), "actual": plain(unmet.actual),
            "alternatives": [_unmet(a, lang) for a in unmet.alternatives]}


def picture(pic: Picture) -> dict[str, Any]:
    data: dict[str, Any] = plain(pic)
    return {**json_header(), **data}


def test_run(run: TestRun) -> dict[str, Any]:
    return {"ok": run.ok, "passed": run.passed, "failed": run.failed, "total": len(run.cases),
            "deselected": run.deselected, "not_run": run.not_run,
            "cases": [_case(c) for c in run.cases], "coverage": _coverage(run.coverage),
            "coverage_of": list(run.scope) or None,
            "diagnostics": diagnostics(run.problems)}


def _case(case: CaseResult) -> dict[str, Any]:
    return {"path": case.location.path, "line": case.location.line, "name": case.name,
            "note": case.note, "passed": case.passed,
            "failures": [_failure(f) for f in case.failures]}


def _failure(failure: Failure) -> dict[str, str]:
    return {"expected": failure.expected, "problem": failure.problem, "got": failure.got,
            "message": failure.message}


def _coverage(coverage: ScenarioCoverage) -> dict[str, Any]:
    return {f.name: _tally(getattr(coverage, f.name)) for f in fields(coverage)}


def _tally(tally: CoveredItems) -> dict[str, Any]:
    return {"covered": len(tally.covered), "total": tally.total,
            "uncovered": list(tally.uncovered)}


class JsonReporter(TextReporter):
    name = "json"

    def diagnostics(self, problems: Sequence[Diagnostic]) -> Output:
        return Output(errors(problems))

    def stream(self, named: Iterable[Named], kb: KnowledgeBase, lang: str,
               explanations: Iterable[Explanation] | None = None, view: Selection = ALL,
               failed: Sequence[Failed] = ()) -> Iterator[Output]:
        """The document of ``recommendations``, written one client at a time."""
        items = (item(rec, kb, view, ex) for (rec, _), ex in paired(named, explanations))
        for text in streamed("recommendations", items, {"failed": failed_items(failed)}):
            yield Output(text)

    def explanations(self, items: Sequence[Explained], lang: str) -> Output:
        return Output(versioned({"explanations": [explanation(ex) for ex, _ in items]}))

    def test_run(self, run: TestRun) -> Output:
        return Output(versioned({**test_run(run), **self._kb()}))

    def _kb(self) -> dict[str, Any]:
        return {"kb": self.source} if self.source is not None else {}

    def playbook_entry(self, entry: PlaybookEntry, lang: str) -> Output:
        return Output(versioned({"entry": {"kind": entry.kind, "sources": entry.sources,
                                           **entry_details(entry, lang).model_dump(mode="json")}}))

    def validation(self, kb: KnowledgeBase | None, problems: Sequence[Diagnostic],
                   strict: bool) -> Output:
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        return Output(versioned({
            "ok": not (errors or (strict and warnings)), "kb_version": kb.version if kb else None,
            "errors": errors, "warnings": warnings, "diagnostics": diagnostics(problems),
            **self._kb()}))
