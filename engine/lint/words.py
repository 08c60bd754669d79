"""Lint of the words people read: a playbook entry's title that the text shown right after it
only says again (``title-repeats``): the entry's summary ("Title: summary" under a step), or
the reason of a rule that proposes the guide alone (the guides on how to talk to this contact
are shown as "**Contact who knows the basics.** The contact knows the basics. ...").

A text repeats a title when its first clause (up to the first ``.``, ``:``, ``;`` or dash) is
mostly the title again: at least two of the title's words of four letters or more, two thirds
of them, and half of the clause's own such words, compared by their first four letters (so
"decides" and "decisions", "решает" and "решения" match), in the same language.

The reason of a rule that proposes a guide alone and the guide's summary are shown one under the
other; the reason says again what the summary says (``reason-repeats-summary``) when it holds at
least four of the summary's such words and half of them: the reason should say what applies to
this client, the summary what the guide is about.

A rule whose warning tells the reader to stop, limit, go back, talk the client out of something
or wait ("not yet") holds what that advice contradicts (docs/authoring.md, Holds); one that holds
nothing is reported (``warning-holds-nothing``), unless the advice is only to wait and the rule
tests a step that is not done: then the journey's order already keeps back what depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.errors import Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.lint.prover import top_tests
from engine.vocabulary import LANGUAGES

WORD = re.compile(r"\w+")
GUIDES = ("communication_guide", "report_format")  # engine/render/groups.py: the contact's row
CLAUSE = re.compile(r"[.:;!?\u2014]| - ")


def _stems(text: str) -> list[str]:
    return [w[:4] for w in WORD.findall(text.lower()) if len(w) >= 4]


def repeats(title: str, text: str) -> bool:
    """Whether the first clause of ``text`` says ``title`` again."""
    words = _stems(title)
    clause = _stems(CLAUSE.split(text, maxsplit=1)[0])
    found = [w for w in words if w in set(clause)]
    return (len(found) >= 2 and 3 * len(found) >= 2 * len(words)
            and 2 * len(found) >= len(clause))


# what a warning says when its advice is to stop something, per language; the last group: wait
STOP = {
    "en": re.compile(r"\b(?:(stop|limit (?:the|its|his|their|your|scope|work)|go back"
                     r"|talk (?:\w+ ){0,3}out of)|(not yet))\b", re.IGNORECASE),
    "ru": re.compile(r"(?:(остановите|ограничьте|ограничить|вернитесь|отговорите)"
                     r"|(пока рано|ещё не время))", re.IGNORECASE),
}


def stop_words(text: str, lang: str, waits_on_a_step: bool) -> str | None:
    """The words of ``text`` that tell the reader to stop (to wait only, unless the rule
    ``waits_on_a_step``), or None."""
    for m in STOP[lang].finditer(text):
        if m.group(1) or not waits_on_a_step:
            return m.group(0)
    return None


def unheld_warnings(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    for rule in kb.rules:
        if rule.spec.hold is not None or all(a.kind != "warning" for a in rule.spec.then):
            continue
        waits = any(t.fact == "completed_steps" and t.op == "excludes"
                    for t in top_tests(rule.tree))
        for lang in LANGUAGES:
            words = stop_words(rule.spec.reason.get(lang), lang, waits)
            if words is not None:
                yield Diagnostic(
                    "warning-holds-nothing", f"the warning of rule '{rule.id}' says "
                    f"'{words}' ({lang}) but the rule holds nothing", rule.location,
                    hint="add a hold naming the steps, categories or playbook entries its "
                         "advice contradicts (docs/authoring.md, Holds)", severity="warning")
                break


def repeats_summary(reason: str, summary: str) -> bool:
    """Whether ``reason`` says again most of what ``summary`` says."""
    words = set(_stems(summary))
    shared = words & set(_stems(reason))
    return len(shared) >= 4 and 2 * len(shared) >= len(words)


def repeated_titles(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    for entry_id, entry in kb.playbook.items():
        for lang in LANGUAGES:
            if repeats(entry.title.get(lang), entry.summary.get(lang)):
                yield Diagnostic(
                    "title-repeats", f"the summary of playbook entry '{entry_id}' ({lang}) "
                    f"says its title again: '{entry.title.get(lang)}'",
                    kb.locations.get(f"entry:{entry_id}"),
                    hint="let the summary say what the title does not", severity="warning")
    for rule in kb.rules:
        for action in rule.spec.then:
            guide = kb.playbook.get(action.target) if action.kind == "communication" else None
            if guide is None or guide.kind not in GUIDES or len(rule.spec.then) > 1:
                continue  # only a guide proposed alone is shown right under its title
            for lang in LANGUAGES:
                title = guide.title.get(lang)
                if repeats(title, rule.spec.reason.get(lang)):
                    yield Diagnostic(
                        "title-repeats", f"the reason of rule '{rule.id}' ({lang}) opens with "
                        f"the title of the guide it proposes: '{title}'", rule.location,
                        hint="start the reason with the advice; the guide's title is shown "
                             "right before it", severity="warning")
                if repeats_summary(rule.spec.reason.get(lang), guide.summary.get(lang)):
                    yield Diagnostic(
                        "reason-repeats-summary", f"the reason of rule '{rule.id}' ({lang}) "
                        f"says again what the summary of guide '{guide.id}' says, shown right "
                        "under it", rule.location,
                        hint="let the reason say what applies to this client and the summary "
                             "what the guide is about", severity="warning")
