"""Fuzzing with a fixed seed: a few thousand mutants of knowledge-base and client files end in
a KnowledgeBaseError or ClientError (or load and work), never in another exception.

The long run (10^5 cases, the bundled knowledge base) is bench/fuzz.py.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import engine

from .conftest import SMALL_KB
from .fuzzing import ROOT, Outcome, client_case, kb_case, mutant

CLIENTS = sorted((ROOT / "examples").glob("*.y*ml")) + sorted((ROOT / "examples").glob("*.json"))
SOME_CLIENTS: list[dict[str, Any]] = [
    {"id": "a", "project_type": "lead_gen", "nps": 3, "monthly_budget": 5000.0,
                 "kpis": [{"name": "CPL", "target": 100.0, "actual": 112.0}]},
                {"id": "b", "temperament": "choleric", "facts": {"has_crm": True}}]
BUNDLED = sorted(p for folder in ("rules", "journey_maps", "playbooks")
                 for p in (ROOT / folder).glob("*.yaml"))
FUZZ = settings(max_examples=600, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def _check(outcome: Outcome) -> None:
    assert outcome.crash is None, outcome.crash[0]


@pytest.fixture(scope="module")
def kb_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(SMALL_KB, tmp_path_factory.mktemp("fuzz") / "kb"))


@seed(17)
@FUZZ
@given(rnd=st.randoms(use_true_random=False))
@pytest.mark.slow
def test_knowledge_base_mutants_load_or_are_refused(kb_copy: Path, rnd: random.Random) -> None:
    _check(kb_case(kb_copy, rnd, SOME_CLIENTS))


@seed(17)
@FUZZ
@given(rnd=st.randoms(use_true_random=False), index=st.integers(0, len(BUNDLED) - 1))
@pytest.mark.slow
def test_bundled_file_mutants_read_or_are_refused(tmp_path_factory: pytest.TempPathFactory,
                                                  rnd: random.Random, index: int) -> None:
    """Each bundled file, mutated, read and validated against its model (not compiled: the
    small knowledge base above and bench/fuzz.py compile their mutants)."""
    from engine.kb.files import FOLDERS, parse_model

    source = BUNDLED[index]
    path = tmp_path_factory.getbasetemp() / source.name
    path.write_text(mutant(source.read_text(encoding="utf-8"), rnd), encoding="utf-8",
                    errors="surrogatepass")
    parse_model(path, FOLDERS[source.parent.name][1])


@seed(17)
@settings(FUZZ, max_examples=1200)
@given(rnd=st.randoms(use_true_random=False), index=st.integers(0, len(CLIENTS) - 1))
@pytest.mark.slow
def test_client_mutants_are_read_or_refused(tmp_path_factory: pytest.TempPathFactory,
                                            rnd: random.Random, index: int) -> None:
    kb = engine.default_kb()
    _check(client_case(kb, CLIENTS[index], tmp_path_factory.getbasetemp() / "client", rnd))
