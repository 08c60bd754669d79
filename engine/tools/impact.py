"""The impact of a knowledge-base change on a portfolio, before it is merged.

Both knowledge bases recommend for the same clients on the same day; their actions are compared
keyed by (client, kind, id). An action only the new base gives is ``added``, one only the base
gave is ``removed``, one both give with a different priority, reason, title, missing steps,
sources, rules or playbook content (details) is ``changed`` (the fields are named). A client
is affected when any of its actions is. Results are data (pydantic models, so ``playbook schema
impact`` publishes them); engine/render/impact.py writes them for people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from engine.errors import Diagnostic
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Action, Client, Model
from engine.portfolio.run import Outcome, recommend_many
from engine.tools.contract import FormatVersion
from engine.version import __version__ as ENGINE_VERSION
from engine.vocabulary import KIND_ORDER

COMPARED = ("priority", "reason", "title", "missing", "missing_one_of", "sources", "rules",
            "details")
Change = Literal["added", "removed", "changed"]
Key = tuple[str, str]  # (kind, id) within one client
Facts = Client | Mapping[str, Any]  # a client as the library or a portfolio file gives it


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
    format_version: FormatVersion = "2"  # the JSON contract's version (engine/tools/contract.py)
    engine_version: str = ENGINE_VERSION
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


def impact(base: KnowledgeBase, new: KnowledgeBase, clients: Sequence[Facts],
           as_of: dt.date, by: Sequence[str] = (), lang: str = "en",
           workers: int = 1) -> ImpactReport:
    """Recommend with both knowledge bases for every client (through the portfolio path, on
    ``workers`` processes) and compare."""
    def run(kb: KnowledgeBase) -> Iterator[Outcome]:
        return recommend_many(clients, kb=kb, as_of=as_of, lang=lang, workers=workers)

    seen, changes, errors = [], [], []
    for client, old, now in zip(clients, run(base), run(new), strict=True):
        if old.recommendation is None or now.recommendation is None:
            errors.append(_error(old.client_id or now.client_id, old.errors or now.errors))
            continue
        seen.append(client)
        changes += diff(now.recommendation.client_id, old.recommendation.actions,
                        now.recommendation.actions)
    return summarise(base, new, as_of, seen, changes, by, errors)


def summarise(base: KnowledgeBase, new: KnowledgeBase, as_of: dt.date, clients: list[Facts],
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


def segments(clients: Sequence[Facts], affected: set[str],
             facts: Sequence[str]) -> list[Segment]:
    """For each fact and value: how many clients have it and how many of them are affected."""
    found = []
    for fact in dict.fromkeys(facts):
        total, hit = Counter[str](), Counter[str]()
        for client in clients:
            value = fact_value(client, fact)
            total[value] += 1
            hit[value] += _id(client) in affected
        found += [Segment(fact=fact, value=v, clients=n, affected=hit[v])
                  for v, n in total.items()]
    return sorted(found, key=lambda s: (-s.pct, -s.affected, s.fact, s.value))


def fact_value(client: Facts, fact: str) -> str:
    """A client's value of a field or ``facts.NAME`` as text; ``(missing)`` when unknown."""
    data = client.model_dump() if isinstance(client, Client) else client
    if fact.startswith("facts."):
        value = (data.get("facts") or {}).get(fact.removeprefix("facts."))
    else:
        value = data.get(fact)
    if value is None or value == []:
        return "(missing)"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _id(client: Facts) -> str:
    return client.id if isinstance(client, Client) else str(client.get("id"))


def _error(client_id: str | None, problems: Sequence[Diagnostic]) -> dict[str, Any]:
    return {"client_id": client_id, "errors": [d.as_dict() for d in problems]}
