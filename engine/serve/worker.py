"""The webhook worker: a thread in each server process that claims stored events, fetches the
record from the CRM where the event lacks it, maps it with the mapping file, recommends, and
records a one-client run in the journal.

At least once, at most once: an event stays in the database until a worker finishes it (a
worker that dies leaves its lease to expire, and the event is claimed again); a change is
recorded once, by CRM, account, record id and modification time (``hook_records``), and a run
recorded again with the same facts on the same day adds nothing (the journal's own rule).
A fetch that fails is tried again after a delay that doubles each time (``backoff_seconds`` up
to ``backoff_max_seconds``, or what the CRM's Retry-After asks), and given up after
``max_attempts``; both are listed at ``GET /v1/hooks/failed``.

The worker thread runs at a lower CPU priority than the server's other threads (``WORKER_NICE``):
when the CPUs are busy, the event loop and the threads that store events and answer the CRMs
run first; the worker has no caller waiting on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from engine.api import recommend
from engine.errors import ClientError, Diagnostic, DiagnosticsError, Location
from engine.journal import Journal, input_digest
from engine.journal.hooks import Claim, HookEvent
from engine.kb.knowledge_base import KnowledgeBase
from engine.portfolio.cells import Cells
from engine.runtime.clients import coerce
from engine.serve.crm import amocrm, bitrix24
from engine.serve.crm.common import CrmError, CrmRecord, kept
from engine.serve.metrics import HOOKS_FINISHED
from engine.serve.settings import Settings

log = logging.getLogger("playbook.serve.hooks")
# The worker thread's niceness above the server's: while the CPUs are busy, the answers (the event
# loop, the intake's threads) run first; the worker has no caller waiting on it.
WORKER_NICE = 10
BUSY_WAIT_S = 0.05  # another process is recording into the journal: wait, then try again


def in_background() -> None:
    """Lower the calling thread's CPU priority by ``WORKER_NICE`` (Linux gives each thread its
    own nice value; elsewhere the whole process's would change, so nothing is done)."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread,
                       min(19, os.getpriority(os.PRIO_PROCESS, thread) + WORKER_NICE))


