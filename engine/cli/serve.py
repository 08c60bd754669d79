"""Run the engine as an HTTP service: decisions, the run journal, amoCRM and Bitrix24 webhooks.

FastAPI on uvicorn (the 'serve' extra). The knowledge base is loaded once per worker process,
which takes requests only once it is loaded. Settings: playbook.toml (found from the current
folder upward, or --config FILE): its journal, map, lang, crm_url and [serve] table; then
PLAYBOOK_* environment variables (PLAYBOOK_API_TOKENS, PLAYBOOK_JOURNAL, PLAYBOOK_SERVE_HOST,
the CRMs' secrets); then these flags. `playbook config` shows them and where each came from.
Without API tokens the server listens on loopback only. SIGHUP restarts the
workers one at a time (with --workers N), which reloads the knowledge base. See docs/serve.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli.common import add_kb, date, kb_choice, positive
from engine.cli.common import settings as found_settings
from engine.errors import Diagnostic, DiagnosticsError, Location
from engine.matchers import NAMES
from engine.vocabulary import LANGUAGES

if TYPE_CHECKING:
    from engine.serve.service import Service
    from engine.serve.settings import Settings

NAME = "serve"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", metavar="ADDRESS",
                        help="the address to listen on (default: 127.0.0.1; any other needs "
                             "API tokens)")
    parser.add_argument("--port", type=int, metavar="PORT", help="the port (default: 8000)")
    parser.add_argument("--workers", type=positive, metavar="N",
                        help="worker processes (default: 1)")
    add_kb(parser)
    parser.add_argument("--journal", metavar="PATH_OR_URL",
                        help="the run journal: a SQLite file or a PostgreSQL URL (needed by "
                             "the journal's endpoints and the webhooks)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="the settings file (default: playbook.toml in the current folder "
                             "or its nearest parent): its [serve] and [web] tables, journal, "
                             "map, lang and crm_url")
    parser.add_argument("--map", metavar="MAP.yaml",
                        help="the mapping file of CRM records (as `playbook run --map`)")
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day the webhooks' runs recommend for (default: today)")
    parser.add_argument("--lang", choices=LANGUAGES,
                        help="the language of the webhooks' runs (default: en)")
    parser.add_argument("--matcher", choices=NAMES, help="rule matcher (default: python)")


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from engine.config import in_effect
        from engine.serve.settings import read_settings
    except ImportError:
        raise DiagnosticsError([Diagnostic(
            "serve-unavailable", "playbook serve needs FastAPI and uvicorn", Location("serve"),
            hint="pip install 'playbook-engine[serve]'")]) from None
    flags = {"host": args.host, "port": args.port, "workers": args.workers,
             "journal": args.journal, "map": args.map, "as_of": args.as_of,
             "lang": args.lang, "matcher": args.matcher}
    config = in_effect(file=args.config) if args.config is not None else found_settings(args)
    settings = read_settings(config, os.environ, flags)
    if args.kb is None and settings.kb is not None:
        args.kb = settings.kb
    settings = settings.model_copy(update={"kb": str(kb_choice(args).root)})
    service = _started(settings)
    from engine.serve.edge import configure_logging

    configure_logging(settings.log_level)
    _serve(uvicorn, settings, service)
    return 0


def _serve(uvicorn: Any, settings: Settings, service: Service) -> None:
    if settings.workers == 1:  # this process serves: the service it started is the app's
        from engine.serve.app import create_app

        uvicorn.run(create_app(service=service), host=settings.host, port=settings.port,
                    access_log=False, log_config=None, timeout_graceful_shutdown=30)
        return
    os.environ["PLAYBOOK_SERVE_SETTINGS"] = settings.to_environment()
    metrics = tempfile.mkdtemp(prefix="playbook-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics  # the workers' counters, added up
    try:
        uvicorn.run("engine.serve.app:from_environment", factory=True, host=settings.host,
                    port=settings.port, workers=settings.workers, access_log=False,
                    log_config=None, timeout_worker_healthcheck=120,
                    timeout_graceful_shutdown=30)
    finally:
        shutil.rmtree(metrics, ignore_errors=True)


def _started(settings: Settings) -> Service:
    """Refuse what would start a server that cannot work, before anything listens: another
    address than loopback without tokens, a knowledge base, journal or mapping with mistakes.
    With one worker the service started here is the one that serves; with several, each
    worker starts its own (the knowledge base's cache is warm, the journal migrated)."""
    from engine.serve.service import Service

    if not settings.loopback and not settings.tokens:
        raise DiagnosticsError([Diagnostic(
            "no-tokens", f"refusing to listen on {settings.host} without API tokens",
            Location("serve"), expected="--host 127.0.0.1, or API tokens",
            hint="set tokens in the config's [serve] table or PLAYBOOK_API_TOKENS")])
    alone = settings.workers == 1
    service = Service(settings if alone else settings.model_copy(update={
        "hooks": settings.hooks.model_copy(update={"worker": False})}))
    service.start()
    if service.problems:
        service.stop()
        raise DiagnosticsError(service.problems)
    if not alone:
        service.stop()
    sys.stderr.write(f"playbook serve: http://{settings.host}:{settings.port} "
                     f"(knowledge base {service.kb.version if service.kb else '?'})\n")
    return service
