"""The impact of a knowledge-base change on a portfolio, before it is merged.

Both knowledge bases recommend for the same clients on the same day; their actions are compared
keyed by (client, kind, id). An action only the new base gives is ``added``, one only the base
gave is ``removed``, one both give with a different priority, reason, title, missing steps,
sources or rules is ``changed`` (the fields are named). A client is affected when any of its
actions is. Results are data (pydantic models, so ``playbook schema impact`` publishes them);
engine/render/impact.py writes them for people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import Field

from engine.errors import ClientError, Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Action, Client, Model
from engine.runtime.recommend import recommend
from engine.vocabulary import KIND_ORDER

FORMAT_VERSION = 1
COMPARED = ("priority", "reason", "title", "missing", "sources", "rules")
Change = Literal["added", "removed", "changed"]
Key = tuple[str, str]  # (kind, id) within one client


class ActionChange(Model):
    client_id: str
    kind: str
    id: str
    change: Change
    fields: tuple[str, ...] = ()  # changed: which of COMPARED differ
    before: Action | None = None
    after: Action | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules behind either side, before first."""
        sides = [side.rules for side in (self.before, self.after) if side is not None]
        return tuple(dict.fromkeys(rule for rules in sides for rule in rules))


class Tally(Model):
    added: int = 0
    removed: int = 0
    changed: int = 0

    def plus(self, change: Change) -> Tally:
        return self.model_copy(update={change: getattr(self, change) + 1})


class Segment(Model):
    fact: str
    value: str
    clients: int
    affected: int

    @property
    def pct(self) -> float:
        return 100 * self.affected / self.clients if self.clients else 0.0


class ImpactReport(Model):
    format_version: int = FORMAT_VERSION
    base_kb: str
    new_kb: str
    as_of: dt.date
    clients: int
    clients_affected: int
    affected_pct: float  # of the clients compared, rounded to 0.01
    totals: Tally
    by_kind: dict[str, Tally]
    by_rule: dict[str, Tally]
    segments: list[Segment]  # most affected share first
    changes: list[ActionChange]  # clients in input order; kind order, then id
    errors: list[dict[str, Any]] = Field(default_factory=list)  # clients not compared, why


def diff(client_id: str, before: Sequence[Action], after: Sequence[Action]
         ) -> list[ActionChange]:
    """The changes between two recommendations of one client, keyed by (kind, id)."""
    old = {(a.kind, a.id): a for a in before}
    new = {(a.kind, a.id): a for a in after}
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            change: Change = "added" if a is None else "removed"
            changes.append(ActionChange(client_id=client_id, kind=key[0], id=key[1],
                                        change=change, before=a, after=b))
            continue
        fields = tuple(f for f in COMPARED if getattr(a, f) != getattr(b, f))
        if fields:
            changes.append(ActionChange(client_id=client_id, kind=key[0], id=key[1],
                                        change="changed", fields=fields, before=a, after=b))
    return sorted(changes, key=lambda c: (KIND_ORDER[c.kind], c.id))


def impact(base: KnowledgeBase, new: KnowledgeBase, clients: Iterable[Client],
           as_of: dt.date, by: Sequence[str] = (), lang: str = "en") -> ImpactReport:
    """Recommend with both knowledge bases for every client and compare."""
    seen, changes, errors = [], [], []
    for client in clients:
        try:
            before = recommend(client, kb=base, as_of=as_of, lang=lang).actions
            after = recommend(client, kb=new, as_of=as_of, lang=lang).actions
        except ClientError as exc:
            errors.append(_error(client, exc.diagnostics))
            continue
        seen.append(client)
        changes += diff(client.id, before, after)
    return summarise(base, new, as_of, seen, changes, by, errors)


def summarise(base: KnowledgeBase, new: KnowledgeBase, as_of: dt.date, clients: list[Client],
              changes: list[ActionChange], by: Sequence[str],
              errors: list[dict[str, Any]]) -> ImpactReport:
    totals = Tally()
    by_kind: defaultdict[str, Tally] = defaultdict(Tally)
    by_rule: defaultdict[str, Tally] = defaultdict(Tally)
    for c in changes:
        totals = totals.plus(c.change)
        by_kind[c.kind] = by_kind[c.kind].plus(c.change)
        for rule in c.rules or ("(journey map)",):
            by_rule[rule] = by_rule[rule].plus(c.change)
    affected = {c.client_id for c in changes}
    return ImpactReport(
        base_kb=base.version, new_kb=new.version, as_of=as_of, clients=len(clients),
        clients_affected=len(affected),
        affected_pct=round(100 * len(affected) / len(clients), 2) if clients else 0.0,
        totals=totals, by_kind=dict(sorted(by_kind.items())),
        by_rule=dict(sorted(by_rule.items())),
        segments=segments(clients, affected, ("project_type", *by)), changes=changes,
        errors=errors)


def segments(clients: Sequence[Client], affected: set[str],
             facts: Sequence[str]) -> list[Segment]:
    """For each fact and value: how many clients have it and how many of them are affected."""
    found = []
    for fact in dict.fromkeys(facts):
        total, hit = Counter[str](), Counter[str]()
        for client in clients:
            value = fact_value(client, fact)
            total[value] += 1
            hit[value] += client.id in affected
        found += [Segment(fact=fact, value=v, clients=n, affected=hit[v])
                  for v, n in total.items()]
    return sorted(found, key=lambda s: (-s.pct, -s.affected, s.fact, s.value))


def fact_value(client: Client, fact: str) -> str:
    """A client's value of a field or ``facts.NAME`` as text; ``(missing)`` when unknown."""
    if fact.startswith("facts."):
        value = client.facts.get(fact.removeprefix("facts."))
    else:
        value = getattr(client, fact, None)
    if value is None or value == []:
        return "(missing)"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _error(client: Client, problems: Sequence[Diagnostic]) -> dict[str, Any]:
    return {"client_id": client.id, "errors": [d.as_dict() for d in problems]}
