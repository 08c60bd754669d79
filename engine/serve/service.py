"""One server process: its settings, the knowledge base it loaded, its journal, the mapping
files of its CRMs and its webhook worker.

The knowledge base is loaded once per process, when the server starts (uvicorn's lifespan): the
process takes requests only then. An app whose start was not run (or failed) answers
``/v1/health`` with 503 (``loading`` or ``failed``) and its decision endpoints with 503.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import Diagnostic, DiagnosticsError, Location
from engine.kb.knowledge_base import KnowledgeBase
from engine.portfolio.cells import Cells
from engine.portfolio.mapping import DEFAULT, Mapping, read_mapping
from engine.serve.problems import ApiError, problem
from engine.serve.settings import Settings

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from engine.journal import Journal
    from engine.serve.worker import HookWorker

log = logging.getLogger("playbook.serve")
SWITCH_INTERVAL_S = 0.0005  # Python's default: 0.005


@dataclass
class Service:
    settings: Settings
    kb: KnowledgeBase | None = None
    journal: Journal | None = None
    mappings: dict[str, Mapping] = field(default_factory=dict)  # "record", "amocrm", ...
    problems: list[Diagnostic] = field(default_factory=list)  # why it could not start
    worker: HookWorker | None = None
    pages: ASGIApp | None = None  # the pages of engine/web, when the config has a [web] table
    _cells: dict[str, Cells] = field(default_factory=dict)

    def start(self) -> None:
        """Load the knowledge base, open the journal, read the mapping files, start the
        webhook worker; a mistake is kept in ``problems`` (and logged), never raised."""
        try:
            self._start()
        except DiagnosticsError as exc:
            self.problems = list(exc.diagnostics)
            for d in self.problems:
                log.error("cannot start: %s", d.render())
        except Exception as exc:  # logged with its traceback; health says failed
            log.exception("cannot start")
            self.problems = [Diagnostic("internal-error", f"the server could not start: "
                                        f"{type(exc).__name__}", Location("server"))]

    def _start(self) -> None:
        from engine.api import load
        from engine.kb.discover import choose

        s = self.settings
        kb = load(choose(s.kb).root, matcher=s.matcher, cache=True)
        for name, path in self.mapping_files().items():
            mapping, problems = read_mapping(Path(path)) if path else (DEFAULT, [])
            if problems:
                raise DiagnosticsError(problems)
            assert mapping is not None
            self.mappings[name] = mapping
        journal = None
        if s.journal is not None:
            from engine.journal import Journal

            journal = Journal(s.journal)
        self.kb, self.journal = kb, journal
        if journal is not None and s.config is not None:
            self.pages = pages(s.config, journal, kb, s.crm_url)
        if journal is not None and (s.amocrm or s.bitrix24):
            journal.hooks  # noqa: B018  (the events' store is made now, a mistake told now)
        if journal is not None and s.hooks.worker and (s.amocrm or s.bitrix24):
            from engine.serve.worker import HookWorker

            self.worker = HookWorker(s, kb, journal, self.cells)
            self.worker.start()
            # The worker computes (recommend, record) while holding the GIL; the CRMs wait for
            # the intake's answer, which needs the GIL for each step between the event loop and
            # its thread: shorter turns keep that wait short (see docs/serve.md, "Cost").
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        log.info("ready: knowledge base %s", kb.version)

    def mapping_files(self) -> dict[str, str | None]:
        s = self.settings
        files: dict[str, str | None] = {"record": s.map}
        if s.amocrm:
            files["amocrm"] = s.amocrm.map or s.map
        if s.bitrix24:
            files["bitrix24"] = s.bitrix24.map or s.map
        return files

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        if self.journal is not None:
            self.journal.close()

    def knowledge(self) -> KnowledgeBase:
        """The knowledge base, or 503 while it loads (or when it could not be loaded)."""
        if self.kb is None:
            raise ApiError(503, self.problems or [Diagnostic(
                "not-ready", "the knowledge base is still loading", Location("server"),
                hint="retry in a moment; GET /v1/health says when the server is ready")],
                {"Retry-After": "1"})
        return self.kb

    def open_journal(self) -> Journal:
        self.knowledge()
        if self.journal is None:
            raise problem(404, "no-journal", "this server has no journal", "server",
                          hint="start it with --journal PATH_OR_URL")
        return self.journal

    def cells(self, name: str) -> Cells:
        """How records of ``name`` (record, amocrm, bitrix24) become client data."""
        if name not in self._cells:
            self._cells[name] = Cells(self.mappings.get(name, DEFAULT), self.knowledge())
        return self._cells[name]


def pages(config: str, journal: Journal, kb: KnowledgeBase,
          crm_url: str | None = None) -> ASGIApp | None:
    """The pages account managers open (engine/web), when the settings file ``config`` has a
    [web] table (read, as the service's own settings, by engine.config)."""
    from engine.config import in_effect

    if not in_effect(file=Path(config)).table("web"):
        return None
    try:
        from engine.web import Desk, load_settings, pages_app
    except ImportError:
        raise DiagnosticsError([Diagnostic(
            "web-unavailable", "the config has a [web] table but the pages need the 'web' "
            "extra", Location(config), hint="pip install 'playbook-engine[web]'")]) from None
    return pages_app(load_settings(config), Desk(journal, kb, crm_url=crm_url))
