"""The portfolio summary, gathered as results stream by: clients read and failed, files that
could not be read as a whole, actions by kind, the most frequent warnings, the clients with the
most urgent actions (who and where they are), and the columns of each table no client field
reads (left out, named once)."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.models import Recommendation
from engine.portfolio.records import Record
from engine.portfolio.run import Result
from engine.vocabulary import ACTION_KINDS

if TYPE_CHECKING:  # the journal needs the 'journal' extra
    from engine.journal import RunSummary

TOP = 10


@dataclass(frozen=True, order=True)
class Urgent:
    """A client's most urgent action."""

    priority: int
    client_id: str
    kind: str
    action: str
    title: str
    client_name: str | None = None
    owner: str | None = None
    crm_url: str | None = None


@dataclass
class Summary:
    read: int = 0
    failed: int = 0
    files_failed: int = 0  # sources that could not be read at all (no client of theirs counted)
    kinds: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    warning_titles: dict[str, str] = field(default_factory=dict)
    _urgent: list[tuple[int, int, Urgent]] = field(default_factory=list)
    journal: RunSummary | None = None  # with a journal: what the run changed in it
    left_out: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file -> columns

    def add(self, record: Record, result: Result) -> None:
        if isinstance(result, tuple) and not record.row:  # the file as a whole, not a client
            self.files_failed += 1
            return
        self.read += 1
        if isinstance(result, tuple):
            self.failed += 1
        else:
            self._recommendation(result)

    @property
    def run_failed(self) -> bool:
        """A source could not be read, or no client got advice while some failed: the run's
        output would be wrong or empty, so it must not replace the previous one."""
        return bool(self.files_failed) or (self.failed > 0 and self.failed == self.read)

    def _recommendation(self, rec: Recommendation) -> None:
        kinds = [a.kind for a in rec.actions]
        self.kinds.update(kinds)  # counted in C
        if "warning" in kinds:
            for action in rec.actions:
                if action.kind == "warning":
                    self.warnings[action.id] += 1
                    self.warning_titles.setdefault(action.id, action.title)
        if not rec.actions:
            return
        top = rec.actions[0]  # actions are ordered, the most urgent first
        # ties: the client read first stays; most clients rank below the tenth so far
        if len(self._urgent) < TOP or (top.priority, -self.read) > self._urgent[0][:2]:
            entry = (top.priority, -self.read, Urgent(
                priority=top.priority, client_id=rec.client_id, kind=top.kind, action=top.id,
                title=top.title, client_name=rec.client_name, owner=rec.owner,
                crm_url=rec.crm_url))
            if len(self._urgent) < TOP:
                heapq.heappush(self._urgent, entry)
            else:
                heapq.heapreplace(self._urgent, entry)

    def urgent(self) -> list[Urgent]:
        return [u for _, _, u in sorted(self._urgent, key=lambda e: e[:2], reverse=True)]

    def top_warnings(self) -> list[tuple[str, str, int]]:
        ranked = sorted(self.warnings.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        return [(w, self.warning_titles[w], n) for w, n in ranked]

    def as_dict(self) -> dict[str, Any]:
        return {"clients_read": self.read, "clients_failed": self.failed,
                "files_failed": self.files_failed,
                "columns_left_out": {f: list(c) for f, c in self.left_out.items()},
                "actions_by_kind": {k: self.kinds[k] for k in ACTION_KINDS},
                "top_warnings": [{"id": w, "title": t, "clients": n}
                                 for w, t, n in self.top_warnings()],
                "most_urgent": [u.__dict__ for u in self.urgent()],
                **({"journal": self.journal.as_dict()} if self.journal is not None else {})}
