"""The wire form of a Recommendation: equal after a round trip, through pickle, JSON and a real
process pool."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import multiprocessing
import pickle
from typing import Any

import pytest

import engine
from engine.models import Recommendation
from engine.runtime.clients import read_clients
from engine.runtime.wire import WIRE_VERSION, from_wire, to_wire
from engine.tools import scenarios

from ..conftest import TESTS

EXAMPLES = TESTS.parent / "examples"
AS_OF = dt.date(2026, 10, 15)


def recommendations() -> list[Recommendation]:
    """Every bundled scenario's and example's recommendation, in both languages."""
    kb = engine.default_kb()
    pairs = [(c.scenario.client, c.scenario.as_of) for p in scenarios.files(kb)
             for c in scenarios.read_cases(p, kb)[0]]
    pairs += [(c, AS_OF) for p in sorted(EXAMPLES.iterdir()) for c in read_clients(p, kb)[0]]
    return [engine.recommend(c, kb=kb, as_of=d, lang=lang)
            for c, d in pairs for lang in ("en", "ru")]


def test_round_trips_equal_through_pickle_and_json() -> None:
    recs = recommendations()
    assert len(recs) > 40 and any(a.missing for r in recs for a in r.actions)
    for rec in recs:
        wire = to_wire(rec)
        for back in (from_wire(wire), from_wire(pickle.loads(pickle.dumps(wire))),
                     from_wire(json.loads(json.dumps(wire)))):
            assert back == rec and back.model_dump_json() == rec.model_dump_json()
            assert all(isinstance(a.rules, tuple) for a in back.actions)


def test_the_layout_is_the_documented_one() -> None:
    rec = next(r for r in recommendations() if any(a.missing for a in r.actions))
    version, client_id, who, as_of, kb_version, actions, held, notes = to_wire(rec)
    assert (version, client_id, who, as_of, kb_version) == (
        "rec/4", rec.client_id, (rec.client_name, rec.owner, rec.crm_id, rec.crm_url),
        rec.as_of.isoformat(), rec.kb_version)
    assert [a[:5] for a in actions] == [(a.kind, a.id, a.title, a.reason, a.priority)
                                        for a in rec.actions]
    assert [a[5:9] for a in actions] == [(a.rules, a.sources, a.missing, a.missing_one_of)
                                         for a in rec.actions]
    assert [a[9] is None for a in actions] == [a.details is None for a in rec.actions]
    assert held == tuple((h.kind, h.id, h.title, h.rules, h.reason) for h in rec.held)
    assert notes == tuple(rec.notes)


@pytest.mark.parametrize("wire", [("rec/1", "c", "2026-01-01", "v", ()), (), ["rec/4", "c"],
                                  ("rec/3", "c", "2026-01-01", "v", (), (), ())])
def test_other_layouts_are_refused(wire: Any) -> None:
    with pytest.raises(ValueError, match=f"not a recommendation in wire form '{WIRE_VERSION}'"):
        from_wire(wire)


def _recommend_on_the_wire(client: dict[str, Any]) -> Any:
    return to_wire(engine.recommend(client, as_of=AS_OF))


@pytest.mark.slow
def test_worker_processes_send_recommendations_on_the_wire() -> None:
    clients = [{"id": f"c{i}", "project_type": "lead_gen", "nps": i} for i in range(6)]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        got = [from_wire(w) for w in pool.map(_recommend_on_the_wire, clients)]
    assert got == [engine.recommend(c, as_of=AS_OF)
                   for c in clients]
