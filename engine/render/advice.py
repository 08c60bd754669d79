"""A group of actions as text for people: the parts the table and markdown both show."""

from __future__ import annotations

from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Action, Details
from engine.render.groups import Group
from engine.render.words import EXPLAIN_LABELS, GROUP_WORDS, HEADERS, KIND_LABEL


def kinds(group: Group, lang: str) -> list[str]:
    return [KIND_LABEL[lang][k] for k in group.kinds]


def members(group: Group, lang: str) -> list[tuple[str, str]]:
    """(title, id) of what to do; the contact's guides under one label, the journey's own
    steps as one line of titles and one of ids."""
    if group.key == "contact":
        return [(GROUP_WORDS[lang]["contact"], ", ".join(a.id for a in group.actions))]
    if group.key == "journey":
        return [("; ".join(a.title for a in group.actions),
                 ", ".join(a.id for a in group.actions))]
    return [(a.title, a.id) for a in group.actions]


def sections(group: Group, brief: bool) -> list[tuple[str | None, str, list[Details]]]:
    """(title, reason, details) paragraphs of the why: one per guide for the contact group
    (title, its reason, its entry), one per reason for any other group, every entry once after
    the last."""
    if group.key == "contact":
        return [(a.title, a.reason, [] if brief or a.details is None else [a.details])
                for a in group.actions]
    shown = [] if brief or group.key == "journey" else list(group.details)  # journey: compact
    *first, last = group.reasons
    return [*((None, reason, []) for reason in first), (None, last, shown)]


def details_lines(details: Details, bullet: str = "• ", titled: bool = True) -> list[str]:
    """The summary (after the entry's title, unless the row already shows it) and the items."""
    first = f"{details.title}: {details.summary}" if titled else details.summary
    return [first, *(bullet + item for item in details.items)]


def waiting_lines(group: Group, lang: str) -> list[str]:
    """What each blocked step of the group waits for."""
    return [f"{a.id} — {HEADERS[lang][6]}: {waiting_for(a, lang)}"
            for a in group.actions if a.missing or a.missing_one_of]


def waiting_for(a: Action, lang: str) -> str:
    """The missing steps of a blocked action, any-of groups as ``one of a / b``."""
    one_of = EXPLAIN_LABELS[lang]["one_of"]
    return ", ".join([*a.missing, *(one_of.format(steps=" / ".join(g))
                                    for g in a.missing_one_of)])



def rules(group: Group, kb: KnowledgeBase, lang: str) -> list[str]:
    ids = dict.fromkeys(r for a in group.actions for r in a.rules)
    return [rule_line(kb, r) for r in ids] or [GROUP_WORDS[lang]["journey_map"]]


def rule_line(kb: KnowledgeBase, rule_id: str) -> str:
    where = kb.locations.get(f"rule:{rule_id}")
    return f"{rule_id} ({where})" if where else rule_id


