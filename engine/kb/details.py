"""The playbook content actions bring along, built once per knowledge base.

A communication action brings its own entry. A journey step brings the entry its ``checklist:``
key names (``checklist: optimisation_checklist`` on the step in journey_maps/*.yaml; compile
checks that the entry exists) when it is proposed as a next step or an upsell; a blocked step
brings nothing, it cannot be done yet.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.kb.journey import Journey
from engine.models import Details, PlaybookEntry
from engine.vocabulary import LANGUAGES, STEP_KINDS

# (language, project type) -> (action kind, id) -> the details; project type "" has no journey
DetailsTable = dict[tuple[str, str], dict[tuple[str, str], Details]]


def entry_details(entry: PlaybookEntry, lang: str) -> Details:
    return Details(entry=entry.id, title=entry.title.get(lang), summary=entry.summary.get(lang),
                   items=tuple(item.get(lang) for item in entry.items))


def build_details(journeys: Mapping[str, Journey],
                  playbook: Mapping[str, PlaybookEntry]) -> DetailsTable:
    table: DetailsTable = {}
    for lang in LANGUAGES:
        entries = {i: entry_details(e, lang) for i, e in playbook.items()}
        own = {("communication", i): d for i, d in entries.items()}
        table[lang, ""] = own
        for project_type, journey in journeys.items():
            steps = {(kind, step.id): entries[step.checklist] for step in journey.spec.steps
                     if step.checklist in entries for kind in STEP_KINDS}
            table[lang, project_type] = {**own, **steps}
    return table