class HookWorker:
    """``cells``: how each CRM's records become client data (its mapping file)."""

    def __init__(self, settings: Settings, kb: KnowledgeBase, journal: Journal,
                 cells: Callable[[str], Cells]) -> None:
        self.cells = cells
        self.settings = settings
        self.kb = kb
        self.journal = journal
        self.name = f"{os.uname().nodename[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="playbook-hooks", daemon=True)
        self.clients: dict[str, Any] = {}
        s = self.settings
        if s.amocrm and s.amocrm.url and s.amocrm.token:
            self.clients["amocrm"] = amocrm.AmoCRMClient(s.amocrm, s.hooks.timeout_seconds)
        if s.bitrix24 and s.bitrix24.url and s.bitrix24.token:
            self.clients["bitrix24"] = bitrix24.Bitrix24Client(s.bitrix24,
                                                               s.hooks.timeout_seconds)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout=30)
        for client in self.clients.values():
            client.close()

    def run(self) -> None:
        lease = dt.timedelta(seconds=self.settings.hooks.lease_seconds)
        in_background()
        while not self.stopping.is_set():
            try:
                claim = self.journal.hooks.claim(self.name, lease)
            except Exception:  # the database is away: wait, and try again
                log.exception("cannot claim webhook events")
                claim = None
            if claim is None:
                self.wake.wait(self.settings.hooks.poll_seconds)
                self.wake.clear()
                continue
            self.process(claim)

    def process(self, claim: Claim) -> None:
        """Finish a claim, or put it back to be tried again, or give it up."""
        latest = claim.latest
        try:
            status = self._record(claim)
        except CrmError as exc:
            status = self._failed(claim, exc.diagnostic, exc.retry, exc.retry_after)
        except ClientError as exc:  # the record's facts are wrong: no retry mends them
            status = self._failed(claim, exc.diagnostics[0], False, None)
        except Exception as exc:
            log.exception("webhook event %s failed", latest.id)
            status = self._failed(claim, Diagnostic(
                "internal-error", f"processing failed: {type(exc).__name__}",
                Location(f"{latest.crm} record {latest.record_id}")), True, None)
        shown = "retrying" if status == "pending" else status
        HOOKS_FINISHED.labels(crm=latest.crm, status=shown).inc(len(claim.events))
        log.info("webhook %s %s record %s: %s (events %s)", latest.crm, latest.action,
                 latest.record_id, shown, ",".join(map(str, claim.ids)))

    def _record(self, claim: Claim) -> str:
        latest = claim.latest
        record = self.fetch(latest)
        modified = record.modified or latest.modified
        hooks = self.journal.hooks
        if modified is not None and hooks.recorded(latest.crm, latest.account,
                                                   latest.record_id, modified) is not None:
            return hooks.finish(claim, modified=modified, run_id=None)
        client = self.client(latest, record)
        rec = recommend(client, kb=self.kb, as_of=self.settings.as_of or dt.date.today(),
                        lang=self.settings.lang)
        summary = self._write(client, rec)
        return hooks.finish(claim, modified=modified, run_id=summary.run_id,
                            repeat=summary.repeat)

    def fetch(self, event: HookEvent) -> CrmRecord:
        """The record: from the CRM's REST API when it is configured, else (amoCRM only)
        as the webhook gave it."""
        client = self.clients.get(event.crm)
        mapping = self.cells(event.crm).mapping
        if event.crm == "amocrm":
            if client is None:
                return amocrm.from_event(event, mapping)
            found = client.lead(event.record_id)
            return CrmRecord(found.record_id, amocrm.columns(found.columns, mapping),
                             found.modified)
        if client is None:
            raise CrmError(Diagnostic("crm-not-configured", "Bitrix24 events carry only the "
                                      "deal's id, and no REST address is configured",
                                      Location("bitrix24"),
                                      hint="set url and token under [serve.bitrix24]"),
                           retry=False)
        found = client.deal(event.record_id)
        return CrmRecord(found.record_id, bitrix24.columns(found.columns, mapping),
                         found.modified)

    def client(self, event: HookEvent, record: CrmRecord) -> Any:
        """The client of a record: mapped columns; its id, CRM id and CRM link by default."""
        cells = self.cells(event.crm)
        data = cells.client(kept(record.columns, cells.mapping))
        data.setdefault("id", record.record_id)
        data.setdefault("crm_id", record.record_id)
        crm = self.clients.get(event.crm)
        if crm is not None:
            data.setdefault("crm_url", crm.record_url(record.record_id))
        return coerce(data, self.kb)

    def _write(self, client: Any, rec: Any) -> Any:
        """Record a one-client run; while another process records, wait for it."""
        deadline = time.monotonic() + self.settings.hooks.lease_seconds / 2
        while True:
            try:
                return self.journal.record(
                    [(client, rec)], as_of=rec.as_of, kb_version=self.kb.version,
                    input_digest=input_digest([client]), policy=self.kb.journal)
            except DiagnosticsError as exc:
                busy = exc.diagnostics and exc.diagnostics[0].code == "journal-busy"
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(BUSY_WAIT_S * (1 + random.random()))

    def _failed(self, claim: Claim, error: Diagnostic, retry: bool,
                retry_after: float | None) -> str:
        hooks = self.journal.hooks
        if not retry:
            hooks.give_up(claim, error)
            return "failed"
        h = self.settings.hooks
        delay = min(h.backoff_max_seconds, h.backoff_seconds * 2 ** (claim.attempts - 1))
        delay = max(delay * (0.5 + random.random() / 2), retry_after or 0)
        return hooks.retry(claim, error, dt.timedelta(seconds=delay), h.max_attempts)
