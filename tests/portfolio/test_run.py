"""engine.recommend_many: every client's recommendation or errors, in input order, the same on
any number of processes; the knowledge base they share pickles as a value."""

from __future__ import annotations

import pickle

import pytest

import engine

from .crm import AS_OF, crm_export


@pytest.mark.slow
def test_the_library_gets_the_same_in_order_on_any_number_of_workers() -> None:
    clients, _ = crm_export(700, seed=3)
    clients[5] = {**clients[5], "nps": 11}
    single = list(engine.recommend_many(clients, as_of=AS_OF))
    assert single == list(engine.recommend_many(clients, as_of=AS_OF, workers=2))
    assert [o.client_id for o in single] == [c["id"] for c in clients]
    bad = single[5]
    assert bad.recommendation is None
    assert [d.render() for d in bad.errors] == [
        "client[5]: error[bad-value] nps: Input should be less than or equal to 10; got 11"]
    good = [o.recommendation for i, o in enumerate(single) if i != 5]
    assert good == [engine.recommend(c, as_of=AS_OF) for i, c in enumerate(clients) if i != 5]


def test_a_loaded_knowledge_base_round_trips_through_pickle(small_kb: engine.KnowledgeBase
                                                            ) -> None:
    for kb in (small_kb, engine.default_kb()):
        back = pickle.loads(pickle.dumps(kb))
        assert back == kb
        clients, _ = crm_export(30, seed=8)
        for c in clients if kb is not small_kb else []:
            assert engine.recommend(c, kb=back, as_of=AS_OF) == engine.recommend(
                c, kb=kb, as_of=AS_OF)
