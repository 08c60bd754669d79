"""One row per piece of advice: the actions of a recommendation grouped for people.

Every reporter groups the same way (the JSON adds each action's group number, so other front
ends can too). The planner's actions are left as they are; this only reads them:

- the actions one rule proposed (the first rule of each action: a warning, the step it asks
  for, what that step waits for, the checklist of the step; several steps with one reason)
  are one group;
- the journey's own next steps, proposed by no rule, are one group;
- the guides on how to talk to this contact (playbook entries of kind ``communication_guide``
  or ``report_format`` that a rule proposed alone, with a reason of their own) are one group.

Groups are numbered from 1 in the order of their first action, which is the actions' order.
No reason is shown twice for a client: a group shows each distinct reason once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Action, Details, Recommendation

CONTACT_ENTRIES = frozenset({"communication_guide", "report_format"})


@dataclass(frozen=True)
class Group:
    number: int
    key: str  # "journey", "contact", or "rule:" + the id of the rule that proposed them
    actions: tuple[Action, ...]

    @property
    def priority(self) -> int:
        return self.actions[0].priority

    @property
    def reasons(self) -> tuple[str, ...]:
        """Each distinct reason once, in the actions' order; a reason that repeats an earlier
        one and adds to it (a blocked step: the rule's reason, then what it waits for) shows
        only what it adds; one that an earlier reason already says in full is left out."""
        shown: list[str] = []
        for reason in dict.fromkeys(a.reason for a in self.actions):
            if any(e.startswith(reason.rstrip(". ")) for e in shown):
                continue
            for earlier in shown:
                stem = earlier.rstrip(". ")
                if reason.startswith(stem):
                    reason = reason[len(stem):].lstrip(". ")
            if reason and reason not in shown:
                shown.append(reason)
        return tuple(shown)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.kind for a in self.actions))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for a in self.actions for s in a.sources}))

    @property
    def missing(self) -> bool:
        return any(a.missing for a in self.actions)

    @property
    def details(self) -> tuple[Details, ...]:
        """The playbook content of the group, each entry once (a step and its checklist)."""
        found = {a.details.entry: a.details for a in self.actions if a.details is not None}
        return tuple(found.values())


def _key(action: Action) -> str:
    return "rule:" + action.rules[0] if action.rules else "journey"


def _contact(actions: list[Action], kb: KnowledgeBase) -> bool:
    """A rule's only action, a guide on how to talk to this person."""
    entry = kb.playbook.get(actions[0].id) if actions[0].kind == "communication" else None
    return len(actions) == 1 and entry is not None and entry.kind in CONTACT_ENTRIES


def groups(actions: Sequence[Action], kb: KnowledgeBase) -> list[Group]:
    members: dict[str, list[Action]] = {}
    for action in actions:
        members.setdefault(_key(action), []).append(action)
    found: dict[str, list[Action]] = {}
    for key, items in members.items():
        found.setdefault("contact" if _contact(items, kb) else key, []).extend(items)
    return [Group(number, key, tuple(items))
            for number, (key, items) in enumerate(found.items(), start=1)]


@dataclass(frozen=True)
class Selection:
    """What the person asked to see: ``--brief``, ``--kind``, ``--top``, ``--ids``."""

    brief: bool = False
    kinds: frozenset[str] | None = None
    top: int | None = None
    ids: bool | None = None  # show step, entry and warning ids; None: the language's default

    def shows_ids(self, lang: str) -> bool:
        """Ids next to the titles: on request (``--ids``), else in English only (a Russian
        reader gets the titles alone)."""
        return self.ids if self.ids is not None else lang == "en"


ALL = Selection()  # everything, with the playbook content


def selected(rec: Recommendation, kb: KnowledgeBase, view: Selection) -> list[Group]:
    """The groups to show: actions of the asked kinds, then the first ``top`` groups."""
    actions = [a for a in rec.actions if view.kinds is None or a.kind in view.kinds]
    found = groups(actions, kb)
    return found if view.top is None else found[:view.top]
