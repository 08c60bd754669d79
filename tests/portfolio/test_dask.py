"""Portfolio runs on a real Dask cluster (distributed.LocalCluster, two worker processes): the
same records as the single-process run, the knowledge base brought to each worker once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import engine

from ..cli.test_run import playbook
from ..conftest import playbook as run_playbook
from .crm import AS_OF, MAPPING, crm_export

distributed = pytest.importorskip("distributed")
dask_bag = pytest.importorskip("dask.bag")
engine_dask = pytest.importorskip("engine.dask")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as dask_client:
        yield dask_client


@pytest.mark.slow
def test_a_dask_run_equals_the_single_process_run(client: Any) -> None:
    clients, _ = crm_export(800, seed=17)  # two chunks: both workers get one
    clients[700] = {**clients[700], "temperament": "angry"}
    single = list(engine.recommend_many(clients, as_of=AS_OF, lang="ru"))
    on_dask = list(engine_dask.recommend_many(clients, client=client, as_of=AS_OF, lang="ru"))
    assert on_dask == single
    assert on_dask[700].errors and on_dask[700].recommendation is None
    plugins = client.run(lambda dask_worker: sorted(dask_worker.plugins))
    assert len(plugins) == 2
    kb_plugin = f"playbook-kb-{engine.default_kb().version}-python"
    assert all(kb_plugin in names for names in plugins.values())


@pytest.mark.slow
def test_a_bag_of_clients_partition_by_partition(client: Any) -> None:
    clients, _ = crm_export(200, seed=19)
    bag = dask_bag.from_sequence(clients, npartitions=4)
    outcomes = engine_dask.recommend_bag(bag, client=client, as_of=AS_OF).compute()
    assert outcomes == list(engine.recommend_many(clients, as_of=AS_OF))


@pytest.mark.slow
def test_playbook_run_dask_writes_what_a_local_run_writes(client: Any,
                                                          tmp_path: Path) -> None:
    _, text = crm_export(600, seed=23)
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    args = ["run", str(export), "--map", str(MAPPING), "--as-of", AS_OF.isoformat(),
            "--format", "json", "--out"]
    local = playbook(*args, str(tmp_path / "local.jsonl"))
    done = run_playbook(*args, str(tmp_path / "dask.jsonl"), "--dask",  # another process
                        client.scheduler.address, process=True)
    assert (done.returncode, done.stdout) == (0, local.stdout)
    assert json.loads(done.stdout)["clients_read"] == 600
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
