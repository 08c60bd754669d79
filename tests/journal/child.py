"""A run recorded in a child process, for the tests that kill it or race it.

    python -m tests.journal.child TARGET CLIENTS STALL_AT MARKER [STALL_S [WAIT_S]]

Records CLIENTS generated clients as of AS_OF in batches of 50; when the run asks for client
number STALL_AT it writes MARKER and stalls for STALL_S seconds (default 300: the parent kills it
or races it). STALL_AT -1: never stalls. WAIT_S: how long it waits for another run recording into
the journal (default 300). Prints the run's total and whether it was a repeat as JSON when it
completes, and which lock it held.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import engine
from engine import journal
from engine.journal.lock import soft
from tests.journal.support import AS_OF, ROOT, portfolio


def pairs(kb: engine.KnowledgeBase, clients: list[dict[str, Any]], stall_at: int,
          marker: Path, stall_s: float) -> Iterator[tuple[dict[str, Any], engine.Recommendation]]:
    for i, client in enumerate(clients):
        if i == stall_at:
            marker.write_text("stalled")
            time.sleep(stall_s)
        yield client, engine.recommend(client, kb=kb, as_of=AS_OF)


def main(target: str, count: int, stall_at: int, marker: Path, stall_s: float = 300,
         wait_s: float = 300) -> int:
    kb = engine.load(ROOT)
    clients = portfolio(kb, count)
    try:
        with journal.open(target) as j:
            summary = j.record(pairs(kb, clients, stall_at, marker, stall_s), as_of=AS_OF,
                               kb_version=kb.version, input_digest=journal.input_digest(clients),
                               policy=journal.Policy.of(kb), batch_size=50, wait=wait_s)
    except engine.DiagnosticsError as exc:
        print(exc.diagnostics[0].render())
        return 1
    print(json.dumps({**summary.total.__dict__, "repeat": summary.repeat,
                      "lock": "soft" if soft() else "native"}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]),
                  *(float(a) for a in sys.argv[5:7])))
